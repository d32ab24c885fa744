from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.login import AdminLoginForm, LoginView

admin.site.login_form = AdminLoginForm

accounts = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

urlpatterns = [
    path("accounts/", include(accounts)),
    path("admin/", admin.site.urls),
    path("", include("fics.urls")),
    path("", include("annotations.urls")),
    path("", include("annotations.exports.urls")),
]
