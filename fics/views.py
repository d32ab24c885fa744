"""Reader pages: thin views over the models; HTMX requests get the page's partial only."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from fics.forms import UploadForm, WorkForm
from fics.http import page_of, wants_fragment
from fics.importing import (
    ImportResult,
    OnNewerVersion,
    Outcome,
    import_story_file,
    size_limit_error,
)
from fics.models import Chapter, PendingUpload, Work
from fics.signals import deletion_requested

# Each sort is backed by an index (fics.models.Work.Meta.indexes).
LIBRARY_SORTS = {"title": ("title", "pk"), "recent": ("-created", "-pk")}
WORKS_PER_PAGE = 50
# How long an uploaded newer version waits for the reader to choose what to do with it.
PENDING_UPLOAD_LIFETIME = timedelta(days=1)


def _get_work(pk: int) -> Work:
    return get_object_or_404(Work, pk=pk)


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
    page = page_of(request, works, WORKS_PER_PAGE)
    template = "library.html#work-list" if wants_fragment(request) else "library.html"
    return render(request, template, {"page": page, "query": query, "sort": sort})


@require_GET
@login_required
def work_detail(request: HttpRequest, pk: int) -> HttpResponse:
    work = _get_work(pk)
    chapters = work.chapters.only("work_id", "position", "title", "word_count", "removed")
    return render(request, "work.html", {"work": work, "chapters": chapters})


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


@require_POST
@login_required
def work_delete(request: HttpRequest, pk: int) -> HttpResponse:
    work = _get_work(pk)
    if not _delete_unless_refused(request, work):
        return redirect(work)
    messages.success(request, f"“{work.title}” was removed from the library.")
    return redirect("library")


@require_POST
@login_required
def chapter_delete(request: HttpRequest, work_pk: int, position: int) -> HttpResponse:
    """Only a chapter that a newer version of the work dropped can go, with its annotations."""
    chapter = get_object_or_404(
        Chapter.objects.select_related("work"), work=work_pk, position=position, removed=True
    )
    if _delete_unless_refused(request, chapter):
        # The work's contents changed: pages drawn from them are keyed by its `updated`.
        chapter.work.save(update_fields=["updated"])
        messages.success(request, f"Deleted the removed chapter “{chapter.display_title}”.")
    return redirect("work", work_pk)


def _delete_unless_refused(request: HttpRequest, instance: Work | Chapter) -> bool:
    """Delete unless an app built on the library refuses (see fics.signals)."""
    with transaction.atomic():
        responses = deletion_requested.send(
            sender=type(instance), instance=instance, reader=request.user
        )
        if refusals := [reason for _, reason in responses if reason]:
            for reason in refusals:
                messages.error(request, reason)
            return False
        instance.delete()
    return True


@require_http_methods(["GET", "POST"])
@login_required
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    outcomes = []
    if request.method == "POST" and form.is_valid():
        PendingUpload.objects.filter(created__lt=timezone.now() - PENDING_UPLOAD_LIFETIME).delete()
        outcomes = [_import_upload(request, uploaded) for uploaded in form.cleaned_data["stories"]]
    template = "upload.html#results" if wants_fragment(request) else "upload.html"
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
    template = "upload.html#outcome" if wants_fragment(request) else "upload.html"
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
