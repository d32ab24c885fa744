"""What the story map reads: a fixed handful of grouped queries, whatever the work's length.

Mention counts were stored at import (fics.mentions); the reader's passages are counted by tag
and chapter in the database. Another reader's annotation is counted only when it is shared, and
then apart from the reader's own.
"""

from django.db.models import Count, Min, Q, Sum
from django.urls import reverse

from annotations.models import Annotation, Tag, spoiler_hidden
from annotations.story_map import (
    ChapterInfo,
    Matrix,
    StoryMap,
    TagInfo,
    build_story_map,
    character_matrix,
    relationship_pairs,
    tag_matrix,
)
from fics.models import CharacterMention, Work
from fics.parser.rules.mentions import NameForms, name_forms

_tagged = Annotation.tags.through


def chapter_infos(work: Work) -> list[ChapterInfo]:
    first = reverse("chapter", args=[work.pk, 1])
    base = first[: -len("1/")]
    return [
        ChapterInfo(pk, position, title or f"Chapter {position}", words, f"{base}{position}/")
        for pk, position, title, words in work.chapters.order_by("position").values_list(
            "pk", "position", "title", "word_count"
        )
    ]


def work_names(work: Work) -> NameForms:
    return name_forms(work.characters, work.suggested_characters)


def _character_of(names: NameForms) -> dict[str, str]:
    """Any name or short form, case-folded → its character."""
    return {form.casefold(): character for form, character in names.forms.items()}


def _own_live(reader, work: Work) -> Q:
    return Q(
        annotation__owner=reader,
        annotation__deleted_at__isnull=True,
        annotation__chapter__work=work,
    )


def story_map_of(work: Work, reader, *, include_shared: bool) -> StoryMap:
    chapters = chapter_infos(work)
    names = work_names(work)
    mine = {
        (tag, chapter): count
        for tag, chapter, count in _tagged.objects.filter(_own_live(reader, work))
        .values_list("tag_id", "annotation__chapter_id")
        .annotate(count=Count("annotation_id"))
        .order_by()
    }
    tags = [
        TagInfo(pk, name, kind)
        for pk, name, kind in Tag.objects.filter(pk__in={tag for tag, _ in mine}).values_list(
            "pk", "name", "kind"
        )
    ]
    mentions = {
        (name, chapter): (count, first)
        for name, chapter, count, first in CharacterMention.objects.filter(chapter__work=work)
        .values_list("name", "chapter_id")
        .annotate(count=Sum("count"), first=Min("first_paragraph"))
        .order_by()
    }
    shared = shared_kinds = None
    if include_shared:
        shared, shared_kinds = _shared_counts(work, reader)
    return build_story_map(
        chapters,
        tags,
        mine,
        names.characters,
        mentions,
        character_of_tag=_character_of(names),
        shared=shared,
        shared_kinds=shared_kinds,
    )


def _shared_counts(work: Work, reader) -> tuple[dict, dict]:
    """Other readers' shared passages by tag name and chapter, never their private ones, nor
    their spoilers of chapters the reader has not read past (their tags may give them away)."""
    rows = (
        _tagged.objects.filter(
            annotation__shared=True,
            annotation__deleted_at__isnull=True,
            annotation__chapter__work=work,
        )
        .exclude(annotation__owner=reader)
        .exclude(spoiler_hidden(reader, "annotation"))
        .values_list("tag__name", "tag__kind", "annotation__chapter_id")
        .annotate(count=Count("annotation_id"), some_tag=Min("tag_id"))
        .order_by()
    )
    shared: dict[tuple[str, int], tuple[int, int]] = {}
    kinds: dict[str, tuple[str, str]] = {}
    for name, kind, chapter, count, some_tag in rows:
        folded = name.casefold()
        kinds.setdefault(folded, (name, kind))
        before = shared.get((folded, chapter), (0, some_tag))
        shared[(folded, chapter)] = (before[0] + count, min(before[1], some_tag))
    return shared, kinds


def character_cooccurrence(work: Work) -> Matrix:
    names = work_names(work)
    scenes = CharacterMention.objects.filter(chapter__work=work).values_list(
        "chapter_id", "scene", "name"
    )
    pairs = relationship_pairs(work.relationships, _character_of(names))
    return character_matrix(scenes, names.characters, pairs)


def tag_cooccurrence(work: Work, reader) -> tuple[Matrix, dict[str, int]]:
    """The reader's tags on the same passages of the work, and each tag name's pk."""
    rows = list(
        _tagged.objects.filter(_own_live(reader, work)).values_list(
            "annotation_id", "tag__name", "tag_id", "tag__kind"
        )
    )
    order = sorted(
        {(kind, name.casefold(), name) for _, name, _, kind in rows},
        key=lambda item: (["character", "theme", "other"].index(item[0]), item[1]),
    )
    matrix = tag_matrix(
        ((annotation, name) for annotation, name, _, _ in rows), [o[2] for o in order]
    )
    return matrix, {name: pk for _, name, pk, _ in rows}
