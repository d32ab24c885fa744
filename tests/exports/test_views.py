import io
import json
import re
import zipfile

import pytest
from django.urls import reverse

from annotations.exports.collect import ExportScope, collect_export
from annotations.exports.formats import FORMATS
from tests.exports.conftest import annotate_words
from tests.exports.helpers import epub_text

pytestmark = pytest.mark.django_db


def download(client, work, **params):
    query = {"scope": "work", "format": "md", **params}
    return client.get(reverse("export_download", args=[work.pk]), query)


def body(response) -> str:
    if response["Content-Type"] == "application/epub+zip":
        return epub_text(response.content)
    return response.content.decode()


def test_logged_out_visitors_are_sent_to_log_in(client, story):
    urls = [
        reverse("export", args=[story.work.pk]),
        reverse("export_download", args=[story.work.pk]) + "?scope=work&format=md",
        reverse("import_annotations"),
    ]
    for url in urls:
        assert client.get(url).url.startswith(reverse("login"))
    assert client.post(reverse("import_annotations")).url.startswith(reverse("login"))


def test_unknown_work_is_404(reader_client, story):
    assert reader_client.get(reverse("export", args=[9999])).status_code == 404
    assert download(reader_client, type(story.work)(pk=9999)).status_code == 404


def test_wrong_methods_are_refused(reader_client, story):
    assert reader_client.post(reverse("export", args=[story.work.pk])).status_code == 405
    assert reader_client.post(reverse("export_download", args=[story.work.pk])).status_code == 405


def test_export_page_offers_the_chapter_it_came_from(reader_client, story):
    page = reader_client.get(reverse("export", args=[story.work.pk]), {"chapter": 2})
    html = page.content.decode()

    assert page.status_code == 200
    assert re.search(r'<input type="radio" name="scope" value="chapter"[^>]* checked>', html)
    assert '<option value="2" selected>Part Two</option>' in html
    assert reverse("export_download", args=[story.work.pk]) in html
    assert reverse("import_annotations") in html


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_download_is_an_attachment_with_a_readable_name(reader_client, story, fmt):
    whole = download(reader_client, story.work, format=fmt)
    chapter = download(reader_client, story.work, format=fmt, scope="chapter", chapter=2)

    extension = FORMATS[fmt].extension
    assert whole.status_code == 200
    assert whole["Content-Disposition"] == (
        f'attachment; filename="stormy-nights-a-tale-annotated.{extension}"'
    )
    assert chapter["Content-Disposition"] == (
        f'attachment; filename="stormy-nights-a-tale-ch2-annotated.{extension}"'
    )
    assert "Lexa smiled" in body(chapter)
    assert "Review please" not in body(chapter)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_another_readers_private_annotations_never_appear(reader_client, story, fmt):
    text = body(download(reader_client, story.work, format=fmt, include_shared="on"))

    assert "bob's secret" not in text
    assert "bobtag" not in text
    assert "bob shares this" in text


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_shared_annotations_only_when_asked_for(reader_client, story, fmt):
    text = body(download(reader_client, story.work, format=fmt))

    assert "bob shares this" not in text
    assert "Lexa smiled" in text


def highlights(response) -> set[str]:
    items = json.loads(response.content)["first"]["items"]
    return {item["target"]["selector"][0]["exact"] for item in items}


def test_filters_by_tag_kind_and_colour(reader_client, story):
    def exported(**filters):
        return highlights(download(reader_client, story.work, format="json", **filters))

    assert exported(tag="LEXA") == {"dark* and stormy", "Lexa smiled"}
    assert exported(kind="theme") == {"Lexa waited.\n\n# Not a heading"}
    assert exported(colour="green") == {"stormy night; Lexa"}
    assert exported(kind="theme", include_shared="on") == {
        "Lexa waited.\n\n# Not a heading",
        "Morning came",
    }
    assert exported(tag="Lexa", colour="purple") == {"Lexa smiled"}


def test_invalid_choices_show_the_form_again(reader_client, story):
    response = download(reader_client, story.work, format="pdf")
    missing_chapter = download(reader_client, story.work, scope="chapter")
    other_chapter = download(reader_client, story.work, scope="chapter", chapter=7)

    assert response.status_code == 400
    assert "Export annotations" in response.content.decode()
    assert missing_chapter.status_code == 400
    assert "Choose the chapter to export." in missing_chapter.content.decode()
    assert other_chapter.status_code == 400


def test_collecting_takes_the_same_queries_for_few_or_many_annotations(
    story, reader, django_assert_num_queries
):
    scope = ExportScope(include_shared=True, kind="character")
    with django_assert_num_queries(4):
        few = collect_export(work=story.work, reader=reader, scope=scope)
    for n in range(20):
        annotate_words(reader, story.second, "Clarke", tag_names=[f"t{n}", "Lexa"])
    with django_assert_num_queries(4):
        many = collect_export(work=story.work, reader=reader, scope=scope)
    assert many.annotation_count == few.annotation_count + 20


def test_epub_download_is_a_zip(reader_client, story):
    response = download(reader_client, story.work, format="epub")

    assert response["Content-Type"] == "application/epub+zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.read("mimetype") == b"application/epub+zip"
