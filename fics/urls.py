from django.urls import path

from fics import follow_views, views

urlpatterns = [
    path("", views.library, name="library"),
    path("import/", views.upload, name="upload"),
    path("import/address/", follow_views.upload_address, name="upload_address"),
    path("import/pending/<int:pk>/", views.upload_resolve, name="upload_resolve"),
    path("import/<int:pk>/retry/", views.upload_retry, name="upload_retry"),
    path("works/<int:pk>/", views.work_detail, name="work"),
    path("works/<int:pk>/edit/", views.work_edit, name="work_edit"),
    path("works/<int:pk>/delete/", views.work_delete, name="work_delete"),
    path("works/<int:pk>/check/", follow_views.work_check_updates, name="work_check_updates"),
    path("works/<int:pk>/chapters/", views.chapter_jump, name="chapter_jump"),
    path(
        "works/<int:work_pk>/chapters/<int:position>/progress/",
        views.reading_progress,
        name="reading_progress",
    ),
    path(
        "works/<int:work_pk>/chapters/<int:position>/delete/",
        views.chapter_delete,
        name="chapter_delete",
    ),
]
