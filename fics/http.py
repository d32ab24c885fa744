"""Request helpers shared by every app's views."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def wants_fragment(request: HttpRequest) -> bool:
    """Whether to answer with a page's partial rather than the whole page: an htmx request,
    except when htmx restores history it has no snapshot of and needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def page_of(request: HttpRequest, items, per_page: int, count: int | None = None) -> Page:
    """The page of `items` the `?page=` parameter asks for; the last one when it is past the end,
    the first when it is not a number. `count`: how many items there are, when the caller
    already knows (they are not counted again)."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count
    return paginator.get_page(request.GET.get("page"))
