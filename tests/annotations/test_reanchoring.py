import re
from dataclasses import dataclass
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from annotations import reanchoring
from annotations.anchoring import (
    CONTEXT,
    MIN_CONTEXT_AGREEMENT,
    SEPARATOR,
    SHORT_QUOTE,
    ChapterText,
    Quote,
    Segment,
    Span,
)
from annotations.reanchoring import (
    EDITED_THRESHOLD,
    FUZZY_THRESHOLD,
    INTACT_CONTEXT_THRESHOLD,
    SHORT_FUZZY_THRESHOLD,
    Anchor,
    Placement,
    Result,
    reanchor,
)
from fics.parser import ParagraphKind, parse_story

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "seeds"


def anchor_at(text: str, start: int, end: int, anchor_id: int = 1) -> Anchor:
    """An annotation as the app stores it: position and quote with CONTEXT each side."""
    quote = Quote(
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
    )
    return Anchor(anchor_id, Span(start, end), quote)


def anchor_on(text: str, exact: str, occurrence: int = 0, anchor_id: int = 1) -> Anchor:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(exact, start + 1)
    return anchor_at(text, start, start + len(exact), anchor_id)


def only(old_text: str, new_text: str, anchor: Anchor) -> Result:
    [result] = reanchor(old_text, new_text, [anchor])
    return result


def text_at(text: str, result: Result) -> str:
    assert result.span is not None
    return text[result.span.start : result.span.end]


OPENING = "Clarke pushed the heavy door open and stepped into the cold night air."
MIDDLE = "Lexa was waiting by the fire, her face unreadable in the flickering light."
CLOSING = "Neither of them spoke for a long time, and then Clarke sat down beside her."
CHAPTER = SEPARATOR.join([OPENING, MIDDLE, CLOSING])


# One placement at a time.


def test_identical_text_keeps_every_annotation_where_it_was():
    anchors = [
        anchor_on(CHAPTER, "heavy door", anchor_id=1),
        anchor_on(CHAPTER, "Lexa was waiting", anchor_id=2),
        anchor_on(CHAPTER, "Clarke", occurrence=1, anchor_id=3),
    ]

    results = reanchor(CHAPTER, CHAPTER, anchors)

    assert [result.placement for result in results] == [Placement.KEPT] * 3
    assert [result.span for result in results] == [anchor.span for anchor in anchors]
    assert [result.quote for result in results] == [anchor.quote for anchor in anchors]


def test_text_inserted_before_moves_the_annotation_with_its_words():
    anchor = anchor_on(CHAPTER, "her face unreadable")
    inserted = "A new opening paragraph, added by the author.\n\n"

    result = only(CHAPTER, inserted + CHAPTER, anchor)

    assert result.placement == Placement.MOVED
    assert result.span == Span(anchor.span.start + len(inserted), anchor.span.end + len(inserted))
    assert result.quote == anchor.quote


def test_typo_fixed_inside_the_quote_lands_fuzzily_on_the_corrected_words():
    old = "She said she was definately comming home tonight, and then she left."
    new = "She said she was definitely coming home tonight, and then she left."
    anchor = anchor_on(old, "she was definately comming home")

    result = only(old, new, anchor)

    assert result.placement == Placement.FUZZY
    assert text_at(new, result) == "she was definitely coming home"
    assert result.quote.exact == "she was definitely coming home"
    assert result.quote.prefix == "She said "


def test_typo_fixed_in_a_short_quote_between_unchanged_context():
    old = "Neither of them spoke, and Lexa smiled at teh door as Clarke left the room."
    new = old.replace("teh", "the")

    result = only(old, new, anchor_on(old, "teh"))

    assert result.placement == Placement.FUZZY
    assert text_at(new, result) == "the"


def test_typo_fixed_elsewhere_with_the_same_length_keeps_the_annotation():
    old = CHAPTER.replace("heavy", "haevy")
    anchor = anchor_on(old, "Lexa was waiting by the fire")

    result = only(old, CHAPTER, anchor)

    assert result.placement == Placement.KEPT
    assert result.span == anchor.span


