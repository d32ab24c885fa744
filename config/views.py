from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's default CSRF page is meant for developers; readers get a plain explanation."""
    return render(request, "403_csrf.html", status=403)
