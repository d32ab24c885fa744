"""Turning a story file into a Work; the same bytes twice change nothing.

A new work is written in short transactions while readers see nothing of it (fics.staging), so
that readers annotating meanwhile never wait long on SQLite's one write lock.

A newer version of a work already in the library updates it in place, in one transaction, once
the reader says so: unchanged chapters are left alone, changed ones are replaced, chapters the
new version lacks are kept as "removed". Apps that keep data on chapters (annotations) hear of
the changed text through fics.signals.work_text_changed, inside the same transaction. A file
that shares too little of the work's text is not a newer version of it, whatever its name says,
and never replaces it.
"""

import copy
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.db import DatabaseError, DataError, IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from fics import staging
from fics.chapter_pairing import chapters_for_update
from fics.facets import work_facets_sync
from fics.mentions import add_mentions, store_mentions
from fics.models import Chapter, Paragraph, Work
from fics.parser import ParsedWork, ParseError
from fics.preparing import Characters, PreparedChapter, PreparedWork, WorkMentions, read_story
from fics.signals import chapters_imported, work_text_changed


class Outcome(StrEnum):
    IMPORTED = "imported"
    UNCHANGED = "unchanged"
    UPDATED = "updated"
    NEWER_VERSION = "newer version"
    # Same name as a work in the library, too little of its text: left alone.
    NOT_UPDATED = "not updated"
    FAILED = "failed"


class OnNewerVersion(StrEnum):
    """What to do with a file that looks like a newer version of a work in the library."""

    ASK = "ask"
    UPDATE = "update"
    ADD_AS_NEW = "new"


@dataclass(frozen=True)
class ImportResult:
    name: str
    outcome: Outcome
    work: Work | None = None
    message: str = ""
    source_format: str = ""
    paragraphs: int = 0
    # For an update: how the annotations on changed chapters fared ("kept", "moved", ...).
    reanchored: Counter = field(default_factory=Counter)
    skipped: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.outcome is Outcome.FAILED

    @property
    def reanchoring_summary(self) -> str:
        labels = {"kept": "kept in place", "moved": "moved", "fuzzy": "fuzzy-matched"}
        labels["orphaned"] = "orphaned"
        return ", ".join(f"{self.reanchored[key]} {label}" for key, label in labels.items())

    def describe(self) -> str:
        if self.failed:
            return f"{self.name}: failed: {self.message}"
        assert self.work is not None
        if self.outcome is Outcome.NEWER_VERSION:
            return f"{self.name}: newer version of “{self.work.title}”; {self.message}"
        if self.outcome is Outcome.NOT_UPDATED:
            return f"{self.name}: {self.message}"
        chapters = f"{self.work.chapter_count} chapter{'s' * (self.work.chapter_count != 1)}"
        line = (
            f"{self.name}: {self.outcome} as “{self.work.title}” "
            f"({chapters}, {self.work.word_count:,} words, {self.source_format})"
        )
        if self.outcome is Outcome.UPDATED:
            line += "; annotations " + self.reanchoring_summary
        if self.skipped:
            line += "; " + "; ".join(self.skipped)
        return line


def size_limit_error(size: int) -> str:
    """The reason a file of this many bytes is refused, or "" when it is small enough."""
    if size <= settings.MAX_UPLOAD_BYTES:
        return ""
    return (
        f"the file is {size / 1024 / 1024:.1f} MB, over the "
        f"{settings.MAX_UPLOAD_MB} MB limit (MAX_UPLOAD_MB)"
    )


# Below this share of the old text, a file is another story that happens to bear the work's name.
MIN_SHARE_TO_UPDATE = 0.5

_WORD = re.compile(r"\w+")
_SENTENCE = re.compile(r"[^.!?…\n]+")


def text_share(old: Iterable[str], new: Iterable[str]) -> float:
    """The share of the old paragraphs' words that the new ones still hold, sentence by sentence.

    Whole sentences, not words: two unrelated stories in English share most of their words
    (Pride and Prejudice has 86 % of its words in HPMOR, counted with repeats) but almost no
    sentences, while a newer version keeps nearly all of them. Casing and punctuation are
    ignored; each sentence weighs its words. Linear: a 3.7 MB novel takes a fraction of a second.
    """
    kept, total = 0, 0
    remaining = _sentences(new)
    for sentence, words in _sentences(old).items():
        kept += min(words, remaining[sentence])
        total += words
    return kept / total if total else 1.0