def test_typo_fixed_elsewhere_changing_the_length_moves_the_annotation():
    old = CHAPTER.replace("stepped", "steppped")
    anchor = anchor_on(old, "Lexa was waiting by the fire")

    result = only(old, CHAPTER, anchor)

    assert result.placement == Placement.MOVED
    assert text_at(CHAPTER, result) == "Lexa was waiting by the fire"
    assert result.span.start == anchor.span.start - 1


def test_deleted_paragraph_orphans_its_annotations():
    new = SEPARATOR.join([OPENING, CLOSING])
    anchors = [
        anchor_on(CHAPTER, "her face unreadable", anchor_id=1),
        anchor_on(CHAPTER, "Lexa", anchor_id=2),
        anchor_on(CHAPTER, "the fire", anchor_id=3),
        anchor_on(CHAPTER, "Clarke sat down", anchor_id=4),
    ]

    results = reanchor(CHAPTER, new, anchors)

    assert [result.placement for result in results] == [
        Placement.ORPHANED,
        Placement.ORPHANED,
        Placement.ORPHANED,
        Placement.MOVED,
    ]
    assert results[0] == Result(1, Placement.ORPHANED, None, None)
    assert text_at(new, results[3]) == "Clarke sat down"


def test_moved_scene_takes_its_annotations_along():
    scene = SEPARATOR.join([MIDDLE, "The fire cracked; somewhere an owl called twice."])
    old = SEPARATOR.join([OPENING, scene, CLOSING])
    new = SEPARATOR.join([OPENING, CLOSING, scene])
    anchors = [
        anchor_on(old, "her face unreadable", anchor_id=1),
        anchor_on(old, "an owl called", anchor_id=2),
        anchor_on(old, "light.\n\nThe fire", anchor_id=3),
    ]

    results = reanchor(old, new, anchors)

    assert [result.placement for result in results] == [Placement.MOVED] * 3
    for anchor, result in zip(anchors, results, strict=True):
        assert text_at(new, result) == anchor.quote.exact
        assert result.span.start > new.index("Clarke sat down")


def test_moved_and_edited_passage_is_found_fuzzily_anywhere():
    scene = "The fire cracked; somewhere far away an owl called twice into the dark."
    old = SEPARATOR.join([OPENING, scene, MIDDLE, CLOSING])
    new = SEPARATOR.join([OPENING, MIDDLE, CLOSING, scene.replace("far away", "far off")])
    anchor = anchor_on(old, "somewhere far away an owl called twice")

    result = only(old, new, anchor)

    assert result.placement == Placement.FUZZY
    assert text_at(new, result) == "somewhere far off an owl called twice"


def test_word_inserted_inside_a_highlight_is_taken_into_it():
    old = "She said she was coming home tonight, and then she left without a word."
    new = old.replace("was coming", "was finally coming")
    anchor = anchor_on(old, "she was coming home")

    result = only(old, new, anchor)

    assert result.placement == Placement.FUZZY
    assert text_at(new, result) == "she was finally coming home"


def test_word_inserted_after_a_highlights_first_word_keeps_that_word_in_it():
    new = CHAPTER.replace("the fire", "the warm fire")

    result = only(CHAPTER, new, anchor_on(CHAPTER, "the fire, her face"))

    assert result.placement == Placement.FUZZY
    assert text_at(new, result) == "the warm fire, her face"


def test_word_deleted_inside_a_highlight_shrinks_it():
    old = MIDDLE.replace("her face", "her pale face")
    anchor = anchor_on(old, "fire, her pale face unreadable")

    result = only(old, MIDDLE, anchor)

    assert result.placement == Placement.FUZZY
    assert text_at(MIDDLE, result) == "fire, her face unreadable"


