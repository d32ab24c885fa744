"""Importing a JSON export: each annotation re-attached to its work and chapter, or reported.

The work is found by the content hash of its imported file, else by its words (the exported
quotes, looked up in the library's paragraphs: a work renamed or updated since keeps most of
them), else by title and author; the chapter by position; the words by `ChapterText.locate`,
so a chapter re-imported with small changes still takes its highlights. Imported annotations
belong to the importing reader. An annotation that cannot be placed is reported with its number
and words, never dropped unsaid; one the reader already has (same chapter, span and words) is
counted and skipped, so importing twice is safe.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from annotations.anchoring import ChapterText, Quote, Span
from annotations.chapter_layout import chapter_text
from annotations.exports.web_annotation import ImportedAnnotation, ImportedFile
from annotations.models import Annotation, Tag
from annotations.services import annotation_place, tags_get_or_create
from fics.models import Chapter, Paragraph, Work


@dataclass
class ImportReport:
    work: Work | None = None
    created: int = 0
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.work is None:
            return "Nothing was imported."
        skipped = f"; {self.duplicates} you already had were skipped" if self.duplicates else ""
        unplaced = f"; {len(self.problems)} could not be placed" if self.problems else ""
        return f"Imported {self.created} annotation(s) into “{self.work.title}”{skipped}{unplaced}."


def find_work(imported: ImportedFile) -> Work | None:
    """The library's copy of the exported work: the same file, else the work that has most of the
    exported words, else the same title and author."""
    identity = imported.work
    if identity.content_hash and (
        work := Work.objects.filter(content_hash=identity.content_hash).first()
    ):
        return work
    if work := _work_with_the_words(imported.annotations):
        return work
    return (
        Work.objects.filter(title__iexact=identity.title, author__iexact=identity.author)
        .order_by("pk")
        .first()
    )


# The longest quotes say the most about a work; a handful of them is enough to tell it.
QUOTES_TO_LOOK_UP = 8
# Shorter quotes ("Yes.") are in every work.
SHORTEST_QUOTE = 16


def _work_with_the_words(annotations: Iterable[ImportedAnnotation]) -> Work | None:
    """The work whose paragraphs hold most of the longest quotes (at least half of them)."""
    pieces = sorted(
        {max(annotation.exact.split("\n"), key=len).strip() for annotation in annotations},
        key=len,
        reverse=True,
    )
    quotes = [piece for piece in pieces if len(piece) >= SHORTEST_QUOTE][:QUOTES_TO_LOOK_UP]
    votes: Counter[int] = Counter()
    for quote in quotes:
        votes.update(
            Paragraph.objects.filter(
                text__contains=quote,
                chapter__removed=False,
                chapter__work__staged_at__isnull=True,  # not a work still being imported
            )
            .values_list("chapter__work_id", flat=True)
            .distinct()
        )
    if not votes:
        return None
    work_id, found = min(votes.items(), key=lambda item: (-item[1], item[0]))
    return Work.objects.filter(pk=work_id).first() if found * 2 >= len(quotes) else None


def annotations_import(*, user, imported: ImportedFile) -> ImportReport:
    report = ImportReport(problems=list(imported.unreadable))
    work = find_work(imported)
    if work is None:
        author = f" by {imported.work.author}" if imported.work.author else ""
        reason = f"the library has no work “{imported.work.title}”{author}"
        report.problems += [f"{a.describe()}: {reason}." for a in imported.annotations]
        return report
    report.work = work

    positions = {a.chapter_position for a in imported.annotations}
    with transaction.atomic():
        # Locked as annotation_create locks them, and the text read after the lock: an update of
        # the work waits for these annotations, or comes first and is what they are placed on.
        chapters = {
            chapter.position: chapter
            for chapter in Chapter.objects.filter(work=work, position__in=positions).hold()
        }
        texts = {
            position: chapter_text(chapter, chapter.paragraphs.all())
            for position, chapter in chapters.items()
        }
        existing = set(
            Annotation.objects.live()
            .filter(owner=user, chapter__in=chapters.values())
            .values_list("chapter_id", "start", "end", "exact")
        )
        for annotation in imported.annotations:
            chapter = chapters.get(annotation.chapter_position)
            if chapter is None:
                report.problems.append(
                    f"{annotation.describe()}: “{work.title}” has no chapter "
                    f"{annotation.chapter_position}."
                )
                continue
            text = texts[annotation.chapter_position]
            span = text.locate(
                Quote(annotation.exact, annotation.prefix, annotation.suffix), _hint(annotation)
            )
            if span is None:
                report.problems.append(
                    f"{annotation.describe()}: these words are no longer in the chapter."
                )
                continue
            key = (chapter.pk, span.start, span.end, annotation.exact)
            if key in existing:
                report.duplicates += 1
                continue
            existing.add(key)
            _create(user, work, chapter, text, span, annotation)
            report.created += 1
    return report


def _hint(annotation: ImportedAnnotation) -> Span | None:
    if annotation.start is None or annotation.end is None or annotation.start >= annotation.end:
        return None
    return Span(annotation.start, annotation.end)


def _create(user, work, chapter, text: ChapterText, span: Span, imported: ImportedAnnotation):
    names_by_kind = defaultdict(list)
    for tag in imported.tags:
        names_by_kind[tag.kind if tag.kind in Tag.Kind.values else None].append(tag.name)
    tags = [
        tag
        for kind, names in names_by_kind.items()
        for tag in tags_get_or_create(
            user=user, names=names, kind=kind, known_characters=work.picker_characters
        )
    ]
    annotation_place(
        user=user,
        chapter=chapter,
        text=text,
        span=span,
        colour=imported.colour,
        note=imported.note,
        tags=tags,
        spoiler=imported.spoiler,
    )
