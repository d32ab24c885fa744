from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import render, resolve_url
from django.urls import Resolver404, resolve
from django_htmx.http import HttpResponseClientRedirect

# The pages that take files; every other page takes form fields only.
UPLOAD_URL_NAMES = frozenset({"upload", "import_annotations"})

LOGGED_OUT = (
    "You were logged out, so nothing was saved. Log in again in another tab, then try again."
)


class HtmxLoginRedirectMiddleware:
    """An htmx request from an expired session must not swap the login page into the chapter.

    A change (POST) answers 401 with a plain sentence, so the page keeps what the reader was
    doing (a selection, the files chosen) and says that nothing was saved; a page load goes to
    the login page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Cheapest test first: `request.htmx` reads the headers and the login URL is reversed,
        # which on every page cost more than the rest of this check.
        if (
            response.status_code == 302
            and request.htmx
            and response["Location"].startswith(resolve_url(settings.LOGIN_URL))
        ):
            if request.method != "GET":
                return HttpResponse(LOGGED_OUT, status=401, content_type="text/plain")
            return HttpResponseClientRedirect(response["Location"])
        return response


class RequestBodyLimitMiddleware:
    """Answers before the body is read when it could only fill the disk: a post from someone not
    logged in to a page that takes files, or a body larger than the page accepts.

    Reading request.POST streams uploaded files into temporary files, and the CSRF check does so
    for anyone who has a CSRF cookie, before @login_required or the upload form's size checks.
    A body without Content-Length needs no cap: Django's WSGI request reads none of it. (Under
    ASGI Django reads every body before any middleware runs: serve through WSGI, as `make run`
    does, or cap bodies in the server in front.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        if size <= 0:
            return self.get_response(request)
        upload_page = _is_upload_page(request.path_info)
        if upload_page and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        limit = (
            settings.MAX_UPLOAD_REQUEST_BYTES
            if upload_page
            else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        if size > limit:
            context = {
                "upload_page": upload_page,
                "max_file_mb": settings.MAX_UPLOAD_MB,
                "max_request_mb": settings.MAX_UPLOAD_REQUEST_MB,
            }
            return render(request, "413.html", context, status=413)
        return self.get_response(request)


def _is_upload_page(path: str) -> bool:
    try:
        return resolve(path).url_name in UPLOAD_URL_NAMES
    except Resolver404:
        return False
