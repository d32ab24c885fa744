"""Writes on reply threads and group moderation: one keyword-only function per action.

Each raises its annotation's `modified`: the list entry shows the thread's count, and the
chapter page is cached under the newest change it shows (annotations.reading.chapter_version).
"""

from django.db import transaction
from django.utils import timezone

from annotations.models import Annotation, Reply
from annotations.note_html import render_note

HIDDEN_NOTE_MAX = Reply._meta.get_field("hidden_note").max_length


def _touch(annotation: Annotation) -> None:
    Annotation.objects.filter(pk=annotation.pk).update(modified=timezone.now())


def reply_create(*, annotation: Annotation, author, text: str, in_reply_to: Reply | None) -> Reply:
    with transaction.atomic():
        reply = Reply.objects.create(
            annotation=annotation,
            author=author,
            in_reply_to=in_reply_to,
            text=text,
            text_html=render_note(text),
        )
        _touch(annotation)
    return reply


def reply_update(*, reply: Reply, text: str) -> Reply:
    with transaction.atomic():
        reply.text = text
        reply.text_html = render_note(text)
        reply.save(update_fields=["text", "text_html", "modified"])
        _touch(reply.annotation)
    return reply


def reply_delete(*, reply: Reply) -> None:
    """The words go at once; the row stays while answers hang from it, shown as "deleted"."""
    with transaction.atomic():
        reply.deleted_at = timezone.now()
        reply.text = reply.text_html = ""
        reply.save(update_fields=["deleted_at", "text", "text_html", "modified"])
        _touch(reply.annotation)


def annotation_hide(*, annotation: Annotation, note: str) -> None:
    """A moderator takes a group's annotation out of the group's view; its author keeps it,
    with the note why."""
    annotation.hidden_at = timezone.now()
    annotation.hidden_note = note[:HIDDEN_NOTE_MAX]
    annotation.save(update_fields=["hidden_at", "hidden_note", "modified"])


def reply_hide(*, reply: Reply, note: str) -> None:
    with transaction.atomic():
        reply.hidden_at = timezone.now()
        reply.hidden_note = note[:HIDDEN_NOTE_MAX]
        reply.save(update_fields=["hidden_at", "hidden_note", "modified"])
        _touch(reply.annotation)
