"""Add by address in the browser: the form's errors and the fetch's outcome appear in place."""

import pytest
from playwright.sync_api import expect

from fics.models import Work
from tests.conftest import run_worker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # As in test_importing: the worker forks a child to read the fetched book.
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
]


def test_a_story_added_by_address_appears_in_place(page, database_tasks):
    page.goto("/import/")
    page.evaluate("window.notReloaded = true")
    address = page.get_by_label("Address of a story")
    # The browser's own check of the address is passed by, to see the server's.
    address.evaluate("input => input.type = 'text'")
    address.fill("not an address")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#address-errors")).to_contain_text("Enter a valid URL")

    address.fill("http://test1.com?sid=5")
    page.get_by_role("button", name="Add", exact=True).click()
    line = page.locator(".import-results li")
    expect(line).to_contain_text("queued…")

    run_worker()

    expect(line).to_contain_text(
        "imported — Test Story Title 5 (9 chapters, FanFicFare: test1.com)"
    )
    assert page.evaluate("window.notReloaded") is True
    assert Work.objects.get().source_url == "http://test1.com?sid=5"