def test_edited_passage_that_moved_follows_its_words_between_its_old_neighbours():
    scene = (
        "The fire cracked; somewhere far away an owl called twice into the dark, and the"
        " wind rose over the hills behind the house."
    )
    old = SEPARATOR.join([OPENING, scene, MIDDLE, CLOSING])
    edited = scene.replace("owl called twice", "owl called softly twice")
    new = SEPARATOR.join([OPENING, MIDDLE, CLOSING, edited])
    anchor = anchor_on(old, "an owl called twice")

    result = only(old, new, anchor)

    assert result.placement == Placement.FUZZY
    assert text_at(new, result) == "an owl called softly twice"


def test_sentence_rewritten_between_the_same_neighbours_orphans_its_highlight():
    rewritten = "Octavia sat alone near the river, her hands shaking in the morning cold."
    new = SEPARATOR.join([OPENING, rewritten, CLOSING])

    result = only(CHAPTER, new, anchor_on(CHAPTER, MIDDLE))

    assert result.placement == Placement.ORPHANED


def test_most_of_a_highlight_deleted_orphans_it():
    new = CHAPTER.replace("unreadable in the flickering ", "")
    anchor = anchor_on(CHAPTER, "her face unreadable in the flickering light")

    assert only(CHAPTER, new, anchor).placement == Placement.ORPHANED


def test_repeated_phrase_goes_where_its_context_agrees_not_to_the_nearest():
    first = "Clarke said it first: I love you. Then she left without another word."
    second = "Much later, Lexa whispered back: I love you. And the night went on."
    old = SEPARATOR.join([first, MIDDLE, second])
    new = SEPARATOR.join([second, first, MIDDLE])
    anchor = anchor_on(old, "I love you", occurrence=1)

    result = only(old, new, anchor)

    assert result.placement == Placement.MOVED
    assert result.span.start == new.index("I love you")
    assert result.quote.prefix.endswith("Lexa whispered back: ")


def test_short_quote_is_not_placed_on_the_same_word_elsewhere():
    old = SEPARATOR.join([OPENING, "She said nothing at all.", CLOSING])
    new = SEPARATOR.join([OPENING, CLOSING + " She said goodbye."])

    result = only(old, new, anchor_on(old, "She said"))

    assert result.placement == Placement.ORPHANED


def test_short_quote_is_not_fuzzy_matched_to_random_text():
    old = SEPARATOR.join([OPENING, "Lexi.", CLOSING])
    new = SEPARATOR.join([OPENING, "Lexa waved at Lexi's friend.", CLOSING])

    result = only(old, new, anchor_on(old, "Lexi."))

    assert result.placement == Placement.ORPHANED


def test_short_quote_with_context_agreeing_moves_with_it():
    old = SEPARATOR.join([OPENING, MIDDLE, CLOSING])
    new = SEPARATOR.join([MIDDLE, "An inserted paragraph.", OPENING, CLOSING])
    anchor = anchor_on(old, "Lexa")

    result = only(old, new, anchor)

    assert result.placement == Placement.MOVED
    assert result.span.start == new.index("Lexa was waiting")


@pytest.mark.parametrize(
    ("old", "quoted", "new", "found_at"),
    [
        # A three-letter quote whose context does not match: the words are there, the place not.
        (
            SEPARATOR.join(["Lexa looked up at the window and sighed.", CLOSING]),
            "the",
            SEPARATOR.join([OPENING, CLOSING]),
            None,
        ),
        # A short quote whose context came along with it.
        (
            SEPARATOR.join([OPENING, MIDDLE, CLOSING]),
            "Lexa",
            SEPARATOR.join([CLOSING, "An inserted paragraph.", MIDDLE]),
            "Lexa was",
        ),
        # A repeated short phrase: the occurrence whose context agrees.
        (
            SEPARATOR.join(["Clarke said: I love you. Then she left.", "Lexa: I love you."]),
            "I love you",
            SEPARATOR.join(["Lexa: I love you.", "Clarke said: I love you. Then she left."]),
            "I love you. Then",
        ),
        # Twelve code points or more: the words alone, whatever the context.
        (
            "Clarke said: we leave at dawn tomorrow. Lexa nodded.",
            "we leave at dawn",
            SEPARATOR.join([CLOSING, "Much later: we leave at dawn, Octavia said."]),
            "we leave at dawn",
        ),
    ],
)
def test_the_import_and_reanchoring_find_a_quote_in_the_same_place(old, quoted, new, found_at):
    """`found_at`: where in the new text the quote must be found (None: nowhere)."""
    anchor = anchor_on(old, quoted)
    expected = None
    if found_at is not None:
        expected = Span(new.index(found_at), new.index(found_at) + len(quoted))

    imported = ChapterText([Segment("p1", new)]).locate(anchor.quote, anchor.span)
    [result] = reanchor(old, new, [anchor])

    assert imported == expected
    assert result.span == expected
    assert result.placement == (Placement.ORPHANED if found_at is None else Placement.MOVED)


