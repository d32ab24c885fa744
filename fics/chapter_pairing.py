"""Placing a work's existing chapters where its new version puts them, before an update writes
the new text (fics.importing). The pairing itself is pure: fics.parser.rules.chapter_pairing."""

from django.db.models import F

from fics.models import Chapter, Paragraph, Work
from fics.parser import ParagraphKind, ParsedWork
from fics.parser.rules.chapter_pairing import ChapterContent, pair_chapters


def chapters_for_update(work: Work, parsed: ParsedWork) -> dict[int, Chapter]:
    """New position → the existing chapter that continues there; the chapters no new one
    continues are moved after the new version's last chapter, in their old order.

    Every existing chapter is first lifted above the highest position in use, in one statement,
    so that no two rows ever share a position while they move (PostgreSQL checks the unique
    constraint row by row).
    """
    chapters = list(work.chapters.order_by("position"))
    if not chapters:
        return {}
    texts: dict[int, list[str]] = {chapter.pk: [] for chapter in chapters}
    for chapter_id, text in (
        Paragraph.objects.filter(chapter__work=work, kind=Paragraph.Kind.TEXT)
        .order_by("chapter_id", "position")
        .values_list("chapter_id", "text")
    ):
        texts[chapter_id].append(text)
    old = [ChapterContent(chapter.title, texts[chapter.pk]) for chapter in chapters]
    new = [
        ChapterContent(
            chapter.title,
            [p.text for p in chapter.paragraphs if p.kind == ParagraphKind.TEXT],
        )
        for chapter in parsed.chapters
    ]
    pairs = pair_chapters(old, new)
    lift = chapters[-1].position + len(new) + 1
    work.chapters.update(position=F("position") + lift)
    continued = {}
    for position, index in enumerate(pairs, start=1):
        if index is not None:
            chapters[index].position = position
            continued[position] = chapters[index]
    paired = set(pairs)
    left_over = [chapter for index, chapter in enumerate(chapters) if index not in paired]
    for position, chapter in enumerate(left_over, start=len(new) + 1):
        chapter.position = position
    Chapter.objects.bulk_update(left_over, ["position"])
    return continued
