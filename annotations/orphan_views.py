"""The orphan repair queue of a work, and settling one orphan from it: on a suggested place
(one click), or kept as a note on its chapter. Re-attaching by hand is the chapter page's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from annotations.anchoring import AnchorError
from annotations.models import Annotation
from annotations.orphan_queue import (
    annotation_dismiss_orphan,
    annotation_place_suggested,
    repair_queue,
)
from fics.models import Work


def _get_own_orphan(request: HttpRequest, pk: int) -> Annotation:
    """The reader's own orphaned annotation; anything else is a 404, as if it did not exist."""
    annotations = Annotation.objects.live().select_related("chapter__work")
    return get_object_or_404(annotations, pk=pk, owner=request.user, orphaned=True)


@require_GET
@login_required
def orphan_queue(request: HttpRequest, pk: int) -> HttpResponse:
    work = get_object_or_404(Work, pk=pk)
    return render(
        request, "orphan_queue.html", {"work": work, "entries": repair_queue(work, request.user)}
    )


@require_POST
@login_required
def orphan_accept(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _get_own_orphan(request, pk)
    work = annotation.chapter.work
    try:
        start, end = int(request.POST.get("start", "")), int(request.POST.get("end", ""))
        annotation_place_suggested(
            annotation=annotation,
            start=start,
            end=end,
            # Browsers send a form's line breaks as CRLF; the chapter text has LF.
            exact=request.POST.get("exact", "").replace("\r\n", "\n"),
        )
    except ValueError as error:
        # AnchorError is a ValueError: a stale page or a forged position.
        message = str(error) if isinstance(error, AnchorError) else "That place is not valid."
        messages.error(request, message)
    else:
        messages.success(request, f"Placed in {annotation.chapter.display_title}.")
    return redirect("orphan_queue", pk=work.pk)


@require_POST
@login_required
def orphan_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _get_own_orphan(request, pk)
    annotation_dismiss_orphan(annotation=annotation)
    messages.info(request, f"Kept as a note on {annotation.chapter.display_title}.")
    return redirect("orphan_queue", pk=annotation.chapter.work_id)
