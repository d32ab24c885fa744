from django.conf import settings
from django.db import connection, models
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from fics.db import prepared_cursor
from fics.parser.assembly import title_from_filename


class WorkQuerySet(models.QuerySet):
    def staged(self) -> "WorkQuerySet":
        """New works still being imported, in steps (fics.staging): hidden from readers."""
        return self.filter(staged_at__isnull=False)

    def lock(self, pk: int) -> "Work":
        """The work, with its row and its chapters' rows locked until the transaction ends.

        Saving an annotation needs its chapter's row (the foreign key check shares a lock on it),
        so while these are held nothing new can be annotated on the work: what a deletion or an
        update checked stays true until it commits. Everyone locks the work before its chapters,
        so two of these never deadlock. Work.DoesNotExist if it was deleted meanwhile.

        SQLite has no row locks and ignores these; there every transaction takes the database's
        write lock as it begins (transaction_mode IMMEDIATE in config/settings.py), which
        serialises them whole.
        """
        work = self.select_for_update().get(pk=pk)
        list(Chapter.objects.select_for_update().filter(work=work).values_list("pk", flat=True))
        return work


class VisibleWorkManager(models.Manager.from_queryset(WorkQuerySet)):
    """The library: every work but those still being imported. Django reaches a work from its
    chapters through the base manager, which sees them all, as the import itself must."""

    def get_queryset(self) -> WorkQuerySet:
        return super().get_queryset().filter(staged_at__isnull=True)