def _sentences(paragraphs: Iterable[str]) -> Counter:
    """Each sentence (its words, lower case) with how many words all its occurrences hold."""
    counts: Counter = Counter()
    for paragraph in paragraphs:
        for sentence in _SENTENCE.findall(paragraph.casefold()):
            if words := _WORD.findall(sentence):
                counts[" ".join(words)] += len(words)
    return counts


def import_story_file(
    data: bytes,
    name: str,
    *,
    on_newer_version: OnNewerVersion = OnNewerVersion.ASK,
    target: Work | None = None,
    reader=None,
    prepared: PreparedWork | None = None,
) -> ImportResult:
    """Import one file's bytes; every failure comes back as a result, never as an exception.
    `prepared` is what read_story made of them, when it ran already (in a child process).

    `target` names the work to update when the reader already chose it; whether `reader` may
    update it is for the caller to check. A new work is `reader`'s to manage (the staff's, from
    the command line). The report of an update counts `reader`'s own annotations only
    (everyone's, from the command line): other readers' private notes are not theirs to count.
    """
    if too_large := size_limit_error(len(data)):
        return ImportResult(name, Outcome.FAILED, message=too_large)
    content_hash = hashlib.sha256(data).hexdigest()
    if existing := staging.finished_import(content_hash):
        return ImportResult(name, Outcome.UNCHANGED, existing, source_format=existing.source_format)
    if prepared is None:
        try:
            prepared = read_story(data, name)
        except ParseError as error:
            return ImportResult(name, Outcome.FAILED, message=str(error))
    parsed = prepared.parsed

    earlier = target or (
        None if on_newer_version is OnNewerVersion.ADD_AS_NEW else earlier_version(name, parsed)
    )
    if earlier and (refusal := _too_different(earlier, parsed)):
        return ImportResult(
            name, Outcome.NOT_UPDATED, earlier, message=refusal, source_format=parsed.source_format
        )
    if earlier and on_newer_version is OnNewerVersion.ASK and target is None:
        return ImportResult(
            name,
            Outcome.NEWER_VERSION,
            earlier,
            message="nothing changed until you choose to update it",
            source_format=parsed.source_format,
        )
    reanchored: Counter = Counter()
    characters, chapters, mentions = prepared.characters, prepared.chapters, prepared.mentions
    try:
        if earlier:
            # One transaction: the text changes under the readers' annotations, which follow it.
            with transaction.atomic():
                work = Work.objects.lock(earlier.pk)
                reanchored = _update_work(
                    work,
                    parsed,
                    chapters,
                    characters,
                    name=name,
                    content_hash=content_hash,
                    reader=reader,
                )
                store_mentions(work, mentions)
        else:
            work = _create_work(
                parsed,
                chapters,
                characters,
                mentions,
                name=name,
                content_hash=content_hash,
                reader=reader,
            )
    except Work.DoesNotExist:
        return ImportResult(name, Outcome.FAILED, message=f"“{earlier}” was deleted meanwhile")
    except (IntegrityError, staging.ClaimLost) as error:
        # The same file was imported by someone else a moment ago, or is being imported; or this
        # import stalled so long that its work was thought abandoned and removed.
        if (existing := staging.finished_import(content_hash)) is not None:
            return ImportResult(
                name, Outcome.UNCHANGED, existing, source_format=existing.source_format
            )
        if isinstance(error, staging.ClaimLost):
            message = "it stalled for so long that it was stopped; import it again"
            return ImportResult(name, Outcome.FAILED, message=message)
        raise
    except DataError as error:
        # Text the database refuses (a character it cannot store): nothing was written.
        return ImportResult(name, Outcome.FAILED, message=f"the database refused it ({error})")
    return ImportResult(
        name,
        Outcome.UPDATED if earlier else Outcome.IMPORTED,
        work,
        source_format=parsed.source_format,
        paragraphs=sum(len(chapter.paragraphs) for chapter in parsed.chapters),
        reanchored=reanchored,
        skipped=tuple(parsed.skipped),
    )


