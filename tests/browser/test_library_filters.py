"""The library's tag filters with htmx: ticking a tag swaps the list and its counts in place."""

import pytest
from playwright.sync_api import expect

from fics.facets import work_facets_sync
from tests.conftest import make_work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ticking_a_tag_filters_in_place_and_keeps_the_focus(page):
    for title, fandom in [
        ("Alpha", "Star Wars"),
        ("Bravo", "The 100 (TV)"),
        ("Charlie", "Star Wars"),
    ]:
        work = make_work(title=title, chapters=1, paragraphs=1)
        work.fandom = fandom
        work.save()
        work_facets_sync(work)
    page.goto("/")
    page.evaluate("document.getElementById('library-form').dataset.untouched = 'yes'")

    star_wars = page.get_by_role("checkbox", name="Star Wars (2)")
    star_wars.focus()
    page.keyboard.press("Space")

    expect(page.locator("#work-list tbody tr")).to_have_count(2)
    expect(page.locator("#work-list")).not_to_contain_text("Bravo")
    assert "fandom=Star%20Wars" in page.url  # the address can be shared, or reloaded
    # Swapped, not reloaded; the tick is still focused for the keyboard.
    assert page.evaluate("document.getElementById('library-form').dataset.untouched") == "yes"
    expect(page.get_by_role("checkbox", name="Star Wars (2)")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Star Wars (2)")).to_be_focused()


def test_show_all_lists_the_hidden_tags_in_place_and_one_filters(page):
    names = [f"Character {n:02}" for n in range(1, 13)]
    for title, characters in [("Crowded", names), ("Quiet", names[:5])]:
        work = make_work(title=title, chapters=1, paragraphs=1)
        work.characters = characters
        work.save()
        work_facets_sync(work)
    page.goto("/")
    page.evaluate("document.getElementById('library-form').dataset.untouched = 'yes'")
    expect(page.get_by_role("checkbox", name="Character 12 (1)")).to_have_count(0)

    page.get_by_role("link", name="Character: show all 12").click()

    hidden_before = page.get_by_role("checkbox", name="Character 12 (1)")
    expect(hidden_before).to_be_visible()
    expect(page.get_by_role("link", name="Character: show fewer")).to_be_focused()
    hidden_before.check()

    expect(page.locator("#work-list tbody tr")).to_have_count(1)
    expect(page.locator("#work-list")).to_contain_text("Crowded")
    assert "character=Character%2012" in page.url and "more=character" in page.url
    # Swapped, not reloaded; the list stays whole as the reader ticks on.
    assert page.evaluate("document.getElementById('library-form').dataset.untouched") == "yes"
    expect(page.get_by_role("checkbox", name="Character 12 (1)")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Character 11 (1)")).to_be_visible()
