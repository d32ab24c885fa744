"""Reply threads: answering any annotation one sees, editing and deleting one's own, the count
on the list entry, threads loaded on demand, and the queries they cost."""

import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import thread_services
from annotations.exports.collect import ExportScope
from annotations.exports.forms import ExportForm
from annotations.exports.web_annotation import read_web_annotation
from annotations.models import Reply
from groups import services as group_services
from tests.annotations.conftest import annotate
from tests.exports.helpers import export
from tests.groups.conftest import client_of

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def reply(annotation, author, text, answering=None) -> Reply:
    return thread_services.reply_create(
        annotation=annotation, author=author, text=text, in_reply_to=answering
    )


def test_a_member_answers_and_the_entry_counts_the_thread(reader, other_reader, group_note):
    alice = client_of(reader)
    chapter_url = group_note.chapter.get_absolute_url()
    assert "Reply</a>" in alice.get(chapter_url).content.decode()

    response = alice.post(
        reverse("reply_create", args=[group_note.pk]), {"text": "**Agreed**"}, headers=HTMX
    )

    body = response.content.decode()
    assert "<strong>Agreed</strong>" in body  # Markdown through note_html
    assert f'id="thread-toggle-{group_note.pk}"' in body and "1 reply" in body  # out of band
    assert "1 reply" in client_of(other_reader).get(chapter_url).content.decode()


def test_without_javascript_the_thread_is_a_page(reader, group_note):
    alice = client_of(reader)
    response = alice.post(reverse("reply_create", args=[group_note.pk]), {"text": "plain"})
    assert response.url == reverse("annotation_thread", args=[group_note.pk])
    page = alice.get(response.url).content.decode()
    assert "<html" in page and "plain" in page and "club secret" in page


def test_an_empty_reply_is_refused(reader, group_note):
    response = client_of(reader).post(reverse("reply_create", args=[group_note.pk]), {"text": " "})
    assert response.status_code == 400
    assert not Reply.objects.exists()


def test_its_author_edits_a_reply(reader, group_note):
    answer = reply(group_note, reader, "first thought")
    client_of(reader).post(reverse("reply_update", args=[answer.pk]), {"text": "second _thought_"})
    answer.refresh_from_db()
    assert answer.text_html == "<p>second <em>thought</em></p>"


def test_a_deleted_reply_with_answers_leaves_deleted_in_place(reader, other_reader, group_note):
    question = reply(group_note, reader, "why here?")
    reply(group_note, other_reader, "because", answering=question)
    lonely = reply(group_note, reader, "never mind")
    alice = client_of(reader)

    alice.post(reverse("reply_delete", args=[question.pk]))
    alice.post(reverse("reply_delete", args=[lonely.pk]))

    thread = client_of(other_reader).get(
        reverse("annotation_thread", args=[group_note.pk]), headers=HTMX
    )
    body = thread.content.decode()
    assert "why here?" not in body and "never mind" not in body
    assert f'id="reply-{question.pk}"' in body and "deleted" in body
    assert f'id="reply-{lonely.pk}"' not in body
    assert "because" in body and "answering a deleted reply" in body
    assert "1 reply" in body


def test_a_shared_annotation_can_be_answered_by_anyone_who_sees_it(outsider, other_reader, chapter):
    shared = annotate(other_reader, chapter, start=55, end=70, note="for all", shared=True)
    response = client_of(outsider).post(reverse("reply_create", args=[shared.pk]), {"text": "hi"})
    assert response.status_code == 302
    private = annotate(other_reader, chapter, start=10, end=20, note="mine")
    response = client_of(outsider).post(reverse("reply_create", args=[private.pk]), {"text": "hi"})
    assert response.status_code == 404


def test_the_thread_and_the_page_cost_the_same_queries_however_many_replies_and_groups(
    reader, other_reader, group, group_note, django_assert_max_num_queries
):
    alice = client_of(reader)
    chapter_url = group_note.chapter.get_absolute_url()
    thread_url = reverse("annotation_thread", args=[group_note.pk])
    alice.get(reverse("library"))  # the CSRF cookie, as any visit gives
    alice.get(chapter_url)  # her place recorded: a first visit writes it, later ones only read it

    def queries(url, **headers) -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert alice.get(url, headers=headers).status_code == 200
        return len(captured)

    reply(group_note, reader, "one")
    few = (queries(chapter_url), queries(thread_url, **HTMX))
    for n in range(30):
        answer = reply(group_note, other_reader if n % 2 else reader, f"reply {n}")
        if n % 3 == 0:
            thread_services.reply_delete(reply=answer)
    for n in range(10):
        extra = group_services.group_create(owner=reader, name=f"Group {n}")
        group_services.group_join(
            invitation=group_services.invitation_create(group=extra, by=reader), user=other_reader
        )
    many = (queries(chapter_url), queries(thread_url, **HTMX))

    assert many == few
    with django_assert_max_num_queries(few[1]):
        alice.get(thread_url, headers=HTMX)


def test_exports_carry_replies_as_replying_annotations(reader, other_reader, group_note):
    answer = reply(group_note, reader, "alice answers <b>boldly</b>")
    work = group_note.chapter.work

    document = json.loads(
        export(work, other_reader, "json", include_shared=True, include_replies=True)
    )
    items = document["first"]["items"]
    parent = next(item for item in items if item["motivation"] != "replying")
    replying = [item for item in items if item["motivation"] == "replying"]
    assert len(replying) == 1
    assert replying[0]["target"] == parent["id"]
    assert replying[0]["body"]["value"] == "alice answers <b>boldly</b>"
    assert replying[0]["id"].endswith(f":reply:{answer.pk}")

    assert "alice answers" not in export(work, other_reader, "md", include_shared=True)
    markdown = export(work, other_reader, "md", include_shared=True, include_replies=True)
    assert "**alice replied:** alice answers &lt;b>boldly" in markdown
    html = export(work, other_reader, "html", include_shared=True, include_replies=True)
    assert "<b>" not in html and "alice replied" in html


def test_the_export_form_always_puts_replies_in_json(reader, group_note):
    reply(group_note, reader, "alice answers")
    form = ExportForm(
        {"scope": "work", "format": "json", "include_shared": "on"},
        chapters=[group_note.chapter],
    )
    assert form.is_valid(), form.errors
    assert form.export_scope() == ExportScope(include_shared=True, include_replies=True)


def test_importing_a_json_export_leaves_the_replies_out(reader, other_reader, group_note):
    reply(group_note, reader, "alice answers")
    work = group_note.chapter.work
    data = export(work, other_reader, "json", include_shared=True, include_replies=True)

    imported = read_web_annotation(data)

    assert [a.note for a in imported.annotations] == ["club secret"]
    assert imported.unreadable == ()


def test_the_command_line_export_carries_replies_when_asked(reader, other_reader, group_note):
    reply(group_note, reader, "alice answers")
    args = ["export_annotations", "--work", group_note.chapter.work_id, "--user", "bob"]
    args += ["--include-shared"]

    def run(*more) -> str:
        out = io.StringIO()
        call_command(*args, *more, stdout=out)
        return out.getvalue()

    assert "alice answers" not in run("--format", "md")
    assert "alice answers" in run("--format", "md", "--include-replies")
    assert '"motivation": "replying"' in run("--format", "json")
