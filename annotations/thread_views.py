"""Reply threads under annotations, and a group moderator hiding what the group should not see.

A thread is seen by exactly those who see its annotation (`_get_visible_annotation`); it is
loaded on demand, so the chapter page carries only each thread's count. Without JavaScript the
thread is a page of its own, and every form goes back to it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from annotations import thread_services
from annotations.chapter_page import Changes
from annotations.forms import HideForm, ReplyForm
from annotations.models import Annotation, Reply
from fics.http import wants_fragment
from groups.models import Membership


def _get_visible_annotation(request: HttpRequest, pk: int) -> Annotation:
    annotations = Annotation.objects.visible_to(request.user).select_related(
        "chapter__work", "owner", "group"
    )
    return get_object_or_404(annotations, pk=pk)


def _get_visible_reply(request: HttpRequest, pk: int) -> Reply:
    replies = Reply.objects.visible_to(request.user).select_related(
        "annotation__chapter__work", "annotation__group"
    )
    return get_object_or_404(replies, pk=pk, deleted_at__isnull=True)


def _get_own_reply(request: HttpRequest, pk: int) -> Reply:
    reply = _get_visible_reply(request, pk)
    if reply.author_id != request.user.pk:
        raise PermissionDenied("Only its author may change a reply.")
    return reply


def _moderates(request: HttpRequest, annotation: Annotation) -> bool:
    """Whether the reader moderates the group this annotation was written for."""
    return bool(annotation.group_id) and (
        Membership.objects.filter(
            group=annotation.group_id, user=request.user, moderator=True
        ).exists()
    )


def _check_moderator(request: HttpRequest, annotation: Annotation) -> None:
    if not _moderates(request, annotation):
        raise PermissionDenied("Only the group's moderators may hide what its members wrote.")


def thread_replies(annotation: Annotation, reader) -> list[Reply]:
    """The thread as the reader sees it, oldest first. A deleted reply stays, as "deleted",
    only while a reply still answers it."""
    replies = list(
        Reply.objects.filter(annotation=annotation)
        .seen_in_thread_by(reader)
        .select_related("author", "in_reply_to__author")
    )
    answered = {reply.in_reply_to_id for reply in replies if reply.deleted_at is None}
    return [reply for reply in replies if reply.deleted_at is None or reply.pk in answered]


def _thread(request: HttpRequest, annotation: Annotation, *, status: int = 200) -> HttpResponse:
    replies = thread_replies(annotation, request.user)
    context = {
        "annotation": annotation,
        "replies": replies,
        "moderator": _moderates(request, annotation),
        "form": ReplyForm(),
    }
    if not wants_fragment(request):
        return render(request, "thread.html", context, status=status)
    toggle = {
        "annotation": annotation,
        "reply_count": sum(1 for reply in replies if reply.deleted_at is None),
        "oob": True,
    }
    html = render_to_string("thread.html#thread", context, request)
    html += render_to_string("chapter.html#thread-toggle", toggle, request)
    return HttpResponse(html, status=status)


def _back(request: HttpRequest, annotation: Annotation) -> HttpResponse:
    if wants_fragment(request):
        return _thread(request, annotation)
    return redirect("annotation_thread", annotation.pk)


@require_GET
@login_required
def annotation_thread(request: HttpRequest, pk: int) -> HttpResponse:
    return _thread(request, _get_visible_annotation(request, pk))


@require_POST
@login_required
def reply_create(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _get_visible_annotation(request, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.first_error())
    answering = form.cleaned_data["in_reply_to"]
    in_reply_to = None
    if answering:
        in_reply_to = get_object_or_404(
            Reply.objects.visible_to(request.user), pk=answering, annotation=annotation
        )
    thread_services.reply_create(
        annotation=annotation,
        author=request.user,
        text=form.cleaned_data["text"],
        in_reply_to=in_reply_to,
    )
    return _back(request, annotation)


@require_POST
@login_required
def reply_update(request: HttpRequest, pk: int) -> HttpResponse:
    reply = _get_own_reply(request, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.first_error())
    thread_services.reply_update(reply=reply, text=form.cleaned_data["text"])
    return _back(request, reply.annotation)


@require_POST
@login_required
def reply_delete(request: HttpRequest, pk: int) -> HttpResponse:
    reply = _get_own_reply(request, pk)
    thread_services.reply_delete(reply=reply)
    return _back(request, reply.annotation)


@require_POST
@login_required
def reply_hide(request: HttpRequest, pk: int) -> HttpResponse:
    reply = _get_visible_reply(request, pk)
    _check_moderator(request, reply.annotation)
    form = HideForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.first_error())
    thread_services.reply_hide(reply=reply, note=form.cleaned_data["note"])
    return _back(request, reply.annotation)


@require_POST
@login_required
def annotation_hide(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _get_visible_annotation(request, pk)
    _check_moderator(request, annotation)
    form = HideForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.first_error())
    thread_services.annotation_hide(annotation=annotation, note=form.cleaned_data["note"])
    if not wants_fragment(request):
        messages.info(request, "Hidden from the group; its author still sees it, with your note.")
        return redirect(reverse("group", args=[annotation.group_id]))
    changes = Changes(request, annotation.chapter).redraw(annotation)
    return changes.remove(f"annotation-{pk}").response()
