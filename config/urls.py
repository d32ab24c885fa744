from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("fics.urls")),
    path("", include("annotations.urls")),
    path("", include("annotations.exports.urls")),
]
