import re
from html.parser import HTMLParser

import pytest

from annotations.exports.html import insert_after_text
from annotations.models import Annotation
from tests.exports.conftest import annotate_words
from tests.exports.helpers import epub_text, export

pytestmark = pytest.mark.django_db


class Page(HTMLParser):
    """Every element and attribute of a page, and its visible text."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.elements if name == tag]


def test_html_marks_every_highlight_in_its_colour(story, reader):
    page = Page(export(story.work, reader, "html"))

    marks = page.all("mark")
    marked = {int(m["data-annotation"]) for m in marks}
    assert marked == {a.pk for a in story.mine}
    for annotation in story.mine:
        classes = {m["class"] for m in marks if m["data-annotation"] == str(annotation.pk)}
        assert classes == {f"hl hl-{annotation.colour}"}
    assert len(page.all("li")) == len(story.mine)
    assert "Great" in page.text
    assert "Crosses a scene break" in " ".join(page.text)


def test_html_opens_offline_and_runs_nothing(story, reader):
    html = export(story.work, reader, "html", include_shared=True)
    page = Page(html)

    tags = {name for name, _ in page.elements}
    assert not tags & {"script", "img", "svg", "iframe", "object", "embed", "link", "base"}
    for name, attrs in page.elements:
        assert not any(attribute.startswith("on") for attribute in attrs), name
        assert "src" not in attrs
        assert not attrs.get("href", "#").lower().startswith(("javascript:", "http", "//"))
    assert "url(" not in html and "@import" not in html
    policy = next(m for m in page.all("meta") if m.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in policy["content"]


def test_xss_in_notes_and_tags_shows_as_text(story, reader):
    page = Page(export(story.work, reader, "html"))
    text = " ".join(page.text)

    assert "<script>alert(1)</script>" in text
    assert '<img src=x onerror=alert("tag")>' in text
    assert "<svg onload=alert(4)>" in text


def test_html_has_notes_in_the_margin_and_footnotes_for_narrow_screens_and_print(story, reader):
    html = export(story.work, reader, "html")
    page = Page(html)

    assert len(page.all("aside")) == 5  # one per paragraph that has notes
    assert "@media screen and (min-width: 64rem)" in html
    assert "@media print" in html
    ids = [attrs["id"] for _, attrs in page.elements if "id" in attrs]
    assert len(ids) == len(set(ids))
    refs = {a["href"] for a in page.all("a") if a.get("href", "").startswith("#note-")}
    assert refs == {f"#{attrs['id']}" for attrs in page.all("li")}


def test_another_readers_private_annotation_is_not_in_the_html(story, reader):
    html = export(story.work, reader, "html", include_shared=True)

    assert "bob's secret" not in html
    assert "bobtag" not in html
    assert f'data-annotation="{story.private.pk}"' not in html
    assert f'data-annotation="{story.shared.pk}"' in html


def test_highlights_no_longer_in_the_text_are_listed_not_marked(story, reader):
    # As after a re-import that changed these words: the stored quote no longer matches.
    moved = story.mine[-1]
    Annotation.objects.filter(pk=moved.pk).update(exact="Lexa frowned")

    page = Page(export(story.work, reader, "html"))
    markdown = export(story.work, reader, "md")
    epub = epub_text(export(story.work, reader, "epub"))

    assert str(moved.pk) not in {m["data-annotation"] for m in page.all("mark")}
    assert "Lexa frowned" in page.text
    assert "*No longer in the text of this chapter:* [^6]" in markdown
    assert "[^6]: > Lexa frowned" in markdown
    assert "No longer in the text of this chapter" in epub
    assert "<q>Lexa frowned</q>" in epub


def test_a_note_number_stands_where_its_highlight_ends_not_at_the_paragraphs_end(story, reader):
    story.mine[0].delete()  # the rest of the first paragraph is then marked by one highlight
    html = export(story.work, reader, "html")

    # "stormy night; Lexa" ends before "waited." in the paragraph "…night; Lexa waited.".
    paragraph = re.search(r'<p id="c1-p1">(.*?)</p>', html).group(1)
    assert re.search(
        r'Lexa(</mark>)+<sup class="refs"><a href="#note-\d+"[^>]*>\d+</a></sup>', paragraph
    )
    assert not paragraph.endswith("</sup>")


def test_a_plain_highlight_is_listed_by_its_words(story, reader):
    annotate_words(reader, story.second, "Morning came")
    page = Page(export(story.work, reader, "html"))

    plain = [text for text in page.text if "Morning came" in text]
    # Once in the text, once beside its number.
    assert len(plain) == 2
    # No entry is a bare number and arrow: each has words, tags or a note.
    html = export(story.work, reader, "html")
    assert not re.search(r'<li id="note-\d+" value="\d+"><span class="swatch[^>]*></span> <a', html)


def test_insert_after_text_puts_each_insert_after_the_closing_tags():
    html = "ab<mark>cd &amp; e</mark> fg"

    assert insert_after_text(html, {2: "[2]", 6: "[6]", 8: "[8]", 11: "[11]"}) == (
        "ab[2]<mark>cd &amp;[6] e</mark>[8] fg[11]"
    )
