"""Turning a story file into a Work: one transaction a file; the same bytes twice change nothing."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import transaction

from annotations.characters import detect_characters
from fics.models import Chapter, Paragraph, Work
from fics.parser import ParsedChapter, ParsedWork, ParseError, parse_story
from fics.parser.words import count_words


class Outcome(StrEnum):
    IMPORTED = "imported"
    UNCHANGED = "unchanged"
    UPDATED = "updated"
    FAILED = "failed"


@dataclass(frozen=True)
class ImportResult:
    name: str
    outcome: Outcome
    work: Work | None = None
    message: str = ""
    source_format: str = ""
    size: int = 0
    paragraphs: int = 0

    @property
    def failed(self) -> bool:
        return self.outcome is Outcome.FAILED

    def describe(self) -> str:
        if self.failed:
            return f"{self.name}: failed: {self.message}"
        assert self.work is not None
        chapters = f"{self.work.chapter_count} chapter{'s' * (self.work.chapter_count != 1)}"
        return (
            f"{self.name}: {self.outcome} as “{self.work.title}” "
            f"({chapters}, {self.work.word_count:,} words, {self.source_format})"
        )


def size_limit_error(size: int) -> str:
    """The reason a file of this many bytes is refused, or "" when it is small enough."""
    if size <= settings.MAX_UPLOAD_BYTES:
        return ""
    return (
        f"the file is {size / 1024 / 1024:.1f} MB, over the "
        f"{settings.MAX_UPLOAD_MB} MB limit (MAX_UPLOAD_MB)"
    )


def import_sized(name: str, size: int, read: Callable[[], bytes]) -> ImportResult:
    """Import a file whose size is known before reading: a file over the limit is never read."""
    if too_large := size_limit_error(size):
        return ImportResult(name, Outcome.FAILED, message=too_large, size=size)
    return import_story_file(read(), name)


def import_story_file(data: bytes, name: str) -> ImportResult:
    """Import one file's bytes; every failure comes back as a result, never as an exception."""
    if too_large := size_limit_error(len(data)):
        return ImportResult(name, Outcome.FAILED, message=too_large, size=len(data))
    content_hash = hashlib.sha256(data).hexdigest()
    if existing := Work.objects.filter(content_hash=content_hash).first():
        return ImportResult(
            name,
            Outcome.UNCHANGED,
            work=existing,
            source_format=existing.source_format,
            size=len(data),
        )
    try:
        parsed = parse_story(data, name)
    except ParseError as error:
        return ImportResult(name, Outcome.FAILED, message=str(error), size=len(data))

    with transaction.atomic():
        work = Work.objects.filter(source_name=name).order_by("pk").first()
        if work and (lost := _annotated_chapters_beyond(work, len(parsed.chapters))):
            return ImportResult(
                name,
                Outcome.FAILED,
                message=(
                    f"this version has {len(parsed.chapters)} chapter(s), and chapter(s) "
                    f"{', '.join(map(str, lost))} that it drops carry annotations: "
                    "nothing was changed"
                ),
                size=len(data),
            )
        outcome = Outcome.UPDATED if work else Outcome.IMPORTED
        work = _save_work(work or Work(), parsed, name=name, content_hash=content_hash)
    paragraph_count = sum(len(chapter.paragraphs) for chapter in parsed.chapters)
    return ImportResult(
        name,
        outcome,
        work=work,
        source_format=parsed.source_format,
        size=len(data),
        paragraphs=paragraph_count,
    )


def _annotated_chapters_beyond(work: Work, count: int) -> list[int]:
    """Chapters an update would delete although readers annotated them: never lose a note."""
    annotated = work.chapters.filter(position__gt=count, annotations__isnull=False)
    return sorted(set(annotated.values_list("position", flat=True)))


def _save_work(work: Work, parsed: ParsedWork, *, name: str, content_hash: str) -> Work:
    if work.pk is None or not work.title:
        work.title = parsed.title[:300]
    # An update keeps what the reader typed in; the file only fills fields still empty.
    work.author = work.author or parsed.author[:200]
    work.fandom = work.fandom or parsed.fandom[:300]
    work.summary = work.summary or parsed.summary
    work.language = work.language or parsed.language
    work.source_name = name
    work.content_hash = content_hash
    work.source_format = parsed.source_format
    work.chapter_count = len(parsed.chapters)
    work.word_count = 0
    work.save()

    work.chapters.filter(position__gt=len(parsed.chapters)).delete()
    existing = {chapter.position: chapter for chapter in work.chapters.all()}
    paragraphs: list[Paragraph] = []
    for position, parsed_chapter in enumerate(parsed.chapters, start=1):
        chapter = existing.get(position) or Chapter(work=work, position=position)
        _fill_chapter(chapter, parsed_chapter)
        chapter.save()
        chapter.paragraphs.all().delete()
        paragraphs.extend(
            Paragraph(chapter=chapter, position=index, kind=paragraph.kind, text=paragraph.text)
            for index, paragraph in enumerate(parsed_chapter.paragraphs, start=1)
        )
        work.word_count += chapter.word_count
    Paragraph.objects.bulk_create(paragraphs, batch_size=2000)
    work.characters = detect_characters(paragraph.text for paragraph in paragraphs)
    work.save(update_fields=["word_count", "characters"])
    return work


def _fill_chapter(chapter: Chapter, parsed: ParsedChapter) -> None:
    chapter.title = parsed.title[:300]
    chapter.notes_before = "\n\n".join(parsed.notes_before)
    chapter.notes_after = "\n\n".join(parsed.notes_after)
    chapter.word_count = sum(count_words(paragraph.text) for paragraph in parsed.paragraphs)