def test_emoji_and_cjk_offsets_are_code_points():
    old = SEPARATOR.join(
        ["她笑了。我们明天一起去图书馆看书吧好吗", "I 💜 Lexa, she said 😊 and smiled."]
    )
    new = "🎉🎉 新的开头。\n\n" + old.replace("图书馆", "图书室")
    anchors = [
        anchor_on(old, "Lexa, she said 😊 and", anchor_id=1),
        anchor_on(old, "我们明天一起去图书馆看书吧好吗", anchor_id=2),
    ]

    moved, fuzzy = reanchor(old, new, anchors)

    assert moved.placement == Placement.MOVED
    assert text_at(new, moved) == "Lexa, she said 😊 and"
    assert moved.span.start == new.index("Lexa")
    assert fuzzy.placement == Placement.FUZZY
    assert text_at(new, fuzzy) == "我们明天一起去图书室看书吧好吗"


def test_quote_that_was_the_whole_chapter_start_needs_the_start_again():
    old = "Lexa. " + CLOSING
    new = CLOSING + " Lexa. The end."
    anchor = anchor_on(old, "Lexa.")

    assert only(old, new, anchor).placement == Placement.ORPHANED
    assert only(old, "Lexa. Something new.", anchor).placement == Placement.KEPT


@pytest.mark.parametrize(
    ("old", "new", "anchor"),
    [
        ("", "", Anchor(1, Span(0, 0), Quote("", "", ""))),
        ("", "Some text.", Anchor(1, Span(0, 4), Quote("Some", "", ""))),
        ("Some text.", "", Anchor(1, Span(0, 4), Quote("Some", "", " text."))),
        (CHAPTER, CHAPTER + "!", Anchor(1, Span(5, 2), Quote("door", "", ""))),
        (CHAPTER, CHAPTER + "!", Anchor(1, Span(-3, 10**6), Quote("heavy door", "the ", ""))),
        (CHAPTER, CHAPTER[1:], Anchor(1, Span(10, 10), Quote("", "", ""))),
        (CHAPTER, CHAPTER[1:], Anchor(1, Span(10, 20), Quote("   ", "", ""))),
        (CHAPTER, "x", Anchor(1, Span(0, len(CHAPTER)), Quote(CHAPTER, "", ""))),
    ],
)
def test_weird_input_never_raises_and_gives_one_result(old, new, anchor):
    [result] = reanchor(old, new, [anchor])

    assert result.id == 1
    if result.span is not None:
        assert 0 <= result.span.start <= result.span.end <= len(new)
        assert text_at(new, result) == result.quote.exact


def test_stale_span_is_found_again_by_its_quote():
    anchor = Anchor(1, Span(10**6, 10**6 + 10), anchor_on(CHAPTER, "heavy door").quote)

    result = only(CHAPTER, CHAPTER, anchor)

    assert result.placement == Placement.MOVED
    assert text_at(CHAPTER, result) == "heavy door"


def test_nothing_to_reanchor():
    assert reanchor(CHAPTER, CHAPTER + "!", []) == []


# Real chapters with random edits.


