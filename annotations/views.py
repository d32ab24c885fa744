"""Annotation and tag views: thin, method-restricted, and a 404 for anything not the reader's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from annotations import services
from annotations.anchoring import AnchorError
from annotations.forms import AnnotationForm, SelectionForm, TagForm, TagMergeForm
from annotations.models import Annotation, Colour, Tag
from annotations.reading import COLOUR_BY_TAG, HIDE_SHARED
from fics.models import Chapter
from fics.views import render_chapter_fragments


def _get_own_annotation(request: HttpRequest, pk: int, *, deleted: bool = False) -> Annotation:
    """The reader's own annotation; every other one is a 404, as if it did not exist."""
    annotations = Annotation.objects.select_related("chapter__work").filter(owner=request.user)
    return get_object_or_404(annotations, pk=pk, deleted_at__isnull=not deleted)


def _get_visible_annotation(request: HttpRequest, pk: int) -> Annotation:
    annotations = Annotation.objects.visible_to(request.user).select_related("chapter__work")
    return get_object_or_404(annotations, pk=pk)


def _get_own_tag(request: HttpRequest, pk: int) -> Tag:
    return get_object_or_404(Tag, pk=pk, owner=request.user)


def _after_change(request: HttpRequest, chapter: Chapter, **extra) -> HttpResponse:
    if request.htmx:
        return render_chapter_fragments(request, chapter, **extra)
    return redirect(chapter)


@require_POST
@login_required
def annotation_create(request: HttpRequest, work_pk: int, position: int) -> HttpResponse:
    chapter = get_object_or_404(
        Chapter.objects.select_related("work"), work=work_pk, position=position
    )
    form = SelectionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.first_error())
    data = form.cleaned_data
    try:
        services.annotation_create(
            user=request.user,
            chapter=chapter,
            utf16_start=data["utf16_start"],
            utf16_end=data["utf16_end"],
            exact=data["exact"],
            colour=data["colour"] or Colour.YELLOW,
            note=data["note"],
            tag_names=data["tags"],
            tag_kind=data["tag_kind"] or None,
            shared=data["shared"],
        )
    except AnchorError as error:
        return HttpResponseBadRequest(str(error))
    return _after_change(request, chapter)


@require_GET
@login_required
def annotation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An annotation's permanent address: the chapter, scrolled to the highlight."""
    return redirect(_get_visible_annotation(request, pk).get_absolute_url())


@require_http_methods(["GET", "POST"])
@login_required
def annotation_update(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _get_own_annotation(request, pk)
    if request.method == "GET":
        # Loaded into the list on demand: a chapter with hundreds of notes stays light.
        template = "annotation_edit.html#edit-form" if request.htmx else "annotation_edit.html"
        return render(request, template, {"annotation": annotation, "colours": Colour.choices})
    form = AnnotationForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.first_error())
    services.annotation_update(
        annotation=annotation,
        colour=form.cleaned_data["colour"] or annotation.colour,
        note=form.cleaned_data["note"],
        shared=form.cleaned_data["shared"],
        tag_names=form.cleaned_data["tags"],
    )
    return _after_change(request, annotation.chapter)


@require_POST
@login_required
def annotation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _get_own_annotation(request, pk)
    services.annotation_delete(annotation=annotation)
    if not request.htmx:
        messages.info(request, "Annotation deleted.")
    return _after_change(request, annotation.chapter, undo=annotation)


@require_POST
@login_required
def annotation_restore(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _get_own_annotation(request, pk, deleted=True)
    services.annotation_restore(annotation=annotation)
    return _after_change(request, annotation.chapter)


@require_POST
@login_required
def annotation_reattach(request: HttpRequest, pk: int) -> HttpResponse:
    """Put an orphaned annotation (its words left the chapter) on a new selection."""
    annotation = _get_own_annotation(request, pk)
    form = SelectionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.first_error())
    data = form.cleaned_data
    try:
        services.annotation_reattach(
            annotation=annotation,
            utf16_start=data["utf16_start"],
            utf16_end=data["utf16_end"],
            exact=data["exact"],
        )
    except AnchorError as error:
        return HttpResponseBadRequest(str(error))
    return _after_change(request, annotation.chapter)


@require_POST
@login_required
def reading_preferences(request: HttpRequest) -> HttpResponse:
    toggle = request.POST.get("toggle")
    if toggle in {HIDE_SHARED, COLOUR_BY_TAG}:
        request.session[toggle] = not request.session.get(toggle, False)
    back = request.POST.get("next", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, {request.get_host()}, request.is_secure()
    ):
        back = reverse("library")
    return HttpResponseRedirect(back)


@require_GET
@login_required
def tag_list(request: HttpRequest) -> HttpResponse:
    live = Q(annotations__deleted_at__isnull=True)
    tags = Tag.objects.filter(owner=request.user).annotate(uses=Count("annotations", filter=live))
    headings = {Tag.Kind.CHARACTER: "Characters", Tag.Kind.THEME: "Themes", Tag.Kind.OTHER: "Other"}
    groups = [(headings[kind], [tag for tag in tags if tag.kind == kind]) for kind in Tag.Kind]
    return render(
        request,
        "tags.html",
        {"groups": groups, "tags": tags, "colours": Colour.choices, "kinds": Tag.Kind.choices},
    )


@require_GET
@login_required
def tag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tag = _get_own_tag(request, pk)
    passages = (
        tag.annotations.live()
        .filter(owner=request.user)
        .select_related("chapter__work")
        .prefetch_related("tags")
        .order_by("chapter__work__title", "chapter__work_id", "chapter__position", "start")
    )
    return render(request, "tag.html", {"tag": tag, "passages": passages})


@require_POST
@login_required
def tag_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tag = _get_own_tag(request, pk)
    form = TagForm(request.POST, instance=tag)
    if form.is_valid():
        form.save()
        messages.success(request, f"Saved “{tag.name}”.")
    else:
        messages.error(request, form.first_error())
    return redirect("tags")


@require_POST
@login_required
def tag_merge(request: HttpRequest, pk: int) -> HttpResponse:
    source = _get_own_tag(request, pk)
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
        tag.delete()
        messages.success(request, f"Deleted the tag “{tag.name}”; its passages keep their notes.")
        return redirect("tags")
    uses = tag.annotations.live().count()
    return render(request, "tag_delete.html", {"tag": tag, "uses": uses})
