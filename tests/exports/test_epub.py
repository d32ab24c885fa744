import io
import re
import subprocess
import zipfile

import pytest
from lxml import etree

from tests.exports.helpers import EPUBCHECK, epub_text, export, skip_without_epubcheck

pytestmark = pytest.mark.django_db

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def epubcheck(tmp_path, data: bytes) -> subprocess.CompletedProcess:
    book = tmp_path / "book.epub"
    book.write_bytes(data)
    # The Debian package's /usr/bin/epubcheck is the jar itself: run it through java.
    return subprocess.run(
        ["java", "-jar", EPUBCHECK, str(book)], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("scope", [{"include_shared": True}, {"chapter": 1}])
def test_epub_passes_epubcheck(story, reader, tmp_path, scope):
    skip_without_epubcheck()
    result = epubcheck(tmp_path, export(story.work, reader, "epub", **scope))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No errors or warnings detected" in result.stdout


def chapter_pages(data: bytes) -> list[etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist()[0] == "mimetype"
        assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        return [
            etree.fromstring(archive.read(name))
            for name in archive.namelist()
            if name.startswith("EPUB/chapter-")
        ]


def test_epub_marks_highlights_and_has_a_popup_footnote_for_each(story, reader):
    pages = chapter_pages(export(story.work, reader, "epub"))

    marks = [m for page in pages for m in page.iter(f"{XHTML}mark")]
    assert {int(m.get("data-annotation")) for m in marks} == {a.pk for a in story.mine}
    refs = [a for page in pages for a in page.iter(f"{XHTML}a") if a.get(EPUB_TYPE) == "noteref"]
    notes = [n for page in pages for n in page.iter(f"{XHTML}aside")]
    assert len(refs) == len(notes) == len(story.mine)
    assert all(n.get(EPUB_TYPE) == "footnote" for n in notes)
    assert {r.get("href") for r in refs} == {f"#{n.get('id')}" for n in notes}
    strong = [s.text for page in pages for s in page.iter(f"{XHTML}strong")]
    assert "Great" in strong


def test_xss_in_notes_and_tags_is_text_in_the_epub(story, reader):
    pages = chapter_pages(export(story.work, reader, "epub"))

    for page in pages:
        for element in page.iter():
            assert etree.QName(element).localname not in {"script", "img", "svg", "iframe"}
            assert not any(name.startswith("on") for name in element.attrib)
            assert not element.get("href", "").startswith("javascript:")
    text = "".join(pages[0].itertext())
    assert "<script>alert(1)</script>" in text
    assert '<img src=x onerror=alert("tag")>' in text


def test_another_readers_private_annotation_is_not_in_the_epub(story, reader):
    text = epub_text(export(story.work, reader, "epub", include_shared=True))

    assert "bob's secret" not in text
    assert "bobtag" not in text
    assert "bob shares this" in text


def test_epub_note_references_follow_their_highlights(story, reader):
    text = epub_text(export(story.work, reader, "epub"))

    # "Lexa smiled" is followed by " at Clarke." in its paragraph: the reference sits between.
    assert re.search(
        r'Lexa smiled</mark><sup class="refs"><a class="noteref"[^>]*>\d+</a></sup> at', text
    )
