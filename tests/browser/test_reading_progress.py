"""Reading progress in a real browser: the place is saved as the reader scrolls, offered back
when they return, and an update's chapters are marked new."""

import re
import time

import pytest
from playwright.sync_api import expect

from fics.importing import OnNewerVersion, import_story_file
from fics.models import ReadingPosition
from tests.conftest import make_work
from tests.fics.test_progress import VERSION_1, VERSION_2

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def saved_paragraph(reader, work, *, more_than: int = 1, seconds: float = 10) -> int:
    """The paragraph the page sent, once it has (the beacon leaves after the scrolling stops)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        place = ReadingPosition.objects.filter(reader=reader, work=work).first()
        if place and place.paragraph > more_than:
            return place.paragraph
        time.sleep(0.1)
    raise AssertionError("the reading position was never saved")


IN_VIEW = """(selector) => {
    const box = document.querySelector(selector).getBoundingClientRect();
    return box.top >= 0 && box.top < window.innerHeight;
}"""


def in_view(page, selector: str) -> bool:
    return page.evaluate(IN_VIEW, selector)


def expect_in_view(page, selector: str) -> None:
    """Waits for the element's top to be on screen: a link's new URL shows as soon as the next
    page starts to arrive, but the browser scrolls to its #fragment only once it has laid it out."""
    page.wait_for_function(IN_VIEW, arg=selector, timeout=5000)


def test_read_to_the_middle_leave_and_continue_at_the_same_paragraph(page, reader):
    work = make_work(chapters=2, paragraphs=80, title="A long evening")
    page.goto(f"/works/{work.pk}/chapters/1/")
    expect(page.locator("article.chapter-text")).to_be_visible()

    page.evaluate("document.getElementById('p40').scrollIntoView({block: 'start'})")
    page.mouse.wheel(0, 1)  # the reader's own scroll, as a wheel sends it
    paragraph = saved_paragraph(reader, work)
    assert 38 <= paragraph <= 42

    # Elsewhere, then back through the work page.
    page.goto("/")
    page.goto(f"/works/{work.pk}/")
    page.get_by_role("link", name=f"Continue reading from ¶ {paragraph}").click()
    expect(page).to_have_url(re.compile(rf"/chapters/1/#p{paragraph}$"))
    expect_in_view(page, f"#p{paragraph}")

    # Opening the chapter from its top offers the place without jumping to it.
    page.goto(f"/works/{work.pk}/chapters/2/")
    page.goto(f"/works/{work.pk}/chapters/1/")
    link = page.get_by_role("link", name=f"Continue from ¶ {paragraph}")
    expect(link).to_be_visible()
    assert in_view(page, "#p1")
    link.click()
    expect(page).to_have_url(re.compile(rf"#p{paragraph}$"))
    expect_in_view(page, f"#p{paragraph}")


def test_the_entire_work_saves_the_chapter_being_read(page, reader):
    work = make_work(chapters=2, paragraphs=60, title="A long night")
    page.goto(f"/works/{work.pk}/read/")
    expect(page.locator("section.full-chapter")).to_have_count(2)

    page.evaluate("document.getElementById('c2-p30').scrollIntoView({block: 'start'})")
    page.mouse.wheel(0, 1)

    assert 28 <= saved_paragraph(reader, work) <= 32
    place = ReadingPosition.objects.select_related("chapter").get(reader=reader, work=work)
    assert place.chapter.position == 2


def test_the_entire_work_continues_in_a_part_not_yet_loaded(page, reader):
    work = make_work(chapters=5, paragraphs=40, title="A long winter")
    page.goto(f"/works/{work.pk}/read/?from=4")
    page.evaluate("document.getElementById('c5-p20').scrollIntoView({block: 'start'})")
    page.mouse.wheel(0, 1)
    paragraph = saved_paragraph(reader, work)
    assert 18 <= paragraph <= 22

    page.goto("/")
    page.goto(f"/works/{work.pk}/read/")
    expect(page.locator("section.full-chapter")).to_have_count(3)
    link = page.get_by_role("link", name=f"Continue from chapter 5, ¶ {paragraph}")
    assert in_view(page, "#c1-p1")  # offered, not jumped to
    link.click()

    expect(page).to_have_url(re.compile(rf"/read/\?from=5#c5-p{paragraph}$"))
    expect_in_view(page, f"#c5-p{paragraph}")


def test_an_update_shows_what_is_new_since_you_last_read(page, reader):
    work = import_story_file(VERSION_1.encode(), "river.txt", reader=reader).work
    for position in (1, 2):
        page.goto(f"/works/{work.pk}/chapters/{position}/")
        expect(page.locator("article.chapter-text")).to_be_visible()

    import_story_file(
        VERSION_2.encode(), "river.txt", on_newer_version=OnNewerVersion.UPDATE, reader=reader
    )

    page.goto(f"/works/{work.pk}/")
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents.locator("li", has_text="Chapter 1").locator(".badge-new")).to_have_count(0)
    expect(contents.locator("li", has_text="Chapter 2")).to_contain_text("new since you last read")
    expect(contents.locator("li", has_text="Chapter 3")).to_contain_text("new since you last read")
    page.goto("/")
    row = page.locator("tr", has_text="river.txt")
    expect(row).to_contain_text("2 new since you last read")
