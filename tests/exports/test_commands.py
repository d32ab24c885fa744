import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Annotation

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_export_prints_a_text_format(story):
    markdown = run(
        "export_annotations", "--work", story.work.pk, "--format", "md", "--user", "alice"
    )

    assert markdown.startswith("# Stormy Nights: A Tale")
    assert "==Lexa smiled==" in markdown
    assert "bob shares this" not in markdown


def test_export_writes_a_file_with_filters(story, tmp_path):
    target = tmp_path / "out.epub"
    run(
        "export_annotations",
        "--work",
        story.work.pk,
        "--chapter",
        "2",
        "--format",
        "epub",
        "--user",
        "ALICE",
        "--include-shared",
        "--kind",
        "theme",
        "-o",
        str(target),
    )

    with zipfile.ZipFile(target) as archive:
        text = archive.read("EPUB/chapter-002.xhtml").decode()
    assert "bob shares this" in text
    assert "Lexa smiled" in text and 'data-annotation="' in text
    assert text.count('epub:type="footnote"') == 1


def test_json_from_the_command_line_names_chapters_by_urn_or_base_url(story):
    args = ["export_annotations", "--work", story.work.pk, "--format", "json", "--user", "alice"]
    plain = json.loads(run(*args))
    linked = json.loads(run(*args, "--base-url", "https://m.example"))

    source = plain["first"]["items"][0]["target"]["source"]
    assert source == f"urn:marginalia:work:{story.work.content_hash}:chapter:1"
    linked_source = linked["first"]["items"][0]["target"]["source"]
    assert linked_source == f"https://m.example/works/{story.work.pk}/chapters/1/"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--work", "999", "--format", "md"], "There is no work with id 999"),
        (["--format", "md", "--chapter", "5"], "has no chapter 5"),
        (["--format", "md"], "more than one reader: say whose with --user"),
        (["--format", "md", "--user", "carol"], "There is no reader called “carol”"),
        (["--format", "epub", "--user", "alice"], "binary file: give -o FILE"),
    ],
)
def test_export_explains_what_is_wrong(story, args, message):
    if "--work" not in args:
        args = ["--work", str(story.work.pk), *args]

    with pytest.raises(CommandError, match=message):
        run("export_annotations", *args)


def test_import_command_round_trip_and_report(story, reader, tmp_path):
    target = tmp_path / "export.json"
    run(
        "export_annotations",
        "--work",
        story.work.pk,
        "--format",
        "json",
        "--user",
        "alice",
        "-o",
        str(target),
    )
    Annotation.objects.filter(owner=reader).delete()

    out = run("import_annotations", str(target), "--user", "alice")
    again = run("import_annotations", str(target), "--user", "alice")

    assert f"Imported {len(story.mine)} annotation(s)" in out
    assert f"{len(story.mine)} you already had were skipped" in again


def test_import_command_refuses_files_that_are_not_exports(story, tmp_path):
    target = tmp_path / "notes.json"
    target.write_text("{}")

    with pytest.raises(CommandError, match="not an annotation collection"):
        run("import_annotations", str(target), "--user", "alice")
    with pytest.raises(CommandError, match="Could not read"):
        run("import_annotations", str(tmp_path / "missing.json"), "--user", "alice")
