from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse

from fics.models import Chapter
from fics.progress import read_past
from groups.models import Membership, ReadingGroup


class Colour(models.TextChoices):
    YELLOW = "yellow", "Yellow"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"
    PINK = "pink", "Pink"
    PURPLE = "purple", "Purple"
    ORANGE = "orange", "Orange"


class Tag(models.Model):
    class Kind(models.TextChoices):
        CHARACTER = "character", "Character"
        THEME = "theme", "Theme"
        OTHER = "other", "Other"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tags"
    )
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    colour = models.CharField(max_length=10, choices=Colour.choices, default=Colour.BLUE)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", Lower("name")]
        constraints = [
            # "Lexa" and "lexa" are one tag for a reader: a second would split their passages.
            models.UniqueConstraint("owner", Lower("name"), name="tag_name_unique_per_owner"),
            models.CheckConstraint(condition=~models.Q(name=""), name="tag_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("tag", args=[self.pk])


def spoiler_hidden(user, path: str = "") -> models.Q:
    """Whether an annotation (at `path` from the query's rows) is a spoiler kept from `user`:
    another reader's note marked spoiler, on a chapter `user` has not read past
    (fics.progress.read_past). Its author always sees it; so does anyone once past its chapter.
    annotations.reading.HIDDEN_SPOILERS_SQL counts the same in SQL."""
    prefix = f"{path}__" if path else ""
    return (
        models.Q(**{f"{prefix}spoiler": True})
        & ~models.Q(**{f"{prefix}owner": user})
        & ~read_past(user, f"{prefix}chapter")
    )


class AnnotationQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)

    def visible_to(self, user, *, include_shared: bool = True, group: int | None = None):
        """What this reader may see: their own, plus others' when wanted (`include_shared`):
        those shared with everyone and those of the groups the reader is in, or of only
        `group` when given. One a moderator hid from its group is left to its author.

        The one place this rule is written in Python; annotations.reading.VERSION_SQL is its
        twin in SQL.
        """
        if not user.is_authenticated:
            return self.none()
        mine = models.Q(owner=user)
        seen = mine
        if include_shared:
            groups = Membership.objects.group_ids_of(user)
            if group is None:
                seen |= models.Q(shared=True) | models.Q(group__in=groups)
            else:
                seen |= models.Q(group__in=groups.filter(group_id=group))
        return self.live().filter(seen, mine | models.Q(hidden_at__isnull=True))

    def with_spoiler_hidden(self, user):
        """Each with `spoiler_hidden`: whether its note is kept from this reader behind a
        "spoiler hidden" marker (`spoiler_hidden`, the rule)."""
        hidden = models.ExpressionWrapper(spoiler_hidden(user), output_field=models.BooleanField())
        return self.annotate(spoiler_hidden=hidden)

    def without_hidden_spoilers(self, user):
        """Leave out what the reader may see but not yet read: where a list shows notes with no
        place for a marker (search results, exports, the story map's shared counts)."""
        return self.exclude(spoiler_hidden(user))

    def with_reply_counts(self, user):
        """Each with `reply_count`: the live replies in its thread this reader sees, counted in
        a subquery so that the list costs the same queries however many replies there are."""
        replies = (
            Reply.objects.live()
            .seen_in_thread_by(user)
            .filter(annotation=models.OuterRef("pk"))
            .order_by()
            .values("annotation")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(reply_count=Coalesce(models.Subquery(replies), 0))


class Annotation(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotations"
    )
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="annotations")
    # TextPositionSelector: code points over the chapter text (see annotations.anchoring).
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    # TextQuoteSelector: lets the highlight be found again if the chapter text changes.
    exact = models.TextField()
    prefix = models.TextField(blank=True)
    suffix = models.TextField(blank=True)
    # The paragraph the highlight starts in ("p12", or "nb1"/"na1" in author's notes), so links
    # from tag pages can point at it without loading the chapter's text.
    segment = models.CharField(max_length=12)
    colour = models.CharField(max_length=10, choices=Colour.choices, default=Colour.YELLOW)
    note = models.TextField(blank=True, help_text="Markdown, as the reader wrote it.")
    # Rendered and sanitised once at write time; the only note HTML ever marked safe.
    note_html = models.TextField(blank=True)
    # Who else sees it: everyone on the server (`shared`), one group's members (`group`), or,
    # with neither, only its owner.
    shared = models.BooleanField(default=False)
    group = models.ForeignKey(
        ReadingGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="annotations",
    )
    # Its note gives away what comes later: readers who have not read past its chapter see a
    # "spoiler hidden" marker instead (`spoiler_hidden`). Matters only when others see it.
    spoiler = models.BooleanField(default=False)
    # Set by a group moderator: the annotation leaves the group's view but stays its author's.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_note = models.CharField(max_length=500, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="annotations")
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    # Deleting only sets this, so "Undo" can bring the annotation back whole.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Set when a re-imported chapter no longer holds the quoted words anywhere: the annotation is
    # kept and listed with its quote until the reader re-attaches it to a new selection.
    orphaned = models.BooleanField(default=False)
    # An orphan the reader chose to keep as a note on its chapter: out of the repair queue.
    orphan_dismissed = models.BooleanField(default=False)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        # By column, not by chapter: ordering by the chapter would join it and its work.
        ordering = ["chapter_id", "start", "end", "pk"]
        indexes = [
            models.Index(fields=["chapter", "start"]),
            # A group's recent activity, and whether any of it is new to a member.
            models.Index(fields=["group", "created"], name="annotation_group_created"),
            # Few notes are spoilers; search leaves out the hidden ones by looking them up.
            models.Index(
                fields=["chapter"], condition=models.Q(spoiler=True), name="annotation_spoilers"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="annotation_span_not_empty"
            ),
            models.CheckConstraint(
                condition=~models.Q(shared=True, group__isnull=False),
                name="annotation_one_audience",
            ),
        ]

    def __str__(self) -> str:
        return self.exact[:60]

    def get_absolute_url(self) -> str:
        chapter_url = reverse("chapter", args=[self.chapter.work_id, self.chapter.position])
        return f"{chapter_url}?highlight={self.pk}#{self.segment}"

    def is_in_place(self, text) -> bool:
        """Whether the highlight can be drawn where it is stored in `text` (the chapter's
        ChapterText). One whose words left that place (its chapter was re-imported) is listed
        instead, never drawn on the wrong words."""
        return not self.orphaned and text.text[self.start : self.end] == self.exact

    def know_tags(self, tags: list[Tag]) -> None:
        """Keep these as its tags, in the order they are listed, as prefetch_related("tags")
        leaves them (Django's prefetch fills a queryset's result cache so): a write that has
        just linked them draws them without reading them again."""
        known = Tag.objects.all()
        known._result_cache = list(tags)
        known._prefetch_done = True
        if not hasattr(self, "_prefetched_objects_cache"):
            self._prefetched_objects_cache = {}
        self._prefetched_objects_cache["tags"] = known

    def forget_tags(self) -> None:
        """Its tags are to be read again, as after tags.set()."""
        getattr(self, "_prefetched_objects_cache", {}).pop("tags", None)

    @property
    def audience(self) -> str:
        """The audience as the forms name it: "me", "everyone" or "group:<id>"."""
        if self.group_id:
            return f"group:{self.group_id}"
        return "everyone" if self.shared else "me"


class ReplyQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)

    def seen_in_thread_by(self, user):
        """What a reader sees of a thread they may read: all but the replies a moderator hid,
        which stay their authors'. Deleted ones stay too: one that was answered keeps its
        place in the thread, as "deleted"."""
        return self.filter(models.Q(author=user) | models.Q(hidden_at__isnull=True))

    def visible_to(self, user):
        """Replies in the threads of the annotations this reader sees: exactly their audience."""
        annotations = Annotation.objects.visible_to(user).values("pk")
        return self.seen_in_thread_by(user).filter(annotation__in=annotations)

    def count_seen(self, annotation, user) -> int:
        return self.live().seen_in_thread_by(user).filter(annotation=annotation).count()


class Reply(models.Model):
    """An answer in the thread under an annotation; seen by exactly those who see the
    annotation."""

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="replies"
    )
    # The reply this one answers, when not the annotation itself.
    in_reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="answers"
    )
    text = models.TextField(help_text="Markdown, as the reader wrote it.")
    text_html = models.TextField()
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_note = models.CharField(max_length=500, blank=True)

    objects = ReplyQuerySet.as_manager()

    class Meta:
        ordering = ["annotation", "created", "pk"]
        verbose_name_plural = "replies"
        indexes = [models.Index(fields=["annotation", "created"], name="reply_thread")]

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return self.annotation.get_absolute_url()