def seed_paragraphs() -> list[list[str]]:
    if not SEEDS.is_dir():
        return []
    return [
        [p.strip() for p in re.split(r"\n\s*\n", seed.read_text()) if p.strip()]
        for seed in sorted(SEEDS.glob("*.txt"))
    ]


SEED_PARAGRAPHS = seed_paragraphs()
needs_corpus = pytest.mark.skipif(not SEED_PARAGRAPHS, reason="the shared corpus is absent")

NEW = -1  # origin of a character the edits wrote


@dataclass
class EditedChapter:
    """A chapter as paragraphs of (character, offset in the old text or NEW) pairs, so that after
    any edits we know exactly which old characters survive, and where."""

    paragraphs: list[list[tuple[str, int]]]

    @classmethod
    def of(cls, paragraphs: list[str]) -> "EditedChapter":
        tracked = []
        offset = 0
        for paragraph in paragraphs:
            tracked.append([(char, offset + n) for n, char in enumerate(paragraph)])
            offset += len(paragraph) + len(SEPARATOR)
        return cls(tracked)

    def text_and_origins(self) -> tuple[str, list[int]]:
        chars: list[str] = []
        origins: list[int] = []
        for paragraph in self.paragraphs:
            if chars:
                # The separator is the old one only where the old paragraphs were neighbours.
                joined = paragraph and origins[-1] != NEW and paragraph[0][1] == origins[-1] + 3
                chars.extend(SEPARATOR)
                origins.extend([origins[-1] + 1, origins[-1] + 2] if joined else [NEW, NEW])
            chars.extend(char for char, _ in paragraph)
            origins.extend(origin for _, origin in paragraph)
        return "".join(chars), origins


typo_letters = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ,.'’😊她", min_size=1, max_size=3)
edits = st.lists(
    st.one_of(
        st.tuples(st.just("typo"), st.integers(0, 10**6), st.integers(0, 10**6), typo_letters),
        st.tuples(st.just("insert"), st.integers(0, 10**6), st.integers(0, 10**6), typo_letters),
        st.tuples(
            st.just("delete"), st.integers(0, 10**6), st.integers(0, 10**6), st.integers(1, 4)
        ),
        st.tuples(st.just("add paragraph"), st.integers(0, 10**6), st.integers(0, 10**6)),
        st.tuples(st.just("drop paragraph"), st.integers(0, 10**6)),
        st.tuples(
            st.just("move scene"), st.integers(0, 10**6), st.integers(1, 6), st.integers(0, 10**6)
        ),
    ),
    max_size=8,
)


def apply_edit(chapter: EditedChapter, edit: tuple, spare: list[str]) -> None:
    paragraphs = chapter.paragraphs
    kind, at = edit[0], edit[1]
    if kind in {"typo", "insert", "delete"}:
        paragraph = paragraphs[at % len(paragraphs)]
        position = edit[2] % (len(paragraph) + 1)
        if kind == "typo":
            paragraph[position : position + len(edit[3])] = [(char, NEW) for char in edit[3]]
        elif kind == "insert":
            paragraph[position:position] = [(char, NEW) for char in edit[3]]
        else:
            del paragraph[position : position + edit[3]]
    elif kind == "add paragraph":
        text = spare[edit[2] % len(spare)]
        paragraphs.insert(at % (len(paragraphs) + 1), [(char, NEW) for char in text])
    elif kind == "drop paragraph" and len(paragraphs) > 1:
        del paragraphs[at % len(paragraphs)]
    elif kind == "move scene":
        first = at % len(paragraphs)
        scene = paragraphs[first : first + edit[2]]
        del paragraphs[first : first + edit[2]]
        destination = edit[3] % (len(paragraphs) + 1)
        paragraphs[destination:destination] = scene


def survives(anchor: Anchor, origins: list[int]) -> int | None:
    """Where the anchor's text is, untouched, in the new text; None if an edit touched it."""
    start, end = anchor.span.start, anchor.span.end
    try:
        at = origins.index(start)
    except ValueError:
        return None
    if origins[at : at + end - start] != list(range(start, end)):
        return None
    return at


