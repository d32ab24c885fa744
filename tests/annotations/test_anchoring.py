import html
import random
import re
from html.parser import HTMLParser

import pytest

from annotations.anchoring import (
    CONTEXT,
    SEPARATOR,
    AnchorError,
    ChapterText,
    Highlight,
    Quote,
    Segment,
    Span,
    Styling,
)


def chapter(*texts: str) -> ChapterText:
    return ChapterText([Segment(f"p{number}", text) for number, text in enumerate(texts, 1)])


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def selection(text: ChapterText, exact: str, occurrence: int = 0) -> tuple[int, int]:
    """The browser's UTF-16 offsets for the given piece of the chapter text."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.text.index(exact, start + 1)
    return text.to_utf16(start), text.to_utf16(start + len(exact))


# Offsets: the browser counts UTF-16 units, Python counts code points.


def test_chapter_text_joins_segments_with_the_separator():
    text = ChapterText([Segment("nb1", "A/N: hi"), Segment("p1", "Story."), Segment("na1", "Bye")])

    assert text.text == "A/N: hi\n\nStory.\n\nBye"
    assert text.segment_starts() == {"nb1": 0, "p1": 9, "na1": 17}


def test_emoji_counts_two_for_the_browser_and_one_for_python():
    text = chapter("I 💜 Lexa", "She smiled 😊 back.")

    assert text.text.index("Lexa") == 4
    assert text.to_utf16(4) == 5
    assert text.to_code_points(5) == 4
    assert text.utf16_starts() == {"p1": 0, "p2": utf16_length("I 💜 Lexa" + SEPARATOR)}
    assert text.segment_starts()["p2"] == len("I 💜 Lexa" + SEPARATOR)


def test_cjk_and_combining_accents_count_the_same_in_both_units():
    text = chapter("她笑了。", "Cafe\u0301 au lait")

    assert text.to_utf16(len(text.text)) == len(text.text)
    assert text.to_code_points(text.text.index("au")) == text.text.index("au")


def test_every_offset_round_trips_between_utf16_and_code_points():
    text = chapter("I 💜 Lexa", "她笑了。🐉🐉", "Cafe\u0301 👩‍👩‍👧 end")

    for offset in range(len(text.text) + 1):
        assert text.to_code_points(text.to_utf16(offset)) == offset
    assert text.to_utf16(len(text.text)) == utf16_length(text.text)


def test_utf16_offset_between_the_halves_of_an_emoji_is_refused():
    text = chapter("I 💜 Lexa")

    with pytest.raises(AnchorError, match="inside a character"):
        text.to_code_points(3)


@pytest.mark.parametrize("offset", [-1, utf16_length("I 💜 Lexa") + 1])
def test_utf16_offset_outside_the_chapter_is_refused(offset):
    with pytest.raises(AnchorError, match="outside"):
        chapter("I 💜 Lexa").to_code_points(offset)


# Quotes.


def test_quote_takes_context_on_both_sides():
    text = chapter("x" * 50 + "Lexa" + "y" * 50)

    quote = text.quote(Span(50, 54))

    assert quote == Quote(exact="Lexa", prefix="x" * CONTEXT, suffix="y" * CONTEXT)


def test_quote_at_start_and_end_of_chapter_has_shorter_context():
    text = chapter("Clarke ran.", "Lexa waited.")

    assert text.quote(Span(0, 6)) == Quote("Clarke", "", " ran.\n\nLexa waited.")
    end = len(text.text)
    assert text.quote(Span(end - 7, end)) == Quote("waited.", "Clarke ran.\n\nLexa ", "")


# Anchoring a reader's selection.


def test_selection_inside_one_paragraph():
    text = chapter("Clarke ran.", "I 💜 Lexa, she said.")

    span, quote = text.anchor_selection(*selection(text, "Lexa, she"), "Lexa, she")

    assert text.text[span.start : span.end] == "Lexa, she"
    assert quote.exact == "Lexa, she"
    assert quote.prefix == "Clarke ran.\n\nI 💜 "
    assert quote.suffix == " said."


def test_selection_across_paragraphs_accepts_the_browsers_single_newline():
    text = chapter("Clarke ran.", "Lexa waited.")

    span, quote = text.anchor_selection(*selection(text, "ran.\n\nLexa"), "ran.\nLexa")

    assert quote.exact == "ran.\n\nLexa"
    assert span == Span(7, 17)


def test_selection_across_paragraphs_accepts_three_newlines():
    text = chapter("Clarke ran.", "Lexa waited.")

    _, quote = text.anchor_selection(*selection(text, "ran.\n\nLexa"), "ran.\n\n\nLexa")

    assert quote.exact == "ran.\n\nLexa"


def test_selection_across_paragraphs_with_other_words_is_refused():
    text = chapter("Clarke ran.", "Lexa waited.")

    with pytest.raises(AnchorError, match="does not match"):
        text.anchor_selection(*selection(text, "ran.\n\nLexa"), "ran.\nOctavia")


def test_selection_whose_text_differs_from_the_chapter_is_refused():
    text = chapter("Clarke ran.")

    with pytest.raises(AnchorError, match="reload the page"):
        text.anchor_selection(*selection(text, "ran"), "run")


def test_whitespace_inside_a_paragraph_still_has_to_be_there():
    text = chapter("Clarke ran.")

    with pytest.raises(AnchorError, match="does not match"):
        text.anchor_selection(*selection(text, "Clarke ran"), "Clarkeran")


def test_empty_selection_is_refused():
    text = chapter("Clarke ran.")

    with pytest.raises(AnchorError, match="Nothing is selected"):
        text.anchor_selection(3, 3, "")


def test_whitespace_only_selection_is_refused():
    text = chapter("Clarke   ran.")

    with pytest.raises(AnchorError, match="only spaces"):
        text.anchor_selection(*selection(text, "   "), "   ")


def test_selection_of_only_the_gap_between_paragraphs_is_refused():
    text = chapter("Clarke ran.", "Lexa waited.")

    with pytest.raises(AnchorError, match="gap between paragraphs"):
        text.anchor_selection(*selection(text, SEPARATOR), "\n")


def test_selection_starting_in_the_gap_starts_at_the_next_paragraph():
    text = chapter("Clarke ran.", "Lexa waited.")

    span, quote = text.anchor_selection(*selection(text, "\nLexa"), "\nLexa")

    assert quote.exact == "Lexa"
    assert span.start == text.segment_starts()["p2"]


def test_selection_with_spaces_around_words_is_trimmed_to_the_words():
    text = chapter("Clarke ran.", "Lexa waited.")

    span, quote = text.anchor_selection(*selection(text, " ran.\n\n"), " ran.\n")

    assert quote.exact == "ran."
    assert quote.suffix.startswith("\n\nLexa")
    assert span == Span(7, 11)


def test_selection_offsets_after_an_emoji_are_converted():
    text = chapter("💜💜💜 Lexa")

    span, _ = text.anchor_selection(7, 11, "Lexa")

    assert span == Span(4, 8)


# Finding a quote again after the chapter changed.


def test_locate_returns_the_stored_position_when_the_text_is_still_there():
    text = chapter("Clarke ran to Lexa.")
    stored = Span(14, 18)

    assert text.locate(text.quote(stored), stored) == stored


def test_locate_finds_text_that_moved_after_an_insertion_before_it():
    before = chapter("Clarke ran to Lexa.")
    quote = before.quote(Span(14, 18))
    after = chapter("A new opening paragraph.", "Clarke ran to Lexa.")

    span = after.locate(quote, Span(14, 18))

    assert span == Span(after.text.index("Lexa"), after.text.index("Lexa") + 4)


def test_locate_resolves_repeated_words_by_their_surroundings():
    text = chapter("Lexa sat. Clarke looked at Lexa. Then Lexa left.")
    quote = Quote(exact="Lexa", prefix="Clarke looked at ", suffix=". Then")

    span = text.locate(quote, hint=None)

    assert span == Span(27, 31)


def test_locate_prefers_the_occurrence_nearest_the_old_position_when_context_ties():
    text = chapter("She said Lexa. She said Lexa. She said Lexa.")
    quote = Quote(exact="Lexa", prefix="She said ", suffix=".")

    assert text.locate(quote, Span(25, 29)) == Span(24, 28)


def test_locate_prefers_agreeing_context_to_the_stored_position():
    text = chapter("Lexa sat. Clarke looked at Lexa. Then she left.")
    quote = Quote(exact="Lexa", prefix="Clarke looked at ", suffix=". Then")

    assert text.locate(quote, Span(0, 4)) == Span(27, 31)


def test_locate_does_not_place_a_three_letter_quote_whose_context_changed():
    text = chapter("Clarke smiled at the door. She closed the gate.")
    quote = Quote(exact="the", prefix="Lexa looked up at ", suffix=" window and sighed.")

    assert text.text[17:20] == "the"
    assert text.locate(quote, Span(17, 20)) is None


def test_locate_places_a_three_letter_quote_where_enough_context_agrees():
    text = chapter("Clarke smiled at the door. Lexa looked up at the gate and sighed.")
    quote = Quote(exact="the", prefix="Lexa looked up at ", suffix=" window and sighed.")
    start = text.text.index("the gate")

    assert text.locate(quote, Span(17, 20)) == Span(start, start + 3)


def test_locate_places_a_three_letter_quote_at_the_chapter_start_only_there():
    quote = Quote(exact="She", prefix="", suffix=" smiled at Lexa, and then they")

    assert chapter("She grinned. She laughed.").locate(quote, None) == Span(0, 3)
    assert chapter("Lexa grinned. She laughed.").locate(quote, None) is None


def test_locate_finds_a_quote_of_twelve_or_more_by_its_words_alone():
    text = chapter("Much later: we leave at dawn, Octavia said.")
    quote = Quote(exact="we leave at dawn", prefix="Clarke said: ", suffix=" tomorrow.")
    start = text.text.index("we leave")

    assert text.locate(quote, None) == Span(start, start + len(quote.exact))


def test_locate_returns_none_when_the_quoted_text_is_gone():
    text = chapter("Clarke ran.")

    assert text.locate(Quote("Lexa", "", ""), Span(0, 4)) is None


# Drawing highlights.


def test_no_highlights_gives_escaped_text():
    text = chapter("Clarke ran.", "Lexa waited.")

    assert text.highlight([]) == {"p1": "Clarke ran.", "p2": "Lexa waited."}


def test_single_highlight():
    text = chapter("Clarke ran to Lexa.")

    rendered = text.highlight([Highlight(7, Span(7, 10), "hl-yellow")])

    assert rendered["p1"] == (
        'Clarke <mark class="hl hl-yellow" data-annotation="7" data-first="">ran</mark> to Lexa.'
    )


def test_drawing_some_paragraphs_draws_them_as_the_whole_chapter_does():
    """A highlight's answer redraws only the paragraphs it touched: each must come out as on
    the page (a mark continued from an earlier paragraph is not the first), and no others."""
    text = chapter("Clarke ran.", "Lexa waited.", "Octavia slept.", "Raven fixed it.")
    highlights = [Highlight(1, Span(2, 30)), Highlight(2, Span(14, 16)), Highlight(3, Span(40, 50))]
    whole = text.highlight(highlights)

    for keys in [{"p2"}, {"p1", "p3"}, {"p3"}, {"p4"}, {"p2", "p4"}]:
        assert text.highlight(highlights, keys=keys) == {key: whole[key] for key in keys}


def test_highlight_without_css_class_has_only_the_base_class():
    text = chapter("Clarke ran.")

    assert text.highlight([Highlight(1, Span(0, 6))])["p1"] == (
        '<mark class="hl" data-annotation="1" data-first="">Clarke</mark> ran.'
    )


def test_nested_highlight_sits_inside_the_outer_one():
    text = chapter("abcdefghij")

    rendered = text.highlight([Highlight(2, Span(3, 5)), Highlight(1, Span(0, 10))])

    assert rendered["p1"] == (
        '<mark class="hl" data-annotation="1" data-first="">abc'
        '<mark class="hl" data-annotation="2" data-first="">de</mark>'
        "fghij</mark>"
    )


def test_partly_overlapping_highlights_are_split_to_stay_nested():
    text = chapter("0123456789abcdefghij")

    rendered = text.highlight([Highlight(1, Span(0, 10)), Highlight(2, Span(5, 15))])

    assert rendered["p1"] == (
        '<mark class="hl" data-annotation="1" data-first="">01234'
        '<mark class="hl" data-annotation="2" data-first="">56789</mark></mark>'
        '<mark class="hl" data-annotation="2">abcde</mark>'
        "fghij"
    )


def test_highlight_across_paragraphs_is_one_mark_per_paragraph():
    text = chapter("Clarke ran.", "Lexa waited.")
    span = Span(text.text.index("ran"), text.text.index("waited"))

    rendered = text.highlight([Highlight(4, span)])

    assert rendered == {
        "p1": 'Clarke <mark class="hl" data-annotation="4" data-first="">ran.</mark>',
        "p2": '<mark class="hl" data-annotation="4">Lexa </mark>waited.',
    }


def test_highlights_with_identical_spans_nest_by_annotation_id():
    text = chapter("Clarke ran.")

    rendered = text.highlight([Highlight(9, Span(0, 6)), Highlight(3, Span(0, 6))])

    assert rendered["p1"] == (
        '<mark class="hl" data-annotation="3" data-first="">'
        '<mark class="hl" data-annotation="9" data-first="">Clarke</mark></mark> ran.'
    )


def test_text_is_escaped_inside_and_outside_marks():
    text = chapter('<script>alert("x")</script> & "Lexa"')

    rendered = text.highlight([Highlight(1, Span(0, 8))])["p1"]

    assert "<script>" not in rendered
    assert rendered == (
        '<mark class="hl" data-annotation="1" data-first="">&lt;script&gt;</mark>'
        "alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Lexa&quot;"
    )


def test_css_class_is_escaped():
    text = chapter("Clarke")

    rendered = text.highlight([Highlight(1, Span(0, 6), '"><script>')])["p1"]

    assert rendered.startswith('<mark class="hl &quot;&gt;&lt;script&gt;" data-annotation="1"')


@pytest.mark.parametrize("span", [Span(-1, 3), Span(3, 3), Span(5, 2), Span(0, 999)])
def test_invalid_highlights_are_skipped(span):
    text = chapter("Clarke ran.")

    assert text.highlight([Highlight(1, span), Highlight(2, Span(0, 6))]) == {
        "p1": '<mark class="hl" data-annotation="2" data-first="">Clarke</mark> ran.'
    }


def test_highlight_of_only_the_gap_between_paragraphs_draws_nothing():
    text = chapter("Clarke ran.", "Lexa waited.")
    gap = text.text.index(SEPARATOR)

    assert text.highlight([Highlight(1, Span(gap, gap + 2))]) == {
        "p1": "Clarke ran.",
        "p2": "Lexa waited.",
    }


class MarkReader(HTMLParser):
    """Reads highlight HTML back: the text, which annotations cover each character, and whether
    the marks nest properly."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.covering: list[frozenset[int]] = []
        self.open: list[int] = []
        self.first_marks: list[int] = []
        self.problems: list[str] = []
        self.elements: list[str] = []  # every open element, to check nesting across kinds
        self.styles: list[str] = []
        self.styled: list[frozenset[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"em", "strong"}:
            self.elements.append(tag)
            self.styles.append(tag)
            return
        if tag != "mark":
            self.problems.append(f"unexpected <{tag}>")
            return
        if self.styles:
            self.problems.append("a mark inside emphasis: styling must be innermost")
        attributes = dict(attrs)
        annotation = int(attributes["data-annotation"])
        if "data-first" in attributes:
            self.first_marks.append(annotation)
        self.elements.append(tag)
        self.open.append(annotation)

    def handle_endtag(self, tag):
        if not self.elements or self.elements[-1] != tag:
            self.problems.append(f"unexpected </{tag}>")
            return
        self.elements.pop()
        (self.open if tag == "mark" else self.styles).pop()

    def handle_data(self, data):
        self.text += data
        self.covering.extend(frozenset(self.open) for _ in data)
        self.styled.extend(frozenset(self.styles) for _ in data)


def read_marks(fragment: str) -> MarkReader:
    reader = MarkReader()
    reader.feed(fragment)
    reader.close()
    return reader


def random_chapter(rng: random.Random) -> ChapterText:
    alphabet = "ab <>&\"'é💜她\n"
    return chapter(
        *(
            "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
            for _ in range(rng.randint(1, 6))
        )
    )


def random_highlights(rng: random.Random, length: int) -> list[Highlight]:
    highlights = []
    for annotation_id in range(rng.randint(0, 12)):
        start = rng.randint(-2, length + 2)
        end = rng.randint(start - 2, length + 3)
        highlights.append(Highlight(annotation_id, Span(start, end), rng.choice(["", "hl-red"])))
    return highlights


def random_styling(rng: random.Random, length: int) -> list[Styling]:
    styling = []
    for _ in range(rng.randint(0, 4)):
        start = rng.randint(0, length)
        styling.append(
            Styling(Span(start, rng.randint(start, length)), rng.choice(["em", "strong"]))
        )
    return styling


def test_emphasis_is_drawn_inside_a_highlight_that_crosses_it():
    text = chapter("She was so very tired.")

    rendered = text.highlight(
        [Highlight(1, Span(4, 15))], [Styling(Span(8, 19), "em"), Styling(Span(0, 3), "strong")]
    )

    assert rendered["p1"] == (
        '<strong>She</strong> <mark class="hl" data-annotation="1" data-first="">was '
        "<em>so very</em></mark><em> tir</em>ed."
    )


def test_unknown_styling_elements_are_ignored():
    assert chapter("<b>").highlight([], [Styling(Span(0, 3), "script")]) == {"p1": "&lt;b&gt;"}


@pytest.mark.parametrize("seed", range(300))
def test_random_highlights_render_well_formed_html_marking_exactly_their_spans(seed):
    rng = random.Random(seed)
    text = random_chapter(rng)
    highlights = random_highlights(rng, len(text.text))
    drawable = [h for h in highlights if 0 <= h.span.start < h.span.end <= len(text.text)]
    styling = random_styling(rng, len(text.text))

    rendered = text.highlight(highlights, styling)

    first_marks = []
    marked_somewhere = set()
    for segment, offset in zip(text.segments, text.segment_starts().values(), strict=True):
        fragment = rendered[segment.key]
        reader = read_marks(fragment)
        assert reader.problems == []
        assert reader.open == []
        assert html.unescape(re.sub(r"<[^>]*>", "", fragment)) == segment.text
        first_marks.extend(reader.first_marks)
        for highlight in highlights:
            marked = {
                offset + index
                for index, covering in enumerate(reader.covering)
                if highlight.annotation_id in covering
            }
            segment_range = range(offset, offset + len(segment.text))
            in_span = range(highlight.span.start, highlight.span.end)
            expected = set(segment_range).intersection(in_span) if highlight in drawable else set()
            assert marked == expected
            if marked:
                marked_somewhere.add(highlight.annotation_id)
        for element in ("em", "strong"):
            styled = {offset + i for i, styles in enumerate(reader.styled) if element in styles}
            expected = {
                index
                for style in styling
                if style.element == element
                for index in range(max(style.span.start, offset), style.span.end)
                if index < offset + len(segment.text)
            }
            assert styled == expected
    # One data-first per drawn annotation: the reader page scrolls to it.
    assert sorted(first_marks) == sorted(marked_somewhere)
