from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.login import AdminLoginForm, LoginView
from config.views import PasswordResetView, needs_mail

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
    path("password_reset/", needs_mail(PasswordResetView.as_view()), name="password_reset"),
    path(
        "password_reset/done/",
        needs_mail(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        needs_mail(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        needs_mail(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("accounts/", include(accounts)),
    path("admin/", admin.site.urls),
    path("", include("fics.urls")),
    path("", include("groups.urls")),
    path("", include("annotations.urls")),
    path("", include("annotations.exports.urls")),
    path("", include("search.urls")),
]
