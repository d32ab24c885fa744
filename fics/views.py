"""Reader pages: thin views over the models; HTMX requests get the page's partial only."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from fics.facets import work_facets_sync
from fics.forms import UploadForm, WorkForm
from fics.http import page_of, wants_fragment
from fics.importing import ImportResult
from fics.library import (
    READING,
    SORTS,
    VERSIONED_TIMEOUT,
    LibraryQuery,
    LibraryVersion,
    library_version,
)
from fics.models import Chapter, ChapterRead, ImportJob, PendingUpload, Work
from fics.progress import progress_of, progress_record
from fics.signals import deletion_requested
from fics.tasks import (
    import_job_create,
    import_job_resolve,
    import_job_retry,
    prune_finished_imports,
    recover_abandoned,
    result_of,
)

WORKS_PER_PAGE = 50


def _get_work(pk: int) -> Work:
    return get_object_or_404(Work.objects.select_related("imported_by"), pk=pk)


def _get_managed_work(request: HttpRequest, pk: int) -> Work:
    """A work the reader may change: every reader may read it, so a stranger's is a 403."""
    work = _get_work(pk)
    if not work.is_managed_by(request.user):
        raise PermissionDenied(_not_yours(work))
    return work


def _not_yours(work: Work) -> str:
    return (
        f"Only the reader who imported “{work.title}” and the library's staff may change it; "
        "you may read and annotate it."
    )


@require_GET
@vary_on_headers("HX-Request")
@login_required
def library(request: HttpRequest) -> HttpResponse:
    """The library, filtered by the query's text, tags and reading; htmx swaps the results."""
    query = LibraryQuery.from_query(request.GET)
    works = query.works(request.user)
    # The version keys the shared facets; unfiltered, its count of works is the list's too.
    version = library_version() if query.facets_shared else None
    count = version.works if version and not query.filtered else None
    page = page_of(request, query.ordered(works, request.user), WORKS_PER_PAGE, count)
    progress = progress_of(request.user, page.object_list)
    context = {
        "page": page,
        "rows": [
            (work, progress.get(work.pk), work.is_managed_by(request.user))
            for work in page.object_list
        ],
        "query": query,
        "sorts": {name: label for name, (label, _) in SORTS.items()},
        "reading": READING,
        "facets_html": _facets_html(request, query, works, page.paginator.count, version),
    }
    template = "library.html#results" if wants_fragment(request) else "library.html"
    return render(request, template, context)


def _facets_html(
    request: HttpRequest, query: LibraryQuery, works, total: int, version: LibraryVersion | None
) -> str:
    """The tag filters with their counts: drawn once per query and version of the library for
    every reader (drawing some sixty counted checkboxes cost more than the rest of the page);
    drawn each time when they count the reader's own reading or annotations (no `version`)."""

    def draw() -> str:
        context = {"facets": query.facets(works, total), "query": query}
        return render_to_string("library.html#facets", context, request)

    if version is None:
        return mark_safe(draw())
    key = query.facets_cache_key(version, total)
    return mark_safe(cache.get_or_set(key, draw, VERSIONED_TIMEOUT))


@require_GET
@login_required
def work_detail(request: HttpRequest, pk: int) -> HttpResponse:
    work = _get_work(pk)
    chapters = work.chapters.only("work_id", "position", "title", "word_count", "removed")
    context = {
        "work": work,
        "chapters": chapters,
        "manages": work.is_managed_by(request.user),
        "progress": progress_of(request.user, [work]).get(work.pk),
    }
    return render(request, "work.html", context)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@login_required
