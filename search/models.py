from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from annotations.models import Annotation
from fics.models import Chapter, Work


class SearchDocument(models.Model):
    """One searchable piece of the library: a work's details, a chapter's title and notes, a
    paragraph, or an annotation (its quote, note and tags). search.index keeps these in step
    with what they copy, in the transactions that change it; the database keeps its full-text
    index of `body` in step with these rows (triggers, search/migrations)."""

    class Kind(models.TextChoices):
        WORK = "work", "Work"
        CHAPTER = "chapter", "Chapter"
        TEXT = "text", "Text"
        ANNOTATION = "annotation", "Annotation"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+")
    chapter = models.ForeignKey(Chapter, null=True, on_delete=models.CASCADE, related_name="+")
    annotation = models.ForeignKey(
        Annotation, null=True, on_delete=models.CASCADE, related_name="+"
    )
    # The element of the chapter page it came from ("p12", "nb1"), "" for a chapter or work.
    segment = models.CharField(max_length=12, blank=True)
    # None for the library's text, which every reader sees; an annotation's owner otherwise.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    shared = models.BooleanField(default=False)
    # The PostgreSQL text search configuration that stems it (search.query.stemming_config).
    config = models.CharField(max_length=20, default="simple")
    # As search.query.prepare left it: CJK characters spaced apart.
    body = models.TextField()
    # PostgreSQL only: filled by a trigger from `config` and `body`. SQLite keeps FTS5 tables.
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        db_table = "search_document"

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"
