"""The story map of a work, its co-occurrence matrices, the passages behind a cell, and the
numbers as CSV. Every reader may see every work's map; the counts are their own passages, plus
other readers' shared ones when asked for (counted apart)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from annotations.models import Annotation, Tag
from annotations.story_map import axis_svg, map_csv, matrix_rows, strip_svg, table_html
from annotations.story_map_queries import (
    chapter_infos,
    character_cooccurrence,
    story_map_of,
    tag_cooccurrence,
)
from fics.models import CharacterMention, Work

CSV_CHARTS = ("map", "characters", "tags")


def _get_work(pk: int) -> Work:
    return get_object_or_404(Work, pk=pk)


def _include_shared(request: HttpRequest) -> bool:
    return request.GET.get("shared") == "1"


@require_GET
@login_required
def story_map(request: HttpRequest, pk: int) -> HttpResponse:
    work = _get_work(pk)
    include_shared = _include_shared(request)
    the_map = story_map_of(work, request.user, include_shared=include_shared)
    groups = []
    index = 0
    for label, strips in the_map.grouped():
        drawn = []
        for strip in strips:
            index += 1
            svg = strip_svg(strip, the_map.columns, f"strip-{index}")
            # Our own drawing (and table, below): every text in them went through html.escape.
            drawn.append((f"strip-{index}", strip, mark_safe(svg)))
        groups.append((label, drawn))
    together = reverse("story_map_together", args=[work.pk])
    characters = character_cooccurrence(work)
    tags, tag_pks = tag_cooccurrence(work, request.user)
    context = {
        "work": work,
        "include_shared": include_shared,
        "groups": groups,
        "axis": mark_safe(axis_svg(the_map.columns)),
        "first_chapter": the_map.columns[0].chapter if the_map.columns else None,
        "last_chapter": the_map.columns[-1].chapter if the_map.columns else None,
        "table": mark_safe(table_html(the_map)),
        "characters": matrix_rows(
            characters, lambda a, b: f"{together}?{urlencode({'a': a, 'b': b})}", "scene", "chapter"
        ),
        "tags": matrix_rows(
            tags,
            lambda a, b: f"{together}?{urlencode({'tag': [tag_pks[a], tag_pks[b]]}, True)}",
            "passage",
        ),
    }
    return render(request, "story_map.html", context)


@require_GET
@login_required
def story_map_csv(request: HttpRequest, pk: int, chart: str) -> HttpResponse:
    """The numbers behind one chart, as the page shows them."""
    if chart not in CSV_CHARTS:
        raise Http404("No such chart.")
    work = _get_work(pk)
    if chart == "map":
        body = map_csv(story_map_of(work, request.user, include_shared=_include_shared(request)))
    elif chart == "characters":
        body = character_cooccurrence(work).csv("scenes")
    else:
        body = tag_cooccurrence(work, request.user)[0].csv("passages")
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="story-map-{work.pk}-{chart}.csv"'
    return response


@require_GET
@login_required
def story_map_together(request: HttpRequest, pk: int) -> HttpResponse:
    """What a matrix cell counts: the scenes naming both characters (`?a=…&b=…`), or the
    reader's passages carrying both tags (`?tag=…&tag=…`)."""
    work = _get_work(pk)
    chapters = {info.pk: info for info in chapter_infos(work)}
    context = {"work": work, "scenes": None, "passages": None}
    if tag_pks := [int(pk) for pk in request.GET.getlist("tag") if pk.isdigit()][:2]:
        tags = list(Tag.objects.filter(owner=request.user, pk__in=tag_pks))
        if len(tags) != len(set(tag_pks)):
            raise Http404("No such tag.")
        passages = Annotation.objects.live().filter(owner=request.user, chapter__work=work)
        for tag in tags:
            passages = passages.filter(tags=tag)
        context["tags"] = tags
        context["passages"] = passages.select_related("chapter__work").order_by(
            "chapter__position", "start"
        )
    else:
        names = [request.GET.get("a", ""), request.GET.get("b", "")]
        if not all(names):
            raise Http404("Choose two characters or two tags.")
        rows = CharacterMention.objects.filter(chapter__work=work, name__in=names).values_list(
            "chapter_id", "scene", "name", "count", "first_paragraph"
        )
        by_scene: dict[tuple[int, int], dict[str, tuple[int, int]]] = {}
        for chapter, scene, name, count, first in rows:
            by_scene.setdefault((chapter, scene), {})[name] = (count, first)
        wanted = set(names)
        wanted_in_order = list(dict.fromkeys(names))
        context["names"] = names
        context["scenes"] = [
            {
                "chapter": chapters[chapter],
                "scene": scene + 1,
                "counts": [(name, found[name][0]) for name in wanted_in_order],
                "url": f"{chapters[chapter].url}#p{min(first for _, first in found.values())}",
            }
            for (chapter, scene), found in sorted(
                by_scene.items(), key=lambda item: (chapters[item[0][0]].position, item[0][1])
            )
            if wanted <= found.keys()
        ]
    return render(request, "story_map_together.html", context)
