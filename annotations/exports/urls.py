from django.urls import path

from annotations.exports import views

urlpatterns = [
    path("works/<int:pk>/export/", views.export_form, name="export"),
    path("works/<int:pk>/export/download/", views.export_download, name="export_download"),
    path("annotations/import/", views.import_annotations, name="import_annotations"),
]
