"""Two readers in a group and one outside it, in real browsers: the group is made and joined by
its link, a note is written for it and answered, and the outsider never sees a trace."""

import re

import pytest
from playwright.sync_api import expect

from groups.models import ReadingGroup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GROUP_NAME = "Club <img src=x onerror=alert('group')>"
NOTE = "Bob thinks **this** matters"
REPLY = "Alice agrees <img src=x onerror=alert('reply')> _quietly_"
EXPORT = {"scope": "work", "include_shared": "on", "include_replies": "on"}
TRACES = ["Bob thinks", "Alice agrees", "Club <img", "Club &lt;img", "quietly"]


def select(page, selector, start, end):
    page.evaluate(
        """([selector, start, end]) => {
          const node = document.querySelector(selector).firstChild;
          const range = document.createRange();
          range.setStart(node, start);
          range.setEnd(node, end);
          window.getSelection().removeAllRanges();
          window.getSelection().addRange(range);
        }""",
        [selector, start, end],
    )
    expect(page.get_by_role("toolbar", name="Annotate the selection")).to_be_visible()


def test_two_readers_annotate_and_reply_in_a_group_and_the_outsider_sees_nothing(
    page, open_page, seed_work, other_reader, django_user_model
):
    outsider = django_user_model.objects.create_user(username="carol", password="not in it 3")
    chapter_url = f"/works/{seed_work.pk}/chapters/1/"

    # Alice makes the group and an invitation link.
    page.goto("/groups/")
    page.get_by_label("Name").fill(GROUP_NAME)
    page.get_by_label("Description").fill("We read slowly.")
    page.get_by_role("button", name="Create the group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(GROUP_NAME)
    page.get_by_role("button", name="New invitation link").click()
    link = page.get_by_label("Invitation link").input_value()
    group = ReadingGroup.objects.get()

    # Bob joins by the link and writes a note for the group.
    bob = open_page(other_reader)
    bob.goto(link)
    bob.get_by_role("button", name="Join the group").click()
    expect(bob.get_by_role("heading", level=1)).to_have_text(GROUP_NAME)
    bob.goto(chapter_url)
    select(bob, "#p3", 0, 20)
    bob.keyboard.press("n")
    bob.locator("#audience-new").select_option(f"group:{group.pk}")
    bob.get_by_label(re.compile("Markdown")).fill(NOTE)
    bob.keyboard.press("Control+Enter")
    entry = bob.locator(".annotation-list > li")
    expect(entry.locator(".note strong")).to_have_text("this")
    expect(entry).to_contain_text(f"Seen by {GROUP_NAME}")

    # Alice sees it, the header says something is new, and she answers it.
    page.goto(chapter_url)
    expect(page.locator(".site-header .badge")).to_have_text("new")
    entry = page.locator(".annotation-list > li")
    expect(entry).to_contain_text(f"bob in {GROUP_NAME}")
    entry.get_by_role("link", name="Reply").click()
    entry.get_by_label(re.compile("^Reply")).fill(REPLY)
    entry.get_by_role("button", name="Reply").click()
    expect(entry.locator(".reply .note em")).to_have_text("quietly")
    expect(entry.locator(".thread-toggle")).to_have_text("1 reply")

    # Bob sees the answer under his note.
    bob.goto(chapter_url)
    bob.get_by_role("link", name="1 reply").click()
    expect(bob.locator(".reply")).to_contain_text("Alice agrees")

    # The group page lists the note (new to Alice) and her reply, and leads to the passage.
    page.goto(f"/groups/{group.pk}/")
    expect(page.locator(".activity-item")).to_have_count(2)
    expect(page.locator(".activity-new")).to_contain_text("Bob thinks")
    page.locator(".group-activity a").first.click()
    expect(page).to_have_url(re.compile(rf"/works/{seed_work.pk}/chapters/1/\?highlight="))
    expect(page.locator(".site-header .badge")).to_have_count(0)

    # Carol, outside the group, sees no trace of it anywhere.
    carol = open_page(outsider)
    pages = [chapter_url, f"/works/{seed_work.pk}/", f"/works/{seed_work.pk}/read/", "/", "/tags/"]
    pages += ["/groups/", f"/works/{seed_work.pk}/export/"]
    for url in pages:
        carol.goto(url)
        html = carol.content()
        assert not [trace for trace in TRACES if trace in html], url
        expect(carol.locator(".site-header .badge")).to_have_count(0)
    carol.goto(chapter_url)
    expect(carol.locator("mark[data-annotation]")).to_have_count(0)
    # The EPUB is a zip: tests/groups/test_access.py reads it unpacked.
    for fmt in ["md", "html", "json", "csv"]:
        response = carol.request.get(
            f"/works/{seed_work.pk}/export/download/",
            params={
                "scope": "work",
                "format": fmt,
                "include_shared": "on",
                "include_replies": "on",
            },
        )
        assert response.ok
        body = response.body().decode("utf-8", "replace")
        assert not [trace for trace in TRACES if trace in body], fmt
    for url in [f"/groups/{group.pk}/", f"/annotations/{group.annotations.get().pk}/thread/"]:
        assert carol.request.get(url).status == 404
