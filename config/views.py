from functools import wraps

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's default CSRF page is meant for developers; readers get a plain explanation."""
    return render(request, "403_csrf.html", status=403)


def mail_configured() -> bool:
    return "default" in settings.MAILERS


def needs_mail(view):
    """Pages that only work by mail (password reset) do not exist until mail is configured:
    otherwise a known address made the server try to send, fail, and answer measurably slower."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not mail_configured():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        # The link in the mail goes back the way the reader came: never plain HTTP from HTTPS.
        self.use_https = self.request.is_secure()
        return super().form_valid(form)
