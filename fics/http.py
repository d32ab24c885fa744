"""Request helpers shared by every app's views."""

from django.http import HttpRequest


def wants_fragment(request: HttpRequest) -> bool:
    """Whether to answer with a page's partial rather than the whole page: an htmx request,
    except when htmx restores history it has no snapshot of and needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request
