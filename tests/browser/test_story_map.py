"""The story map and the orphan queue in a browser: following a cell to the chapter, filtered;
placing an orphan on a suggestion in one click."""

import re

import pytest
from playwright.sync_api import expect

from fics.importing import import_story_file
from tests.annotations.conftest import annotate
from tests.story_map.test_orphan_queue import VERSION_1, VERSION_2

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cell_of_the_map_opens_the_chapter_filtered_to_the_tag(page, seed_work, reader):
    chapter = seed_work.chapters.get()
    tagged = annotate(reader, chapter, start=0, end=12, tag_names=["Clarke"])
    annotate(reader, chapter, start=20, end=30, tag_names=["storm"])
    clarke = tagged.tags.get()

    page.goto(f"/works/{seed_work.pk}/")
    page.get_by_role("link", name="Story map").click()
    expect(page.get_by_role("heading", name="Story map")).to_be_visible()
    strip = page.get_by_role("group", name="Clarke")
    expect(strip).to_be_visible()
    strip.locator(f'a[href$="?tag={clarke.pk}"]').click()

    expect(page).to_have_url(re.compile(rf"/chapters/1/\?tag={clarke.pk}$"))
    expect(page.locator("#highlight-filter select[name=tag]")).to_have_value(str(clarke.pk))
    expect(page.locator("mark[data-annotation]")).to_have_count(1)
    expect(page.locator(f'mark[data-annotation="{tagged.pk}"]')).to_have_count(1)


def test_a_mention_cell_opens_the_chapter_at_the_first_mention(page, seed_work):
    page.goto(f"/works/{seed_work.pk}/story-map/")
    page.get_by_role("group", name="Lexa").locator("a").first.click()

    expect(page).to_have_url(re.compile(r"/chapters/1/#p\d+$"))
    target = page.url.rsplit("#", 1)[1]
    expect(page.locator(f"#{target}")).to_contain_text("Lexa")


def test_accept_an_orphan_suggestion_in_one_click(page, reader):
    work = import_story_file(VERSION_1.encode(), "river.txt", reader=reader).work
    orphan = annotate(reader, work.chapters.get(), start=0, end=35, note="dawn")
    import_story_file(VERSION_2.encode(), "river.txt", target=work)

    page.goto(f"/works/{work.pk}/")
    page.get_by_role("link", name="repair them one by one").click()
    expect(page.get_by_role("heading", name="Annotations to repair")).to_be_visible()
    page.get_by_role("button", name="Place it here").first.click()

    expect(page.get_by_role("status")).to_contain_text("Placed in")
    expect(page.get_by_text("Nothing to repair")).to_be_visible()
    page.goto(f"/works/{work.pk}/chapters/1/")
    expect(page.locator(f'#p1 mark[data-annotation="{orphan.pk}"]')).to_have_text(
        "Clarke walked down to the wide river."
    )