def reading_progress(request: HttpRequest, work_pk: int, position: int) -> HttpResponse:
    """POST: the reader is at this paragraph of the chapter (sent as they scroll; the CSRF
    token comes in the body, as navigator.sendBeacon sets no header). GET: where they were in
    it, as the chapter page's "Continue" line for htmx, else a redirect to that paragraph."""
    chapter = get_object_or_404(
        Chapter.objects.readable().only("work_id", "position", "title"),
        work=work_pk,
        position=position,
    )
    if request.method == "POST":
        paragraph = request.POST.get("paragraph", "")
        if not (paragraph.isascii() and paragraph.isdigit() and 0 < int(paragraph) < 1_000_000):
            return HttpResponse("A paragraph number is needed.", status=400)
        progress_record(reader=request.user, chapter=chapter, paragraph=int(paragraph))
        return HttpResponse(status=204)
    read = ChapterRead.objects.filter(reader=request.user, chapter=chapter).first()
    paragraph = read.paragraph if read else 1
    if not request.htmx:
        url = chapter.get_absolute_url()
        return redirect(f"{url}#p{paragraph}" if paragraph > 1 else url)
    context = {"chapter": chapter, "paragraph": paragraph}
    return render(request, "_continue_reading.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def work_edit(request: HttpRequest, pk: int) -> HttpResponse:
    work = _get_managed_work(request, pk)
    # An untitled work's form asks for a title rather than offering the file name's.
    initial = {"title": ""} if work.is_untitled else None
    form = WorkForm(
        request.POST if request.method == "POST" else None, instance=work, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        # A title the reader typed is the work's own, even one the same as the file name's.
        if "title" in form.changed_data:
            work.untitled = False
        form.save()
        work_facets_sync(work)
        messages.success(request, "Saved.")
        return redirect(work)
    return render(request, "work_edit.html", {"work": work, "form": form})


@require_POST
@login_required
def work_delete(request: HttpRequest, pk: int) -> HttpResponse:
    work = _get_managed_work(request, pk)
    with _locked(work):
        deleted = _delete_unless_refused(request, work)
    if not deleted:
        return redirect(work)
    messages.success(request, f"“{work.title}” was removed from the library.")
    return redirect("library")


@require_POST
@login_required
def chapter_delete(request: HttpRequest, work_pk: int, position: int) -> HttpResponse:
    """Only a chapter that a newer version of the work dropped can go, with its annotations."""
    work = _get_managed_work(request, work_pk)
    with _locked(work):
        # Looked up under the lock: an update that just brought the chapter back keeps it.
        chapter = get_object_or_404(work.chapters, position=position, removed=True)
        if deleted := _delete_unless_refused(request, chapter):
            # The work's contents changed: pages drawn from them are keyed by its `updated`.
            work.save(update_fields=["updated"])
    if deleted:
        messages.success(request, f"Deleted the removed chapter “{chapter.display_title}”.")
    return redirect(work)


@contextmanager
def _locked(work: Work) -> Iterator[None]:
    """A transaction holding the work's and its chapters' rows (Work.objects.lock): what is
    checked inside it stays true until it commits, as no annotation can be saved on them."""
    with transaction.atomic():
        try:
            Work.objects.lock(work.pk)
        except Work.DoesNotExist:
            raise Http404("This work was deleted a moment ago.") from None
        yield


def _delete_unless_refused(request: HttpRequest, instance: Work | Chapter) -> bool:
    """Delete unless an app built on the library refuses (see fics.signals); inside _locked,
    so that the apps' answers still hold when the rows go."""
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
    """Each file is queued for the background import (fics.tasks); the page then follows each
    job (`?job=<id>`: the line htmx polls until it finishes) until it has an outcome."""
    if request.method == "GET" and "job" in request.GET:
        job = _get_import_job(request, request.GET["job"])
        # A job whose worker died would say "importing" forever: asking about it takes it back.
        if recover_abandoned(pk=job.pk):
            job = _get_import_job(request, request.GET["job"])
        return _render_job(request, job)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    jobs = []
    if request.method == "POST" and form.is_valid():
        prune_finished_imports()
        created = [
            import_job_create(owner=request.user, uploaded=uploaded)
            for uploaded in form.cleaned_data["stories"]
        ]
        # Read again: where tasks run at once (ImmediateBackend) they have already finished.
        jobs = _with_results(_import_jobs().filter(pk__in=[job.pk for job in created]))
    template = "upload.html#results" if wants_fragment(request) else "upload.html"
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render(request, template, {"form": form, "jobs": jobs}, status=status)


def _import_jobs():
    return ImportJob.objects.select_related("work", "pending__work", "pending__owner").order_by(
        "pk"
    )


def _with_results(jobs) -> list[tuple[ImportJob, ImportResult | None]]:
    return [(job, result_of(job)) for job in jobs]


def _get_import_job(request: HttpRequest, pk: str) -> ImportJob:
    """The reader's own import; anyone else's, or no number at all, is a 404."""
    if not (pk.isascii() and pk.isdigit()):
        raise Http404("No such import.")
    return get_object_or_404(_import_jobs(), pk=pk, owner=request.user)


def _render_job(request: HttpRequest, job: ImportJob) -> HttpResponse:
    [(job, result)] = _with_results([job])
    template = "upload.html#job" if wants_fragment(request) else "upload.html"
    # The job partial, drawn alone for htmx, reads `job` and `result`.
    context = {"form": UploadForm(), "jobs": [(job, result)], "job": job, "result": result}
    return render(request, template, context)


def _get_pending_upload(request: HttpRequest, pk: int) -> PendingUpload:
    """The reader's own upload waiting for a choice; anyone else's is a 404."""
    uploads = PendingUpload.objects.select_related("work", "owner")
    return get_object_or_404(uploads, pk=pk, owner=request.user)


@require_POST
@login_required
def upload_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """The reader's answer for a newer version: update the work (if they manage it), or add
    the file as a new one. Queued like any upload: an update can take as long as an import."""
    pending = _get_pending_upload(request, pk)
    update = request.POST.get("choice") == "update"
    if update and not pending.may_update:
        raise PermissionDenied(_not_yours(pending.work))
    job = import_job_resolve(pending=pending, update=update)
    return _render_job(request, _import_jobs().get(pk=job.pk))


@require_POST
@login_required
def upload_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue again an import that was stopped every time it ran; any other job (a second click
    on Retry) is shown as it is."""
    job = _get_import_job(request, str(pk))
    if job.may_retry:
        import_job_retry(job=job)
    return _render_job(request, _get_import_job(request, str(pk)))


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