def reads_as_edited(anchor: Anchor, new: str, span: Span) -> bool:
    """Whether a fuzzy placement is the quote's words edited between its stored context, still
    there on both sides (reanchoring.EDITED_THRESHOLD and INTACT_CONTEXT_THRESHOLD)."""
    quote = anchor.quote
    before = new[max(0, span.start - len(quote.prefix)) : span.start]
    after = new[span.end : span.end + len(quote.suffix)]
    threshold = SHORT_FUZZY_THRESHOLD if len(quote.exact) < SHORT_QUOTE else EDITED_THRESHOLD
    return fuzz.ratio(quote.exact, new[span.start : span.end]) >= threshold and all(
        (fuzz.ratio(stored, found) if stored else 100.0 * (not found)) >= INTACT_CONTEXT_THRESHOLD
        for stored, found in [(quote.prefix, before), (quote.suffix, after)]
    )


def context_confirms(old: str, anchor: Anchor, new: str, origins: list[int], at: int) -> bool:
    """Whether, at its surviving place, enough of a short quote's stored context survives with it
    for the exact search to accept the place (anchoring.MIN_CONTEXT_AGREEMENT on one side)."""
    start, end = anchor.span.start, anchor.span.end
    before = min(MIN_CONTEXT_AGREEMENT, start)
    prefix_survives = (
        at >= before
        and origins[at - before : at] == list(range(start - before, start))
        and (before == MIN_CONTEXT_AGREEMENT or at == start)
    )
    after = min(MIN_CONTEXT_AGREEMENT, len(old) - end)
    new_end = at + end - start
    suffix_survives = origins[new_end : new_end + after] == list(range(end, end + after)) and (
        after == MIN_CONTEXT_AGREEMENT or new_end + after == len(new)
    )
    return prefix_survives or suffix_survives


def draw_chapter_and_anchors(data) -> tuple[list[str], str, list[Anchor]]:
    """Some consecutive paragraphs of a seed chapter, and annotations on random spans of them."""
    paragraphs = data.draw(st.sampled_from(SEED_PARAGRAPHS))
    first = data.draw(st.integers(0, len(paragraphs) - 1))
    chosen = paragraphs[first : first + data.draw(st.integers(1, 60))]
    old = SEPARATOR.join(chosen)
    anchors = []
    for anchor_id, (start, length) in enumerate(
        data.draw(
            st.lists(
                st.tuples(st.integers(0, len(old) - 1), st.integers(1, 120)),
                min_size=1,
                max_size=30,
            )
        )
    ):
        anchor = trimmed_anchor(old, start, min(len(old), start + length), anchor_id)
        if anchor is not None:
            anchors.append(anchor)
    return chosen, old, anchors


