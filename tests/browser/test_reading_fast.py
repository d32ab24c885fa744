"""The browser side of a fast chapter: writes swap only what changed, an expired session loses
nothing on screen, and the entire work is annotated like a chapter."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from annotations.models import Annotation
from fics.importing import import_story_file
from tests.browser.test_annotating import open_chapter, paragraph_text, select
from tests.conftest import make_work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_expired_session_keeps_the_text_and_the_selection(page, seed_work):
    open_chapter(page, seed_work)
    paragraphs = page.locator("#chapter-text [data-utf16]").count()
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)

    select(page, "#p4", 0, end=25)
    page.keyboard.press("h")

    expect(page.locator("#annotate-status")).to_contain_text("nothing was saved")
    expect(page.locator("#annotate-status")).to_contain_text("Your selection is still here")
    assert page.locator("#chapter-text [data-utf16]").count() == paragraphs
    assert page.evaluate("window.getSelection().toString().length") == 25
    expect(page.locator("#p4 mark")).to_have_count(0)
    assert not Annotation.objects.exists()


def test_a_highlight_swaps_in_its_paragraph_and_list_entry_only(page, seed_work):
    open_chapter(page, seed_work)
    page.evaluate("document.getElementById('p1').dataset.untouched = 'yes'")
    page.evaluate("document.getElementById('p9').dataset.untouched = 'yes'")

    select(page, "#p9", 0, end=20)
    page.get_by_role("button", name="Highlight in pink").click()

    expect(page.locator("#p9 mark")).to_have_count(1)
    expect(page.locator("#annotation-count")).to_have_text("1")
    # The paragraph it touched was replaced; the rest of the chapter was left as it was.
    assert page.evaluate("document.getElementById('p9').dataset.untouched") is None
    assert page.evaluate("document.getElementById('p1').dataset.untouched") == "yes"
    expect(page.locator("#annotate-status")).to_have_text("Saved.")


def test_the_entire_work_loads_as_it_scrolls_and_takes_highlights(page, db):
    work = make_work(chapters=5, paragraphs=40, title="A long work")
    page.goto(f"/works/{work.pk}/read/")
    expect(page.locator("section.full-chapter")).to_have_count(3)

    page.locator(".load-more").scroll_into_view_if_needed()
    expect(page.locator("section.full-chapter")).to_have_count(5)

    words = paragraph_text(page, "#c4-p2")[:9]
    select(page, "#c4-p2", 0, end=9)
    page.get_by_role("button", name="Highlight in blue").click()

    expect(page.locator("#c4-p2 mark")).to_have_text(words)
    expect(page.locator("#annotate-status")).to_have_text("Saved.")
    annotation = Annotation.objects.get()
    assert (annotation.chapter.position, annotation.exact, annotation.segment) == (4, words, "p2")
    page.reload()
    page.locator(".load-more").scroll_into_view_if_needed()
    expect(page.locator("#c4-p2 mark")).to_have_text(words)


def test_choosing_whose_annotations_to_show_keeps_the_readers_place(page, db):
    hpmor_like = import_story_file(
        b"\n\n".join(b"Paragraph %d of a long chapter, said Harry." % n for n in range(400)),
        "long.txt",
    ).work
    page.goto(f"/works/{hpmor_like.pk}/chapters/1/")
    page.locator("#p300").scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")

    with page.expect_response(lambda response: "preferences" in response.url):
        page.locator("select[name=view]").select_option("own")

    expect(page.locator("select[name=view]")).to_have_value("own")
    assert abs(page.evaluate("window.scrollY") - scrolled) < 50


def test_the_highlight_filter_writes_the_current_choice_into_the_address(page, seed_work):
    open_chapter(page, seed_work)
    colour = page.get_by_label("Colour")

    colour.select_option("pink")
    expect(page).to_have_url(re.compile(r"colour=pink"))
    page.reload()
    expect(page.get_by_label("Colour")).to_have_value("pink")

    page.get_by_label("Colour").select_option("")
    expect(page).to_have_url(re.compile(r"colour=$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"colour=pink"))
    expect(page.get_by_label("Colour")).to_have_value("pink")


@pytest.mark.parametrize("width", [390, 360])
def test_on_a_phone_every_toolbar_button_is_on_screen_at_any_text_size(page, seed_work, width):
    page.set_viewport_size({"width": width, "height": 780})
    open_chapter(page, seed_work)
    for _ in range(3):
        page.get_by_role("button", name="A+ larger text").click()

    select(page, "#p3", 0, end=12)

    for button in (
        page.get_by_role("toolbar", name="Annotate the selection").get_by_role("button").all()
    ):
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, button.get_attribute("title")
        assert box["y"] >= 0 and box["y"] + box["height"] <= 780
    page.get_by_role("button", name="Highlight in yellow").click()
    expect(page.locator("#p3 mark")).to_have_count(1)
