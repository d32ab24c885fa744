"""HTML readers: an AO3 work page saved from the browser, and any other HTML story."""

from pathlib import Path

from fics.parser import ParagraphKind, parse_story

FIXTURES = Path(__file__).parent / "fixtures"

GENERIC = """<!DOCTYPE html>
<html lang="en"><head><title>Tide Tables</title><meta name="author" content="Wren Hollis">
<script>track()</script></head>
<body>
<nav><a href="/">Home</a> | <a href="/stories">Stories</a></nav>
<h1>Tide Tables</h1>
<h2>Chapter 1</h2>
<p>The tide came in at <i>four</i>.</p>
<p>Nobody <b>noticed</b>.</p>
<hr>
<p>Except the gulls.</p>
<h2>Chapter 2</h2>
<p>Dear Maren,<br>Come home.<br>Ilse</p>
<p>*&nbsp;*&nbsp;*</p>
<p>She went.</p>
<footer>© 2024 Some Site. All rights reserved.</footer>
</body></html>"""


def ao3_page():
    return parse_story((FIXTURES / "ao3-work-page-saved.html").read_bytes(), "work.html")


def emphasised(paragraph) -> list[tuple[str, str]]:
    return [(paragraph.text[span.start : span.end], span.style) for span in paragraph.emphasis]


def test_ao3_page_metadata():
    work = ao3_page()
    assert (work.title, work.author, work.rating, work.language) == (
        "The Lighthouse Keeper",
        "quillfeather",
        "Teen And Up Audiences",
        "en",
    )
    assert work.fandom == "Original Work, Maritime Folklore"
    assert work.warnings == ["No Archive Warnings Apply"]
    assert work.relationships == ["Maren/Ilse"]
    assert work.characters == ["Maren", "Ilse", "The Sea"]
    assert work.additional_tags == ["Slow Burn", "Lighthouses"]
    assert work.summary == "Maren keeps the light. Ilse keeps coming back."
    assert work.notes == "Written for the Rarewomen exchange.\n\nThanks to my beta, R."
    assert work.end_notes == "Thank you for reading."


def test_ao3_page_chapters_and_their_notes():
    first, second = ao3_page().chapters
    assert (first.title, second.title) == ("Chapter 1: The Storm", "Chapter 2: The Keeper's Log")
    assert first.notes_before == ["A boat in the storm.", "Content note: a near-drowning."]
    assert first.notes_after == ["Next chapter on Friday!"]
    assert [paragraph.kind for paragraph in first.paragraphs].count(ParagraphKind.SCENE_BREAK) == 1
    assert first.paragraphs[0].text == "The storm came in from the west, the way they always did."
    assert second.paragraphs[-1].text.startswith("Maren did not ask.")


def test_ao3_page_leaves_the_site_chrome_out():
    work = ao3_page()
    texts = [p.text for chapter in work.chapters for p in chapter.paragraphs]
    everything = " ".join(texts + [n for c in work.chapters for n in c.notes_before])
    for chrome in ["Chapter Text", "Kudos", "Archive of Our Own", "Entire Work", "I loved Ilse"]:
        assert chrome not in everything
    assert work.skipped == ["1 image skipped"]


def test_ao3_page_emphasis_spans():
    paragraph = ao3_page().chapters[1].paragraphs[-1]
    assert emphasised(paragraph) == [("One guest. Wet.", "em"), ("Wet.", "strong")]


def test_generic_html_chapters_breaks_and_emphasis():
    work = parse_story(GENERIC.encode(), "tide.html")
    assert (work.source_format, work.title, work.author) == ("HTML", "Tide Tables", "Wren Hollis")
    first, second = work.chapters
    assert (first.title, second.title) == ("Chapter 1", "Chapter 2")
    assert [p.text for p in first.paragraphs] == [
        "The tide came in at four.",
        "Nobody noticed.",
        "",
        "Except the gulls.",
    ]
    assert emphasised(first.paragraphs[0]) == [("four", "em")]
    assert emphasised(first.paragraphs[1]) == [("noticed", "strong")]
    # A <br> ends a line of the letter; "* * *" in a paragraph is a scene break.
    assert [p.text for p in second.paragraphs] == [
        "Dear Maren,",
        "Come home.",
        "Ilse",
        "",
        "She went.",
    ]


def test_generic_html_ignores_navigation_and_footer():
    texts = [p.text for c in parse_story(GENERIC.encode(), "t.html").chapters for p in c.paragraphs]
    assert not [text for text in texts if "Home" in text or "rights reserved" in text]


def test_html_without_headings_splits_at_chapter_paragraphs():
    html = (
        "<html><body><p><b>Chapter 1</b></p><p>One.</p><p><b>Chapter 2</b></p><p>Two.</p>"
        "</body></html>"
    )
    work = parse_story(html.encode(), "story.htm")
    assert [(c.title, [p.text for p in c.paragraphs]) for c in work.chapters] == [
        ("Chapter 1", ["One."]),
        ("Chapter 2", ["Two."]),
    ]


def test_malformed_html_is_read_as_far_as_it_goes():
    work = parse_story(b"<html><body><p>Unclosed <em>emphasis<p>Next paragraph", "broken.html")
    assert [p.text for p in work.chapters[0].paragraphs] == ["Unclosed emphasis", "Next paragraph"]