def trimmed_anchor(text: str, start: int, end: int, anchor_id: int) -> Anchor | None:
    """An anchor on text[start:end] without the whitespace at its ends, as a selection is stored;
    None if there is only whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return anchor_at(text, start, end, anchor_id) if start < end else None


def assert_placements_are_sound(anchors: list[Anchor], results: list[Result], new: str) -> None:
    """What every result must be, whatever the edits: in order, inside the new text, with its
    quote re-read there, and as close to the old quote as its placement says."""
    assert [result.id for result in results] == [anchor.id for anchor in anchors]
    for anchor, result in zip(anchors, results, strict=True):
        exact = anchor.quote.exact
        if result.placement == Placement.ORPHANED:
            assert result.span is None and result.quote is None
        else:
            assert 0 <= result.span.start <= result.span.end <= len(new)
            assert result.quote == anchor_at(new, result.span.start, result.span.end).quote
        if result.placement == Placement.KEPT:
            assert result.span == anchor.span and text_at(new, result) == exact
        elif result.placement == Placement.MOVED:
            assert text_at(new, result) == exact
        elif result.placement == Placement.FUZZY:
            assert reads_as_edited(anchor, new, result.span) or (
                len(exact) >= SHORT_QUOTE
                and fuzz.ratio(exact, text_at(new, result)) >= FUZZY_THRESHOLD
            )


@needs_corpus
@settings(max_examples=100, deadline=None)
@given(data=st.data(), edit_list=edits)
def test_random_edits_of_real_chapters_lose_no_annotation(data, edit_list):
    chosen, old, anchors = draw_chapter_and_anchors(data)

    chapter = EditedChapter.of(chosen)
    for edit in edit_list:
        apply_edit(chapter, edit, spare=[p for seed in SEED_PARAGRAPHS for p in seed])
    new, origins = chapter.text_and_origins()

    # Small limits make the diff go through paragraphs, sentences and words (0: never characters).
    diff_limit = data.draw(st.sampled_from([reanchoring.CHARACTER_DIFF_LIMIT, 40 * 40, 0]))
    with patch.object(reanchoring, "CHARACTER_DIFF_LIMIT", diff_limit):
        results = reanchor(old, new, anchors)

    assert_placements_are_sound(anchors, results, new)
    for anchor, result in zip(anchors, results, strict=True):
        exact = anchor.quote.exact
        at = survives(anchor, origins)
        if at is not None and (
            len(exact) >= SHORT_QUOTE or context_confirms(old, anchor, new, origins, at)
        ):
            assert result.placement in {Placement.KEPT, Placement.MOVED}
            assert text_at(new, result) == exact


SEED_WORDS = sorted(
    {
        word
        for seed in SEED_PARAGRAPHS
        for paragraph in seed
        for word in re.findall(r"[A-Za-z']{1,12}", paragraph)
    }
)


def edit_inside(chapter: EditedChapter, at: int, removed: int, inserted: str) -> None:
    """Replace `removed` characters from old offset `at` with `inserted`, before other edits."""
    for paragraph in chapter.paragraphs:
        for index, (_, origin) in enumerate(paragraph):
            if origin == at:
                paragraph[index : index + removed] = [(char, NEW) for char in inserted]
                return


def edited_in_place(
    anchor: Anchor, origins: list[int], at: int, removed: int, inserted: int
) -> Span | None:
    """Where the anchor's words are in the new text if no edit but the one inside them touched
    them or their stored context; None otherwise."""
    start, end = anchor.span.start, anchor.span.end
    words = [*range(start, at), *[NEW] * inserted, *range(at + removed, end)]
    prefix, suffix = len(anchor.quote.prefix), len(anchor.quote.suffix)
    try:
        first = origins.index(start)
    except ValueError:
        return None
    last = first + len(words)
    if (
        origins[first:last] != words
        or first < prefix
        or origins[first - prefix : first] != list(range(start - prefix, start))
        or origins[last : last + suffix] != list(range(end, end + suffix))
        # Context cut short by the chapter's edge must still be at the edge.
        or (prefix < CONTEXT and first != prefix)
        or (suffix < CONTEXT and last + suffix != len(origins))
    ):
        return None
    return Span(first, last)


@needs_corpus
@settings(max_examples=150, deadline=None)
@given(data=st.data(), edit_list=edits)
def test_a_word_inserted_or_deleted_inside_a_highlight_keeps_it_on_its_words(data, edit_list):
    chosen, old, anchors = draw_chapter_and_anchors(data)
    # The highlight to edit, long enough that one word more or less is at most a third of it.
    start = data.draw(st.integers(0, len(old) - 1))
    end = min(len(old), start + data.draw(st.integers(39, 200)))
    target = trimmed_anchor(old, start, end, len(anchors))
    assume(target is not None and len(target.quote.exact) >= 39)
    word_starts = [
        at
        for at in range(target.span.start + 1, target.span.end)
        if old[at - 1] == " " and not old[at].isspace()
    ]
    assume(word_starts)
    at = data.draw(st.sampled_from(word_starts))
    if data.draw(st.booleans()):
        inserted, removed = data.draw(st.sampled_from(SEED_WORDS)) + " ", 0
    else:
        # A word and the spaces after it, with more of the highlight after them.
        word = re.match(r"\S+ +", old[at : target.span.end - 1])
        assume(word is not None)
        inserted, removed = "", word.end()
    assume(max(len(inserted), removed) <= len(target.quote.exact) // 3)
    anchors.append(target)

    chapter = EditedChapter.of(chosen)
    edit_inside(chapter, at, removed, inserted)
    for edit in edit_list:
        apply_edit(chapter, edit, spare=[p for seed in SEED_PARAGRAPHS for p in seed])
    new, origins = chapter.text_and_origins()
    diff_limit = data.draw(st.sampled_from([reanchoring.CHARACTER_DIFF_LIMIT, 40 * 40, 0]))
    with patch.object(reanchoring, "CHARACTER_DIFF_LIMIT", diff_limit):
        results = reanchor(old, new, anchors)

    assert_placements_are_sound(anchors, results, new)
    expected = edited_in_place(target, origins, at, removed, len(inserted))
    # If the old words are still somewhere, word for word, the exact search rightly goes there.
    if expected is not None and target.quote.exact not in new:
        assert results[-1].placement == Placement.FUZZY
        assert results[-1].span == expected


def seed_chapter_text(data: bytes, name: str) -> str:
    """A seed's one chapter as the app joins it: its story paragraphs, as segments."""
    [parsed] = parse_story(data, name).chapters
    story = [p.text for p in parsed.paragraphs if p.kind == ParagraphKind.TEXT]
    return ChapterText([Segment(f"p{n}", text) for n, text in enumerate(story, 1)]).text


