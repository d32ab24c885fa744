"""What happens in a reader's groups: the group page's recent annotations and replies, and
whether anything there is new to the reader (the badge in the site header).

The badge runs on every page a logged-in reader opens, so it is one query; on the chapter page
it is a column of the chapter's version (annotations.reading.VERSION_SQL), so the cached page
is keyed by it and costs nothing more.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper

from annotations.models import Annotation, Reply, spoiler_hidden
from fics.models import Work
from groups.models import Membership, ReadingGroup

# Others' annotations, and replies on annotations, in a group the reader is in, made after the
# reader last opened that group's page; nothing deleted or hidden by a moderator.
NEWS_SQL = f"""(
    EXISTS (SELECT 1 FROM {Membership._meta.db_table} AS news_m
        JOIN {Annotation._meta.db_table} AS news_a ON news_a.group_id = news_m.group_id
        WHERE news_m.user_id = %(reader)s AND news_a.owner_id <> %(reader)s
          AND news_a.created > news_m.last_seen
          AND news_a.deleted_at IS NULL AND news_a.hidden_at IS NULL)
    OR EXISTS (SELECT 1 FROM {Membership._meta.db_table} AS news_m
        JOIN {Annotation._meta.db_table} AS news_a ON news_a.group_id = news_m.group_id
        JOIN {Reply._meta.db_table} AS news_r ON news_r.annotation_id = news_a.id
        WHERE news_m.user_id = %(reader)s AND news_r.author_id <> %(reader)s
          AND news_r.created > news_m.last_seen
          AND news_r.deleted_at IS NULL AND news_r.hidden_at IS NULL
          AND news_a.deleted_at IS NULL AND news_a.hidden_at IS NULL))"""

# How much of a group's activity its page lists.
RECENT_LIMIT = 50


def has_news(user) -> bool:
    """Whether anything in the reader's groups is new to them: one query."""
    if not user.is_authenticated:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {NEWS_SQL}", {"reader": user.pk})
        return bool(cursor.fetchone()[0])


@dataclass(frozen=True)
class Activity:
    when: datetime
    author: object
    annotation: Annotation
    reply: Reply | None
    new: bool
    # A spoiler of a chapter the reader has not read past: its words, note and replies are
    # left out, behind a link that reveals it.
    spoiler_hidden: bool


def group_activity(group: ReadingGroup, reader, since: datetime) -> list[Activity]:
    """The group's most recent annotations and replies the reader sees, newest first, each
    marked new when another reader made it after `since`: two queries."""
    annotations = (
        Annotation.objects.visible_to(reader, group=group.pk)
        .filter(group=group)
        .with_spoiler_hidden(reader)
        .select_related("owner", "chapter__work")
        .order_by("-created")[:RECENT_LIMIT]
    )
    hidden = ExpressionWrapper(spoiler_hidden(reader, "annotation"), output_field=BooleanField())
    replies = (
        Reply.objects.visible_to(reader)
        .filter(annotation__group=group, deleted_at__isnull=True)
        .annotate(spoiler_hidden=hidden)
        .select_related("author", "annotation__chapter__work")
        .order_by("-created")[:RECENT_LIMIT]
    )
    items = [(a.created, a.owner, a, None, a.spoiler_hidden) for a in annotations]
    items += [(r.created, r.author, r.annotation, r, r.spoiler_hidden) for r in replies]
    items.sort(key=lambda item: item[0], reverse=True)
    return [
        Activity(when, author, annotation, reply, when > since and author.pk != reader.pk, hidden)
        for when, author, annotation, reply, hidden in items[:RECENT_LIMIT]
    ]


def group_works(group: ReadingGroup, reader) -> list[Work]:
    """The works the group annotated, with how many of its annotations each holds."""
    visible = Annotation.objects.visible_to(reader, group=group.pk).filter(group=group)
    return list(
        Work.objects.filter(chapters__annotations__in=visible)
        .annotate(group_annotations=Count("chapters__annotations", distinct=True))
        .order_by("title")
    )
