"""Reader pages: thin views over the models; HTMX requests get the page's partial only."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from annotations.models import Annotation, Colour, Tag
from annotations.reading import annotated_chapter, chapter_blocks
from fics.forms import UploadForm, WorkForm
from fics.importing import (
    ImportResult,
    OnNewerVersion,
    Outcome,
    import_story_file,
    size_limit_error,
)
from fics.models import Chapter, PendingUpload, Work

LIBRARY_SORTS = {"title": ("title", "pk"), "recent": ("-created", "-pk")}
# How long an uploaded newer version waits for the reader to choose what to do with it.
PENDING_UPLOAD_LIFETIME = timedelta(days=1)


def _get_work(pk: int) -> Work:
    return get_object_or_404(Work, pk=pk)


def _get_chapter(work_pk: int, position: int) -> Chapter:
    return get_object_or_404(
        Chapter.objects.select_related("work"), work=work_pk, position=position
    )


def _wants_fragment(request: HttpRequest) -> bool:
    # htmx asks for the whole page when it restores history it has no snapshot of.
    return bool(request.htmx) and not request.htmx.history_restore_request


@require_GET
@vary_on_headers("HX-Request")
@login_required
def library(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    sort = request.GET.get("sort", "title")
    if sort not in LIBRARY_SORTS:
        sort = "title"
    works = Work.objects.order_by(*LIBRARY_SORTS[sort])
    if query:
        works = works.filter(Q(title__icontains=query) | Q(author__icontains=query))
    template = "library.html#work-list" if _wants_fragment(request) else "library.html"
    return render(request, template, {"works": works, "query": query, "sort": sort})


@require_GET
@login_required
def work_detail(request: HttpRequest, pk: int) -> HttpResponse:
    work = _get_work(pk)
    chapters = work.chapters.only("work_id", "position", "title", "word_count", "removed")
    orphans = (
        Annotation.objects.live()
        .filter(owner=request.user, chapter__work=work, orphaned=True)
        .select_related("chapter")
    )
    return render(request, "work.html", {"work": work, "chapters": chapters, "orphans": orphans})


@require_http_methods(["GET", "POST"])
@login_required
def work_edit(request: HttpRequest, pk: int) -> HttpResponse:
    work = _get_work(pk)
    form = WorkForm(request.POST if request.method == "POST" else None, instance=work)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved.")
        return redirect(work)
    return render(request, "work_edit.html", {"work": work, "form": form})


@require_http_methods(["POST"])
@login_required
def work_delete(request: HttpRequest, pk: int) -> HttpResponse:
    work = _get_work(pk)
    if _others_annotated(request, Annotation.objects.filter(chapter__work=work)):
        return redirect(work)
    work.delete()
    messages.success(request, f"“{work.title}” was removed from the library.")
    return redirect("library")


def _others_annotated(request: HttpRequest, annotations) -> bool:
    """Works are shared, notes are not: one reader may not delete another's annotations."""
    if annotations.exclude(owner=request.user).exists():
        messages.error(request, "Other readers have annotations here, so it stays.")
        return True
    return False


@require_POST
@login_required
def chapter_delete(request: HttpRequest, work_pk: int, position: int) -> HttpResponse:
    """Only a chapter that a newer version of the work dropped can go, with its annotations."""
    chapter = get_object_or_404(Chapter, work=work_pk, position=position, removed=True)
    if _others_annotated(request, chapter.annotations.all()):
        return redirect("work", work_pk)
    chapter.delete()
    messages.success(request, f"Deleted the removed chapter “{chapter.display_title}”.")
    return redirect("work", work_pk)


@require_GET
@login_required
def work_full(request: HttpRequest, pk: int) -> HttpResponse:
    work = _get_work(pk)
    chapters = [
        (chapter, chapter_blocks(chapter, list(chapter.paragraphs.all())))
        for chapter in work.chapters.prefetch_related("paragraphs")
    ]
    return render(request, "work_full.html", {"work": work, "chapters": chapters})


