"""Issue 11, item 9: the export form's radio buttons keep their labels beside them on a phone,
the work page's orphan cards carry no bullets, and the tag pages are centred like the others."""

import pytest
from playwright.sync_api import expect

from tests.annotations.conftest import annotate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tagged(seed_work, reader):
    chapter = seed_work.chapters.get(position=1)
    kept = annotate(reader, chapter, start=10, end=40, tag_names=["guilt"], tag_kind="theme")
    orphan = annotate(reader, chapter, start=60, end=90, note="Its words are gone")
    orphan.orphaned = True
    orphan.save()
    return kept


def test_each_export_format_label_sits_beside_its_radio_on_a_phone(page, seed_work):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/works/{seed_work.pk}/export/")

    for label in page.locator(".export-form fieldset label[for]").all():
        radio = page.locator(f"#{label.get_attribute('for')}")
        if radio.get_attribute("type") != "radio":
            continue
        box, button = label.bounding_box(), radio.bounding_box()
        # Beside it, not below: the label starts to the right of the button, and the button is
        # level with the label's first line.
        assert box["x"] >= button["x"] + button["width"], label.text_content()
        assert box["y"] <= button["y"] + button["height"] / 2 <= box["y"] + 40, label.text_content()


def test_orphan_cards_on_the_work_page_have_no_bullets(page, tagged):
    page.goto(f"/works/{tagged.chapter.work.pk}/")

    card = page.locator(".orphans li")
    expect(card).to_contain_text("Its words are gone")
    assert card.evaluate("li => getComputedStyle(li).listStyleType") == "none"


@pytest.mark.parametrize("where", ["list", "tag"])
def test_the_tag_pages_are_centred(page, tagged, where):
    page.goto("/tags/" if where == "list" else f"/tags/{tagged.tags.get().pk}/")

    heading = page.get_by_role("heading", level=1).bounding_box()
    column = page.locator(".tags-page").bounding_box()
    width = page.viewport_size["width"]
    assert abs(column["x"] - (width - column["x"] - column["width"])) < 24
    assert heading["x"] > 100  # not pinned to the left edge at 1280 px
