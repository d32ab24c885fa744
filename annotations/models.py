from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from fics.models import Chapter


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


class AnnotationQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)

    def visible_to(self, user, *, include_shared: bool = True):
        """What this reader may see: their own, plus others' shared ones when wanted."""
        mine = models.Q(owner=user)
        return self.live().filter(mine | models.Q(shared=True) if include_shared else mine)


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
    shared = models.BooleanField(default=False)
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
        indexes = [models.Index(fields=["chapter", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="annotation_span_not_empty"
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
