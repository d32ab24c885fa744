import re
from dataclasses import dataclass
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from annotations import reanchoring
from annotations.anchoring import (
    CONTEXT,
    MIN_CONTEXT_AGREEMENT,
    SEPARATOR,
    SHORT_QUOTE,
    Quote,
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


@needs_corpus
@settings(max_examples=100, deadline=None)
@given(data=st.data(), edit_list=edits)
def test_random_edits_of_real_chapters_lose_no_annotation(data, edit_list):
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
        end = min(len(old), start + length)
        while start < end and old[start].isspace():
            start += 1
        while end > start and old[end - 1].isspace():
            end -= 1
        if start < end:
            anchors.append(anchor_at(old, start, end, anchor_id))

    chapter = EditedChapter.of(chosen)
    for edit in edit_list:
        apply_edit(chapter, edit, spare=[p for seed in SEED_PARAGRAPHS for p in seed])
    new, origins = chapter.text_and_origins()

    # Small limits make the diff go through paragraphs, sentences and words (0: never characters).
    diff_limit = data.draw(st.sampled_from([reanchoring.CHARACTER_DIFF_LIMIT, 40 * 40, 0]))
    with patch.object(reanchoring, "CHARACTER_DIFF_LIMIT", diff_limit):
        results = reanchor(old, new, anchors)

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

        at = survives(anchor, origins)
        if at is not None and (
            len(exact) >= SHORT_QUOTE or context_confirms(old, anchor, new, origins, at)
        ):
            assert result.placement in {Placement.KEPT, Placement.MOVED}
            assert text_at(new, result) == exact


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
