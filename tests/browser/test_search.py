"""The header's search box in a real browser: "/" focuses it, results come as the reader types,
and a result opens the chapter at its paragraph."""

import re

import pytest
from playwright.sync_api import expect

from fics.importing import import_story_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def voyage(db):
    paragraphs = [f"Day {n} of the voyage passed without a sign of land." for n in range(1, 61)]
    paragraphs[44] = "At midnight the silver kettle sang, and nobody slept."
    story = "Chapter 1: Departure\n\n" + "\n\n".join(paragraphs) + "\n"
    return import_story_file(story.encode(), "voyage.txt").work


def test_type_a_phrase_and_land_on_its_paragraph(page, voyage):
    page.goto("/")
    page.keyboard.press("/")
    box = page.locator("#site-search-q")
    expect(box).to_be_focused()

    box.press_sequentially('"silver kettle"', delay=20)

    hit = page.locator(".search-hit a").first
    expect(hit).to_contain_text("silver kettle")
    expect(hit.locator("mark").first).to_contain_text("silver")
    expect(page).to_have_url(re.compile(r"/search/\?q=%22silver"))

    hit.click()

    expect(page).to_have_url(re.compile(rf"/works/{voyage.pk}/chapters/1/#p45$"))
    target = page.locator("#p45")
    expect(target).to_be_in_viewport()
    assert page.evaluate("document.querySelector(':target').id") == "p45"


def test_slash_in_a_field_types_a_slash(page, voyage):
    page.goto("/")
    box = page.locator("#site-search-q")
    box.click()
    page.keyboard.type("a/b")
    expect(box).to_have_value("a/b")


def test_a_filter_narrows_the_results_in_place(page, reader, voyage):
    page.goto("/search/?q=voyage")
    expect(page.locator(".search-hit")).to_have_count(3)

    page.locator("select[name=scope]").select_option("mine")

    expect(page.locator("#search-results")).to_contain_text("Nothing matches")
    expect(page).to_have_url(re.compile(r"scope=mine"))
