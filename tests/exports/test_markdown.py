import re
from datetime import UTC, datetime

import pytest
from markdown_it import MarkdownIt

from annotations.chapter_layout import Block
from annotations.exports.markdown import export_markdown
from annotations.exports.records import AnnotationRecord, ChapterRecord, WorkRecord
from tests.exports.conftest import XSS_NOTE
from tests.exports.helpers import export, markdown_unescape

FOOTNOTE = re.compile(r"^\[\^(\d+)\]: > (.*?)(?=^\[\^\d+\]: |^## |\Z)", re.MULTILINE | re.DOTALL)


def footnotes(markdown: str) -> dict[int, str]:
    return {int(number): body for number, body in FOOTNOTE.findall(markdown)}


def rendered_with_footnotes(markdown: str) -> str:
    """HTML as a viewer that renders raw HTML and knows footnotes shows the export: CommonMark has
    no footnotes, so each footnote's body is rendered on its own, without its label and indent."""
    md = MarkdownIt("commonmark", {"html": True})
    bodies = [re.sub("^    ", "", f"> {body}", flags=re.M) for body in footnotes(markdown).values()]
    return md.render(FOOTNOTE.sub("", markdown)) + "".join(map(md.render, bodies))


def quoted(footnote: str) -> str:
    """The highlight's words as the footnote quotes them: its leading blockquote."""
    lines = []
    for n, line in enumerate(footnote.split("\n")):
        line = line.removeprefix("    ")
        if n and not line.startswith(">"):
            break
        lines.append(line.removeprefix(">").removeprefix(" "))
    return markdown_unescape("\n".join(lines))


@pytest.mark.django_db
def test_every_highlight_and_note_is_in_the_markdown(story, reader):
    markdown = export(story.work, reader, "md")

    notes = footnotes(markdown)
    assert len(notes) == len(story.mine)
    assert sorted(quoted(body) for body in notes.values()) == sorted(a.exact for a in story.mine)
    for annotation in story.mine:
        # Raw HTML in a note is written as text (see the test below); the rest is as written.
        note = annotation.note.replace("<", "&lt;")
        note_lines = [line.strip() for line in note.split("\n") if line.strip()]
        assert all(line in markdown for line in note_lines)
    for number in notes:
        assert f"[^{number}]" in markdown.split(f"[^{number}]:")[0]


@pytest.mark.django_db
def test_markdown_renders_as_the_story_with_headings_breaks_and_quoted_notes(story, reader):
    markdown = export(story.work, reader, "md")
    rendered = MarkdownIt("commonmark").render(markdown)

    assert rendered.count("<h1>") == 1
    assert "<h2>The Beginning</h2>" in rendered
    assert "<h2>Part Two</h2>" in rendered
    assert "* * *" in markdown and "<hr />" in rendered
    # The story's own "*dark*" and "# Not a heading" stay text, not emphasis or a heading.
    stormy = re.search(r"<p>It was a .*?</p>", rendered).group()
    assert "<em>" not in stormy
    assert "It was a *==dark* and stormy==" in stormy
    assert "# Not a heading" in rendered
    assert "2 + 2 == 4" in rendered
    assert "> **Author's note**" in markdown
    assert "> Thanks to ==my beta==[^" in markdown
    assert ">" in rendered and "<blockquote>" in rendered


@pytest.mark.django_db
def test_html_in_notes_and_tags_shows_as_text_where_a_viewer_renders_html(story, reader):
    rendered = rendered_with_footnotes(export(story.work, reader, "md"))

    for element in ("<script", "<img", "<svg", '<a href="javascript'):
        assert element not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;" in rendered
    assert "&lt;img src=x onerror=alert(&quot;tag&quot;)&gt; (other)" in rendered


def test_html_in_the_story_and_its_quotes_shows_as_text():
    text = "Before <script>alert(1)</script> after <!-- hidden -->"
    rendered = rendered_with_footnotes(export_markdown(record(text, [(7, 32), (39, 54)])))

    assert "<script" not in rendered and "<!--" not in rendered
    assert rendered.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    assert rendered.count("&lt;!-- hidden --&gt;") == 2


def test_a_note_keeps_the_less_than_signs_that_cannot_start_html():
    work = record("some words here", [(5, 10)], note="I <3 this, and 1 < 2")

    assert "I <3 this, and 1 < 2" in export_markdown(work)


@pytest.mark.django_db
def test_marks_removed_leave_the_chapter_text_intact(story, reader):
    markdown = export(story.work, reader, "md")

    story_line = next(line for line in markdown.split("\n") if "stormy" in line)
    plain = markdown_unescape(re.sub(r"\[\^\d+\]|==", "", story_line.replace("\\=", "\x00")))

    assert plain.replace("\x00", "=") == "It was a *dark* and stormy night; Lexa waited."


@pytest.mark.django_db
def test_another_readers_annotations_stay_out_unless_shared_and_asked_for(story, reader):
    without = export(story.work, reader, "md")
    with_shared = export(story.work, reader, "md", include_shared=True)

    assert "bob's secret" not in without + with_shared
    assert "bob shares this" not in without
    assert "bob shares this" in with_shared
    assert "Shared by bob" in with_shared


def record(text: str, spans: list[tuple[int, int]], note: str = "") -> WorkRecord:
    moment = datetime(2024, 5, 1, tzinfo=UTC)
    annotations = tuple(
        AnnotationRecord(
            id=n,
            start=start,
            end=end,
            exact=text[start:end],
            prefix="",
            suffix="",
            colour="yellow",
            note=note or f"note {n}",
            note_html="",
            tags=(),
            creator="alice",
            own=True,
            shared=False,
            spoiler=False,
            created=moment,
            modified=moment,
        )
        for n, (start, end) in enumerate(spans, 1)
    )
    chapter = ChapterRecord(
        position=1,
        title="",
        display_title="Chapter 1",
        url="",
        blocks=(Block("p1", text=text),),
        annotations=tuple(sorted(annotations, key=lambda a: (a.end, a.start, a.id))),
    )
    return WorkRecord(
        id=1,
        title="T",
        author="",
        fandom="",
        language="",
        summary="",
        content_hash="",
        url="",
        chapter_count=1,
        chapters=(chapter,),
        reader="alice",
        exported_at=moment,
    )


def story_line(markdown: str) -> str:
    return markdown.split("## Chapter 1\n\n")[1].split("\n")[0]


def test_overlapping_highlights_become_runs_with_a_reference_at_each_end():
    text = "abcdefghij klmnopqrst"

    overlapping = story_line(export_markdown(record(text, [(0, 10), (5, 15)])))
    nested = story_line(export_markdown(record(text, [(0, 21), (3, 6)])))

    assert overlapping == "==abcdefghij==[^1] ==klmn==[^2]opqrst"
    assert nested == "==abcdef==[^1]==ghij klmnopqrst==[^2]"


def test_spaces_stay_outside_the_marks():
    line = story_line(export_markdown(record("one two three", [(0, 7), (4, 13)])))

    assert line == "==one two==[^1] ==three==[^2]"


def test_the_readers_note_goes_into_its_footnote_as_written():
    work = record("some words here", [(5, 10)])
    note = work.chapters[0].annotations[0]

    markdown = export_markdown(work)

    assert f"    {note.note}" in markdown
    assert XSS_NOTE not in markdown
