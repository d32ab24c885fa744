from django.http import HttpRequest

from annotations.group_activity import has_news


def groups_news(request: HttpRequest) -> dict:
    """`groups_news` for the site header's badge. The chapter page already read it with its
    version (its cached bytes are keyed by it) and leaves it on the request; other pages ask
    when the header is drawn."""
    if hasattr(request, "groups_news"):
        return {"groups_news": request.groups_news}
    return {"groups_news": lambda: has_news(request.user)}
