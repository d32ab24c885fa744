from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from fics.http import wants_fragment
from search import backends
from search.forms import SearchForm
from search.outline import library_outline
from search.results import Results, find


@require_GET
@login_required
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    """The search page; as the reader types in the header's box, htmx swaps in its main part."""
    outline = library_outline()
    form = SearchForm(request.GET, reader=request.user, fandoms=outline.fandoms)
    results, error = Results(), ""
    if form.is_valid():
        data = form.cleaned_data
        results = find(
            reader=request.user,
            text=data["q"],
            work=data["work"],
            scope=data["scope"] or "all",
            tag=data["tag"],
            fandom=data["fandom"],
            page=request.GET.get("page"),
            backend=backends.current(outline.configs),
        )
    else:
        error = form.first_error()
    context = {"search_form": form, "results": results, "error": error}
    template = "search.html#search-main" if wants_fragment(request) else "search.html"
    return render(request, template, context)
