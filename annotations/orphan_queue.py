"""The repair queue of a work: the reader's orphaned annotations, each with the places in its
chapter's new text where it might belong (annotations.orphan_suggestions), and the writes that
settle one: placing it on a suggestion, or keeping it as a note on its chapter."""

from dataclasses import dataclass

from annotations.anchoring import AnchorError, Quote, Span
from annotations.chapter_source import chapter_source
from annotations.models import Annotation
from annotations.orphan_suggestions import Suggestion, suggest_places
from annotations.services import segment_at
from fics.models import Work

# How much of the text either side of a suggestion the queue shows.
EXCERPT_CONTEXT = 60


@dataclass(frozen=True)
class Place:
    """A suggestion as the queue shows it: the words, a little around them, and the score."""

    suggestion: Suggestion
    before: str
    words: str
    after: str


@dataclass(frozen=True)
class QueueEntry:
    annotation: Annotation
    places: list[Place]


def orphans_to_repair(work: Work, reader):
    return (
        Annotation.objects.live()
        .filter(owner=reader, chapter__work=work, orphaned=True, orphan_dismissed=False)
        .select_related("chapter__work")
        .order_by("chapter__position", "pk")
    )


def repair_queue(work: Work, reader) -> list[QueueEntry]:
    entries = []
    for annotation in orphans_to_repair(work, reader):
        text = chapter_source(annotation.chapter).text.text
        entries.append(QueueEntry(annotation, places(annotation, text)))
    return entries


def places(annotation: Annotation, text: str) -> list[Place]:
    """Where the annotation might go in `text`, each with the words around it (within its
    paragraph)."""
    found = suggest_places(Quote(annotation.exact, annotation.prefix, annotation.suffix), text)
    return [
        Place(
            suggestion,
            _cut_before(text[max(0, span.start - EXCERPT_CONTEXT) : span.start]),
            text[span.start : span.end],
            _cut_after(text[span.end : span.end + EXCERPT_CONTEXT]),
        )
        for suggestion in found
        for span in [suggestion.span]
    ]


def _cut_before(text: str) -> str:
    return text.rsplit("\n\n", 1)[-1]


def _cut_after(text: str) -> str:
    return text.split("\n\n", 1)[0]


def annotation_place_suggested(*, annotation: Annotation, start: int, end: int, exact: str) -> None:
    """Put an orphan on a suggested span of its chapter's current text. AnchorError when the
    text there is no longer what the queue showed (the work was updated meanwhile)."""
    text = chapter_source(annotation.chapter).text
    if not 0 <= start < end <= len(text.text) or text.text[start:end] != exact:
        raise AnchorError("The chapter changed since this suggestion was made; look again.")
    span = Span(start, end)
    quote = text.quote(span)
    annotation.start, annotation.end = start, end
    annotation.exact, annotation.prefix, annotation.suffix = quote.exact, quote.prefix, quote.suffix
    annotation.segment = segment_at(text, start)
    annotation.orphaned = False
    annotation.orphan_dismissed = False
    annotation.save()


def annotation_dismiss_orphan(*, annotation: Annotation) -> None:
    """Keep the orphan as a note on its chapter (listed there, no longer in the queue)."""
    annotation.orphan_dismissed = True
    annotation.save(update_fields=["orphan_dismissed", "modified"])