@needs_corpus
def test_a_word_inserted_in_a_reimported_seed_moves_no_highlight_off_its_words():
    seed = SEEDS / "000_a26875ee43b0d3ac.txt"
    data = seed.read_bytes()
    old = seed_chapter_text(data, seed.name)
    new = seed_chapter_text(
        data.replace(b"pressed it against", b"pressed it firmly against"), seed.name
    )
    highlighted = [
        "Lexa had held her breath",
        "like a ghost whom wasn't really there",
        "Clarke whirled round with the knife",
        "pressed it against",
        "pressed it against Lexa's",
        "slit her throat but then she looked into her eyes",
        "Pathetic.",
        "She was so, very sorry",
        "You are not the monster you think you are.",
        "I'm so sorry.",
    ]
    anchors = [anchor_on(old, words, anchor_id=n) for n, words in enumerate(highlighted)]

    results = reanchor(old, new, anchors)

    assert [text_at(new, result) for result in results] == [
        words.replace("pressed it against", "pressed it firmly against") for words in highlighted
    ]
    assert [result.placement for result in results].count(Placement.FUZZY) == 2


@needs_corpus
def test_word_and_paragraph_diffs_place_what_a_character_diff_would(monkeypatch):
    old = SEPARATOR.join(SEED_PARAGRAPHS[-1])
    new = (
        old.replace("Clarke", "Clark", 3)
        .replace("the", "teh", 5)
        .replace("\n\n", "\n\nA paragraph the author added.\n\n", 1)
    )
    anchors = [anchor_at(old, start, start + 40, n) for n, start in enumerate(range(0, 40000, 97))]
    anchors = [anchor for anchor in anchors if anchor.quote.exact.strip() == anchor.quote.exact]
    monkeypatch.setattr(reanchoring, "CHARACTER_DIFF_LIMIT", len(old) * len(new))
    by_characters = reanchor(old, new, anchors)
    monkeypatch.setattr(reanchoring, "CHARACTER_DIFF_LIMIT", 50 * 50)
    by_words = reanchor(old, new, anchors)

    assert by_words == by_characters


def test_same_input_gives_the_same_output():
    old = SEPARATOR.join([OPENING, MIDDLE, CLOSING, MIDDLE])
    new = SEPARATOR.join([CLOSING, MIDDLE.replace("fire", "hearth"), OPENING])
    anchors = [anchor_at(old, start, start + 15, start) for start in range(0, len(old) - 15, 7)]

    assert reanchor(old, new, anchors) == reanchor(old, new, anchors)
