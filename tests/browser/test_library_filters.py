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