@require_GET
@vary_on_headers("HX-Request")
@login_required
def chapter_detail(request: HttpRequest, work_pk: int, position: int) -> HttpResponse:
    chapter = _get_chapter(work_pk, position)
    if _wants_fragment(request):
        return render_chapter_fragments(request, chapter)
    return render(request, "chapter.html", chapter_context(request, chapter))


def chapter_context(request: HttpRequest, chapter: Chapter, **extra) -> dict:
    work = chapter.work
    # The picker needs every chapter's title; the paragraphs only this chapter's.
    toc = list(work.chapters.only("work_id", "position", "title"))
    # Positions can have gaps once a removed chapter is deleted, so neighbours go by index.
    index = next(i for i, entry in enumerate(toc) if entry.position == chapter.position)
    reading = annotated_chapter(request, chapter)
    known = {tag.name.casefold() for tag in reading.reader_tags}
    return {
        "work": work,
        "chapter": chapter,
        "toc": toc,
        "previous": toc[index - 1] if index > 0 else None,
        "next": toc[index + 1] if index + 1 < len(toc) else None,
        "reading": reading,
        "colours": Colour.choices,
        "tag_kinds": Tag.Kind.choices,
        # The tag picker offers the work's characters first, then the reader's own tags.
        "tag_suggestions": [
            {"name": name, "kind": Tag.Kind.CHARACTER, "character": True}
            for name in reading.characters
            if name.casefold() not in known
        ]
        + [
            {"name": tag.name, "kind": tag.kind, "character": tag.kind == Tag.Kind.CHARACTER}
            for tag in reading.reader_tags
        ],
        **extra,
    }


def render_chapter_fragments(request: HttpRequest, chapter: Chapter, **extra) -> HttpResponse:
    """The chapter text and, out of band, the annotation panel: what changes when highlights do."""
    context = chapter_context(request, chapter, **extra)
    text = render_to_string("chapter.html#chapter-text", context, request)
    panel = render_to_string("chapter.html#annotation-panel", context, request)
    return HttpResponse(text + panel)


@require_http_methods(["GET", "POST"])
@login_required
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    outcomes = []
    if request.method == "POST" and form.is_valid():
        PendingUpload.objects.filter(created__lt=timezone.now() - PENDING_UPLOAD_LIFETIME).delete()
        outcomes = [_import_upload(request, uploaded) for uploaded in form.cleaned_data["stories"]]
    template = "upload.html#results" if request.htmx else "upload.html"
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render(request, template, {"form": form, "outcomes": outcomes}, status=status)


def _import_upload(request: HttpRequest, uploaded) -> tuple[ImportResult, PendingUpload | None]:
    """Import one uploaded file; a newer version of a work waits for the reader's choice."""
    if too_large := size_limit_error(uploaded.size):
        return ImportResult(uploaded.name, Outcome.FAILED, message=too_large), None
    data = uploaded.read()
    result = import_story_file(data, uploaded.name)
    if result.outcome is not Outcome.NEWER_VERSION:
        return result, None
    pending = PendingUpload.objects.create(
        owner=request.user, name=uploaded.name, data=data, work=result.work
    )
    return result, pending


@require_POST
@login_required
def upload_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """The reader's answer for a newer version: update the work, or add the file as a new one."""
    pending = get_object_or_404(
        PendingUpload.objects.select_related("work"), pk=pk, owner=request.user
    )
    if request.POST.get("choice") == "update":
        result = import_story_file(
            bytes(pending.data), pending.name, target=pending.work, reader=request.user
        )
    else:
        result = import_story_file(
            bytes(pending.data), pending.name, on_newer_version=OnNewerVersion.ADD_AS_NEW
        )
    pending.delete()
    template = "upload.html#outcome" if request.htmx else "upload.html"
    context = {"form": UploadForm(), "outcomes": [(result, None)], "result": result}
    return render(request, template, context)


@require_GET
@login_required
def chapter_jump(request: HttpRequest, pk: int) -> HttpResponse:
    """The chapter picker's target, so choosing a chapter works without JavaScript too."""
    work = _get_work(pk)
    try:
        position = int(request.GET.get("n", "1"))
    except ValueError:
        position = 1
    chapter = get_object_or_404(work.chapters.only("work_id", "position"), position=position)
    return redirect(chapter)
