from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect

LOGGED_OUT = (
    "You were logged out, so nothing was saved. Log in again in another tab, then try again: "
    "your selection is still here."
)


class HtmxLoginRedirectMiddleware:
    """An htmx request from an expired session must not swap the login page into the chapter.

    A change (POST) answers 401 with a plain sentence, so the page keeps its text and the
    reader's selection and says that nothing was saved; a page load goes to the login page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        login = resolve_url(settings.LOGIN_URL)
        if request.htmx and response.status_code == 302 and response["Location"].startswith(login):
            if request.method != "GET":
                return HttpResponse(LOGGED_OUT, status=401, content_type="text/plain")
            return HttpResponseClientRedirect(response["Location"])
        return response
