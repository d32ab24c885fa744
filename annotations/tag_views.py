"""The reader's tags: by kind, each with a strip across works and its passages (by work, in
story order or by date); rename, recolour, merge, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from annotations import services
from annotations.forms import TagForm, TagMergeForm
from annotations.models import Colour, Tag
from annotations.tag_passages import ORDERS, TagPassages, tagged_chapters, works_of
from annotations.tag_strips import tags_across_works, tags_csv
from fics.http import page_of

TAGS_PER_PAGE = 100
PASSAGES_PER_PAGE = 50


def _get_own_tag(request: HttpRequest, pk: int) -> Tag:
    return get_object_or_404(Tag, pk=pk, owner=request.user)


@require_GET
@login_required
def tag_list(request: HttpRequest) -> HttpResponse:
    tags = Tag.objects.filter(owner=request.user).order_by("kind", Lower("name"), "pk")
    page = page_of(request, tags, TAGS_PER_PAGE)
    across = tags_across_works(request.user, list(page))
    for tag in page:
        tag.uses = across.uses.get(tag.pk, 0)
        # Our own drawing: every text in it went through html.escape (annotations.story_map).
        tag.strip = mark_safe(across.strips[tag.pk]) if tag.pk in across.strips else ""
    headings = {Tag.Kind.CHARACTER: "Characters", Tag.Kind.THEME: "Themes", Tag.Kind.OTHER: "Other"}
    groups = [(headings[kind], [tag for tag in page if tag.kind == kind]) for kind in Tag.Kind]
    return render(
        request,
        "tags.html",
        {"groups": groups, "page": page, "colours": Colour.choices, "kinds": Tag.Kind.choices},
    )


@require_GET
@login_required
def tags_across_works_csv(request: HttpRequest) -> HttpResponse:
    """The numbers behind the tags page's strips."""
    tags = list(Tag.objects.filter(owner=request.user).order_by("kind", Lower("name"), "pk"))
    response = HttpResponse(tags_csv(request.user, tags), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tags-across-works.csv"'
    return response


@require_GET
@login_required
def tag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The tag's passages, in story order (work by work, in reading order) or newest first;
    `?work=` keeps one work's."""
    tag = _get_own_tag(request, pk)
    passages = tag.annotations.live().filter(owner=request.user)
    chapters = tagged_chapters(passages)
    works = works_of(chapters)
    work = request.GET.get("work", "")
    work = int(work) if work.isdigit() and int(work) in {choice.pk for choice in works} else None
    if work is not None:
        passages = passages.filter(chapter__work_id=work)
        chapters = [chapter for chapter in chapters if chapter.work_pk == work]
    order = request.GET.get("order") if request.GET.get("order") in ORDERS else "story"
    page = page_of(request, TagPassages(passages, chapters, order), PASSAGES_PER_PAGE)
    context = {"tag": tag, "page": page, "works": works, "work": work, "order": order}
    return render(request, "tag.html", context)


@require_POST
@login_required
def tag_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tag = _get_own_tag(request, pk)
    form = TagForm(request.POST, instance=tag)
    if form.is_valid():
        with transaction.atomic():
            form.save()
            services.tag_touch_annotations(tag=tag)
        messages.success(request, f"Saved “{tag.name}”.")
    else:
        messages.error(request, form.first_error())
    return redirect("tags")


@require_http_methods(["GET", "POST"])
@login_required
def tag_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merging cannot be undone: the page asks first, as deleting does."""
    source = _get_own_tag(request, pk)
    if request.method == "GET":
        others = Tag.objects.filter(owner=request.user).exclude(pk=source.pk)
        return render(request, "tag_merge.html", {"tag": source, "others": others})
    form = TagMergeForm(request.POST, owner=request.user)
    if not form.is_valid():
        messages.error(request, form.first_error())
        return redirect("tags")
    into = form.cleaned_data["into"]
    services.tag_merge(source=source, into=into)
    messages.success(request, f"Merged “{source.name}” into “{into.name}”.")
    return redirect("tags")


@require_http_methods(["GET", "POST"])
@login_required
def tag_delete(request: HttpRequest, pk: int) -> HttpResponse:
    tag = _get_own_tag(request, pk)
    if request.method == "POST":
        services.tag_delete(tag=tag)
        messages.success(request, f"Deleted the tag “{tag.name}”; its passages keep their notes.")
        return redirect("tags")
    uses = tag.annotations.live().count()
    return render(request, "tag_delete.html", {"tag": tag, "uses": uses})