def earlier_version(name: str, parsed: ParsedWork) -> Work | None:
    """The work this file updates: the same file name, else the same title and author."""
    same_title_and_author = Q(title__iexact=parsed.title.strip(), author__iexact=parsed.author)
    candidates = Work.objects.filter(Q(source_name=name) | same_title_and_author)
    if not parsed.author.strip():
        candidates = Work.objects.filter(source_name=name)
    return candidates.order_by("pk").first()


def _too_different(work: Work, parsed: ParsedWork) -> str:
    """Why the parsed file may not replace the work's text, or "" when it may."""
    old = Paragraph.objects.filter(chapter__work=work, chapter__removed=False).values_list(
        "text", flat=True
    )
    new = (paragraph.text for chapter in parsed.chapters for paragraph in chapter.paragraphs)
    share = text_share(old, new)
    if share >= MIN_SHARE_TO_UPDATE:
        return ""
    # Rounded down: 49.6 % is refused, and must not read as 50 %.
    return f"shares {int(share * 100)} % of its text with “{work.title}”; not updated"


def _create_work(
    parsed: ParsedWork,
    prepared: list[PreparedChapter],
    characters: Characters,
    mentions: WorkMentions,
    *,
    name: str,
    content_hash: str,
    reader,
) -> Work:
    """The new work, staged, then its chapters a step at a time, then made visible with its
    totals and facets (fics.staging). Whatever stops it, what it wrote is removed."""
    work = Work(imported_by=reader)
    _fill_work(work, parsed, name=name, content_hash=content_hash)
    staging.begin(work)
    try:
        numbered = enumerate(prepared, start=1)
        turns = staging.Turns()
        steps = staging.in_steps(((each, each[1].word_count) for each in numbered), turns.words)
        for chapters in steps:
            with staging.step(work, turns):
                _add_chapters(work, chapters, mentions)
        with staging.step(work, last=True):
            _finish(work, characters)
    except BaseException:
        # A database out of reach: the worker removes the work once its import is abandoned.
        with suppress(DatabaseError):
            staging.discard(work)
        raise
    return work


def _add_chapters(
    work: Work, numbered: list[tuple[int, PreparedChapter]], mentions: WorkMentions
) -> None:
    """One step of a new work: these chapters (at their positions), their paragraphs and the
    characters' mentions in them."""
    chapters = []
    for position, prepared_chapter in numbered:
        chapter = Chapter(work=work, position=position)
        _fill_chapter(chapter, prepared_chapter)
        chapters.append(chapter)
    Chapter.objects.bulk_create(chapters)
    _insert_paragraphs(
        (chapter, prepared_chapter.paragraphs)
        for chapter, (_, prepared_chapter) in zip(chapters, numbered, strict=True)
    )
    add_mentions(
        (chapter.pk, mentions[position])
        for chapter, (position, _) in zip(chapters, numbered, strict=True)
    )
    chapters_imported.send(sender=Work, work=work, chapters=chapters)


@dataclass(frozen=True)
class ChangedChapter:
    """A chapter whose text an update replaced, and how it read before (see fics.signals)."""

    chapter: Chapter
    before: Chapter
    paragraphs_before: list[Paragraph]


def _update_work(
    work: Work,
    parsed: ParsedWork,
    prepared: list[PreparedChapter],
    characters: Characters,
    *,
    name: str,
    content_hash: str,
    reader,
) -> Counter:
    _fill_work(work, parsed, name=name, content_hash=content_hash)
    work.save()
    existing = chapters_for_update(work, parsed)
    changed: list[ChangedChapter] = []
    kept: list[Chapter] = []
    new_paragraphs = []
    for position, prepared_chapter in enumerate(prepared, start=1):
        chapter = existing.get(position) or Chapter(work=work, position=position)
        before = copy.copy(chapter)
        old_paragraphs = list(chapter.paragraphs.all()) if chapter.pk else None
        _fill_chapter(chapter, prepared_chapter)
        chapter.removed = False
        paragraphs = prepared_chapter.paragraphs
        if old_paragraphs is not None and _same_text(before, old_paragraphs, chapter, paragraphs):
            chapter.save()
            kept.append(chapter)
            continue
        chapter.text_changed = timezone.now()
        chapter.save()
        if old_paragraphs is not None:
            chapter.paragraphs.all().delete()
            changed.append(ChangedChapter(chapter, before, old_paragraphs))
        new_paragraphs.append((chapter, paragraphs))
    _insert_paragraphs(new_paragraphs)
    # Chapters this version lacks stay, with their annotations, until the reader deletes them.
    dropped = work.chapters.filter(position__gt=len(parsed.chapters), removed=False)
    kept += list(dropped)
    dropped.update(removed=True)
    _finish(work, characters)
    counts: Counter = Counter()
    for _, reported in work_text_changed.send(
        sender=Work, work=work, changed=changed, kept=kept, reader=reader
    ):
        counts.update(reported)
    return counts