class Work(models.Model):
    title = models.CharField(max_length=300)
    # The file gave no title: `title` was made from its file name, and pages say "Untitled"
    # until a reader names it (fics.views.work_edit).
    untitled = models.BooleanField(default=False, db_default=False)
    author = models.CharField(max_length=200, blank=True)
    fandom = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    notes = models.TextField(blank=True, help_text="Notes about the whole work.")
    end_notes = models.TextField(blank=True, help_text="Notes at the end of the work.")
    rating = models.CharField(max_length=60, blank=True)
    # Whether the author has finished it, when the file says (fics.parser.ParsedWork.complete).
    complete = models.BooleanField(null=True, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    relationships = models.JSONField(default=list, blank=True)
    additional_tags = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=20, blank=True)
    source_name = models.CharField(
        max_length=255, blank=True, db_index=True, help_text="File name it was imported from."
    )
    # sha256 of the imported bytes: the same file imported twice is recognised and left alone,
    # even when two readers upload it at the same moment (the database keeps it unique).
    content_hash = models.CharField(max_length=64, unique=True)
    source_format = models.CharField(max_length=40, blank=True)
    # Where a work added by address lives (fics.following): "Check for updates" fetches it again.
    source_url = models.URLField(max_length=500, blank=True)
    # The site's "last updated" date at the last fetch: a check that finds it unchanged, and the
    # same chapter count, fetches no chapter.
    source_updated = models.CharField(max_length=40, blank=True)
    word_count = models.PositiveIntegerField(default=0)
    chapter_count = models.PositiveIntegerField(default=0)
    # The characters the file's metadata names (and those of its relationships).
    characters = models.JSONField(default=list, blank=True)
    # Names guessed from the text: offered in the tag picker, shown apart as suggestions, never
    # mixed into what the file says.
    suggested_characters = models.JSONField(default=list, blank=True)
    # The reader who imported it manages it (edits, deletes, updates it) with the staff; other
    # readers read and annotate. None for command-line imports and older works: staff only.
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imported_works",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # Set while a new work is imported in steps, each a short transaction (fics.staging): when
    # its importer last wrote. Readers see nothing of it until the last step sets it to None.
    staged_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = VisibleWorkManager()
    with_staged = WorkQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        # The library's sorts, so that a page of a large library reads only its rows.
        indexes = [
            models.Index(fields=["title", "id"], name="work_title_order"),
            models.Index(fields=["-created", "-id"], name="work_recent_order"),
            models.Index(fields=["-updated", "-id"], name="work_updated_order"),
            models.Index(fields=["author", "title", "id"], name="work_author_order"),
            models.Index(fields=["-word_count", "-id"], name="work_words_order"),
            # The few works being imported, which searches leave out (search.results).
            models.Index(
                fields=["staged_at"],
                condition=models.Q(staged_at__isnull=False),
                name="work_staged",
            ),
            # The library's version (fics.library.library_version), read by every search and
            # shared facet list: counted from this index alone (1.6 ms of 10,000 works, the
            # table's rows: 8 ms).
            models.Index(
                fields=["updated"],
                condition=models.Q(staged_at__isnull=True),
                name="work_version",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("work", args=[self.pk])

    @property
    def is_untitled(self) -> bool:
        """Whether the work is still known only by its file name: nobody has named it since,
        here or in the admin."""
        return (
            self.untitled
            and bool(self.source_name)
            and self.title == title_from_filename(self.source_name)
        )

    @property
    def display_title(self) -> str:
        """What pages call the work: an untitled file by its name, as the reader saved it."""
        return f"Untitled — {self.source_name}" if self.is_untitled else self.title

    @property
    def picker_characters(self) -> list[str]:
        """What the tag picker offers first: the named characters, then the suggested ones."""
        return self.characters + self.suggested_characters

    def is_managed_by(self, user) -> bool:
        """Whether `user` may edit, delete or update the work; every reader may read it."""
        is_importer = self.imported_by_id is not None and self.imported_by_id == user.pk
        return is_importer or user.is_staff or user.is_superuser


class FetchedEpub(models.Model):
    """The EPUB FanFicFare made at a followed work's last fetch (fics.following): the next check
    for updates fetches only the chapters it lacks. Apart from Work, so that the library's
    queries never read it."""

    work = models.OneToOneField(Work, on_delete=models.CASCADE, related_name="fetched_epub")
    data = models.BinaryField()

    def __str__(self) -> str:
        return f"EPUB of {self.work}"


class ChapterQuerySet(models.QuerySet):
    def readable(self) -> "ChapterQuerySet":
        """Chapters of the works in the library: not those of a work still being imported."""
        return self.filter(work__staged_at__isnull=True)

    def hold(self) -> list["Chapter"]:
        """These chapters (those still there, by id, each with its work), their rows and their
        works' rows held as annotating needs until the transaction ends: a deletion or an update
        (WorkQuerySet.lock, FOR UPDATE) waits for it, or came first and is seen; other readers
        annotating the same chapter do not wait.

        PostgreSQL's FOR KEY SHARE, which select_for_update cannot ask for: with FOR NO KEY
        UPDATE, 32 readers annotating one chapter queued on its row. The works first, then the
        chapters, the order WorkQuerySet.lock takes them in, so the two never deadlock. SQLite
        has no row locks (a transaction there holds the database's write lock from its start).
        """
        if connection.vendor != "postgresql":
            return list(self.select_related("work").order_by("pk"))
        ids, params = self.order_by().values("pk").query.sql_with_params()
        works = Work.objects.raw(
            'SELECT * FROM "fics_work" WHERE id IN '
            f'(SELECT work_id FROM "fics_chapter" WHERE id IN ({ids})) ORDER BY id FOR KEY SHARE',
            params,
        )
        by_id = {work.pk: work for work in works}
        chapters = list(
            Chapter.objects.raw(
                f'SELECT * FROM "fics_chapter" WHERE id IN ({ids}) ORDER BY id FOR KEY SHARE',
                params,
            )
        )
        for chapter in chapters:
            chapter.work = by_id[chapter.work_id]
        return chapters


def hold_chapter(chapter_id: int) -> str | None:
    """As ChapterQuerySet.hold, for a caller that has read the chapter already: its work's
    content hash as the lock found it (not the one read before if an update committed
    meanwhile), or None if the chapter is gone. Saving a highlight holds its chapter so: one
    statement written out and prepared, as loading the work's row again, building the statement
    with the ORM, or planning it anew, cost more than running it.
    """
    sql = (
        'SELECT w.content_hash FROM "fics_work" AS w '
        'JOIN "fics_chapter" AS c ON c.work_id = w.id WHERE c.id = %s'
    )
    if connection.vendor == "postgresql":
        # The work's row first, then its chapter's: the tables' rows are locked in the order
        # FROM names them, as in `hold`.
        sql += " FOR KEY SHARE"
    with prepared_cursor() as cursor:
        cursor.execute(sql, [chapter_id])
        row = cursor.fetchone()
    return row[0] if row else None


class Chapter(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="chapters")
    position = models.PositiveIntegerField(help_text="1-based place in the work.")
    title = models.CharField(max_length=300, blank=True)
    # Author's notes are shown apart from the story; paragraphs separated by a blank line.
    notes_before = models.TextField(blank=True)
    notes_after = models.TextField(blank=True)
    word_count = models.PositiveIntegerField(default=0)
    # A chapter that a newer version of the work no longer has: kept, with its annotations, until
    # the reader deletes it.
    removed = models.BooleanField(default=False)
    # When its text last changed: made, or replaced by an update (fics.importing). Chapters that
    # changed after a reader last read them are "new since you last read" (fics.progress).
    text_changed = models.DateTimeField(default=timezone.now, db_default=Now())

    objects = ChapterQuerySet.as_manager()

    class Meta:
        ordering = ["work_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["work", "position"], name="chapter_position_unique"),
            models.CheckConstraint(
                condition=models.Q(position__gte=1), name="chapter_position_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("chapter", args=[self.work_id, self.position])

    @property
    def display_title(self) -> str:
        return self.title or f"Chapter {self.position}"

    @property
    def notes_before_paragraphs(self) -> list[str]:
        return split_notes(self.notes_before)

    @property
    def notes_after_paragraphs(self) -> list[str]:
        return split_notes(self.notes_after)


def split_notes(notes: str) -> list[str]:
    return [part for part in notes.split("\n\n") if part.strip()]


class Paragraph(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        SCENE_BREAK = "break", "Scene break"

    # No index of its own: the unique (chapter, position) index begins with it and serves the
    # same lookups; a second one cost an import a quarter of its paragraph inserts.
    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="paragraphs", db_index=False
    )
    position = models.PositiveIntegerField(help_text="1-based place in the chapter.")
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.TEXT)
    text = models.TextField(blank=True)
    # Inline emphasis from the source as [start, end, "em"|"strong"] over `text`: the text itself
    # stays plain so that annotation offsets never count markup.
    emphasis = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["chapter_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["chapter", "position"], name="paragraph_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(position__gte=1), name="paragraph_position_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chapter} ¶{self.position}"


class PendingUpload(models.Model):
    """An uploaded file that looks like a newer version of a work, waiting for the reader to say
    whether it updates that work or becomes a new one."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField(max_length=255)
    data = models.BinaryField()
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="pending_uploads")
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @property
    def may_update(self) -> bool:
        """Whether the reader who uploaded it may update the work with it, rather than only
        add it as a new work."""
        return self.work.is_managed_by(self.owner)


class ImportJob(models.Model):
    """One uploaded file on its way into the library, imported in the background
    (fics.tasks.import_upload). Its bytes are kept until it finishes (or, when its import was
    stopped from outside, until the reader retries it); its outcome stays for the upload page to
    show, to the reader who uploaded it alone. Finished jobs are pruned after a day
    (fics.tasks.prune_finished_imports)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        IMPORTING = "importing", "Importing"
        FINISHED = "finished", "Finished"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField(max_length=255)
    data = models.BinaryField(blank=True)
    # A work added by address (fics.follow_tasks): fetched by the worker, no bytes uploaded.
    address = models.URLField(max_length=500, blank=True)
    # The reader's own answer, for this fetch only, where the site asks whether they are adult.
    is_adult = models.BooleanField(default=False)
    chapters_fetched = models.PositiveIntegerField(default=0)
    chapters_total = models.PositiveIntegerField(default=0)
    # The reader's answer when the file is a newer version: "update" `target`, or "new".
    on_newer_version = models.CharField(max_length=10, default="ask")
    target = models.ForeignKey(Work, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Runs begun: an import interrupted from outside (its process killed) is tried again.
    attempts = models.PositiveSmallIntegerField(default=0)
    # While importing, the worker renews this lease every few seconds: a job whose lease ran out
    # (IMPORT_LEASE_SECONDS) lost its worker, and is taken back (fics.tasks.recover_abandoned).
    heartbeat = models.DateTimeField(null=True, blank=True)
    # The django.tasks result of its latest run, closed as failed when that run's worker died.
    task_id = models.CharField(max_length=64, blank=True)
    # The outcome, as fics.importing.ImportResult holds it (fics.tasks.result_of).
    outcome = models.CharField(max_length=20, blank=True)
    message = models.TextField(blank=True)
    work = models.ForeignKey(
        Work, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_jobs"
    )
    source_format = models.CharField(max_length=40, blank=True)
    reanchored = models.JSONField(default=dict, blank=True)
    skipped = models.JSONField(default=list, blank=True)
    # A newer version waiting for the reader's choice.
    pending = models.ForeignKey(PendingUpload, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name

    @property
    def is_finished(self) -> bool:
        return self.status == self.Status.FINISHED

    @property
    def may_retry(self) -> bool:
        """Failed through no fault of its file (its import stopped from outside every time),
        with its bytes still here to try again."""
        return self.is_finished and self.outcome == "failed" and bool(self.data)


class CharacterMention(models.Model):
    """How often a character is named in one scene of a chapter, counted at import and update
    (fics.mentions) so that the story map never reads a work's text."""

    # Indexed by the unique (chapter, scene, name) index, which begins with it (see Paragraph).
    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="mentions", db_index=False
    )
    # 0-based; scenes are split by the chapter's scene breaks.
    scene = models.PositiveIntegerField()
    name = models.CharField(max_length=300)
    count = models.PositiveIntegerField()
    # The paragraph (its position) that first names the character in the scene.
    first_paragraph = models.PositiveIntegerField()

    class Meta:
        ordering = ["chapter_id", "scene", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["chapter", "scene", "name"], name="mention_unique_per_scene"
            ),
            models.CheckConstraint(condition=models.Q(count__gte=1), name="mention_count_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ×{self.count} in {self.chapter_id}/{self.scene}"


class WorkFacet(models.Model):
    """One of a work's tags as a row of its own (fics.facets keeps them in step with the work's
    fields), so that the library counts and filters by tag with an index, not by reading every
    work's JSON."""

    class Kind(models.TextChoices):
        FANDOM = "fandom", "Fandom"
        RATING = "rating", "Rating"
        WARNING = "warning", "Warning"
        RELATIONSHIP = "relationship", "Relationship"
        CHARACTER = "character", "Character"
        TAG = "tag", "Tag"
        LANGUAGE = "language", "Language"
        STATUS = "status", "Complete or in progress"

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="facets")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["work", "kind", "value"], name="work_facet_unique")
        ]
        # Filtering by a tag reads its works from here; counting reads (kind, value) per work.
        indexes = [models.Index(fields=["kind", "value", "work"], name="work_facet_lookup")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class ReadingPosition(models.Model):
    """Where a reader last was in a work: its chapter and paragraph. Private to the reader."""

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_positions"
    )
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="reading_positions")
    # None once that chapter is deleted: the work still counts as read, from its start.
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The story paragraph's position (its id on the page is "p<paragraph>").
    paragraph = models.PositiveIntegerField(default=1)
    started = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reader", "work"], name="reading_position_unique")
        ]
        indexes = [models.Index(fields=["reader", "-updated"], name="reading_position_recent")]

    def __str__(self) -> str:
        return f"{self.reader} in {self.work} ¶{self.paragraph}"


class ChapterRead(models.Model):
    """A chapter a reader has opened: when they last read it and how far they got."""

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chapters_read"
    )
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="reads")
    paragraph = models.PositiveIntegerField(default=1)
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reader", "chapter"], name="chapter_read_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reader} read {self.chapter}"
