"""A spoiler note in real browsers: Alice shares one on chapter 2; Bob, still at chapter 1, sees
only a marker there, reveals the note with the keyboard, and once he has read on past chapter 2
sees it plainly."""

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from tests.browser.test_groups import select
from tests.conftest import make_work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "She was the traitor all along"


def test_a_spoiler_stays_hidden_until_revealed_or_read_past(page, open_page, other_reader):
    work = make_work(chapters=3, paragraphs=5, title="Twists")

    def chapter(position: int) -> str:
        return f"/works/{work.pk}/chapters/{position}/"

    # Alice writes a note on chapter 2 for everyone, marked spoiler.
    page.goto(chapter(2))
    select(page, "#p3", 0, 9)
    page.keyboard.press("n")
    page.locator("#audience-new").select_option("everyone")
    page.get_by_label("Spoiler", exact=True).check()
    page.get_by_label(re.compile("Markdown")).fill(NOTE)
    page.keyboard.press("Control+Enter")
    entry = page.locator(".annotation-list > li")
    expect(entry.locator(".note")).to_have_text(NOTE)
    expect(entry).to_contain_text("Shared with other readers, as a spoiler")
    assert Annotation.objects.get().spoiler

    # Bob, at chapter 1, opens chapter 2: a marker, no note.
    bob = open_page(other_reader)
    bob.goto(chapter(1))
    bob.goto(chapter(2))
    reveal = bob.get_by_role("link", name=re.compile("^Spoiler hidden — reveal"))
    expect(reveal).to_be_visible()
    assert NOTE not in bob.content()
    expect(bob.locator("mark[data-annotation]")).to_have_count(1)

    # He reveals it from the keyboard: that note swaps in, and takes the focus.
    reveal.focus()
    bob.keyboard.press("Enter")
    note = bob.locator(".annotation-list > li .note")
    expect(note).to_have_text(NOTE)
    expect(note).to_be_focused()
    expect(reveal).to_have_count(0)

    # Coming back before reading on hides it again; once he has read past chapter 2, no marker.
    bob.goto(chapter(2))
    expect(bob.get_by_role("link", name=re.compile("^Spoiler hidden"))).to_be_visible()
    bob.goto(chapter(3))
    bob.goto(chapter(2))
    expect(bob.locator(".annotation-list > li .note")).to_have_text(NOTE)
    expect(bob.get_by_role("link", name=re.compile("^Spoiler hidden"))).to_have_count(0)