def _same_text(before: Chapter, old: list[Paragraph], after: Chapter, new: list[tuple]) -> bool:
    old_rows = [(p.position, p.kind, p.text, p.emphasis) for p in old]
    return (before.notes_before, before.notes_after, old_rows) == (
        after.notes_before,
        after.notes_after,
        new,
    )


def _fill_work(work: Work, parsed: ParsedWork, *, name: str, content_hash: str) -> None:
    # An update keeps what the reader typed in; the file only fills fields still empty.
    # A work still known by its file name takes the title a newer version gives.
    if not work.title or work.is_untitled:
        work.title, work.untitled = parsed.title[:300], parsed.untitled
    work.author = work.author or parsed.author[:200]
    work.fandom = work.fandom or parsed.fandom[:300]
    work.summary = work.summary or parsed.summary
    work.language = work.language or parsed.language[:20]
    work.notes = work.notes or parsed.notes
    work.end_notes = work.end_notes or parsed.end_notes
    work.rating = work.rating or parsed.rating[:60]
    # Not the reader's to type: each version says whether the work is finished.
    work.complete = parsed.complete
    work.warnings = work.warnings or parsed.warnings
    work.relationships = work.relationships or parsed.relationships
    work.additional_tags = work.additional_tags or parsed.additional_tags
    work.source_name = name
    work.content_hash = content_hash
    work.source_format = parsed.source_format
    work.chapter_count = len(parsed.chapters)


def _fill_chapter(chapter: Chapter, prepared: PreparedChapter) -> None:
    chapter.title = prepared.title
    chapter.notes_before = prepared.notes_before
    chapter.notes_after = prepared.notes_after
    chapter.word_count = prepared.word_count


def _insert_paragraphs(chapters: Iterable[tuple[Chapter, list[tuple]]]) -> None:
    """Insert every paragraph of these saved chapters: PostgreSQL's COPY, else one statement
    per batch.

    Written as SQL because building a model instance per paragraph (a novel has twenty thousand)
    took most of an import's time; the emphasis goes through its field's own conversion to JSON.
    On PostgreSQL even one INSERT per row, pipelined, cost 1.9 s of HPMOR's 5.4 s; COPY streams
    the rows in one statement.
    """
    emphasis = Paragraph._meta.get_field("emphasis")
    columns = "chapter_id, position, kind, text, emphasis"
    if connection.vendor == "postgresql":
        plain = "[]"  # COPY reads JSON as text, like any other column
        statement = f"COPY {Paragraph._meta.db_table} ({columns}) FROM STDIN"
        # psycopg's own cursor: its errors become Django's (a refused character is a DataError).
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(statement) as writer,
        ):
            for chapter, paragraphs in chapters:
                for position, kind, text, spans in paragraphs:
                    marks = json.dumps(spans) if spans else plain
                    writer.write_row((chapter.pk, position, kind, text, marks))
        return
    plain = emphasis.get_db_prep_save([], connection)  # most paragraphs have no emphasis
    rows = [
        (
            chapter.pk,
            position,
            kind,
            text,
            emphasis.get_db_prep_save(spans, connection) if spans else plain,
        )
        for chapter, paragraphs in chapters
        for position, kind, text, spans in paragraphs
    ]
    sql = f"INSERT INTO {Paragraph._meta.db_table} ({columns}) VALUES (%s, %s, %s, %s, %s)"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _finish(work: Work, characters: Characters) -> None:
    """Totals and the character list, once every chapter is in place."""
    # Chapters were counted as they were saved; removed ones no longer count.
    work.word_count = (
        work.chapters.filter(removed=False).aggregate(total=Sum("word_count"))["total"] or 0
    )
    work.characters, work.suggested_characters = characters
    work.save(update_fields=["word_count", "characters", "suggested_characters"])
    work_facets_sync(work)
