"""Playwright driving the system's Chromium against pytest-django's live server."""

import os
import shutil

import pytest
from django.conf import settings
from django.test import Client

from fics.importing import import_story_file
from tests.conftest import CORPUS

# live_server runs Django in a thread while Playwright's sync API holds an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """The system's Chromium; None lets Playwright use its own download where there is one."""
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, reader, client):
    """A logged-in reader's page; any JavaScript dialog (an XSS payload's alert) fails the test."""
    client.force_login(reader)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    _leave(page)
    context.close()
    assert dialogs == [], f"a JavaScript dialog opened: {dialogs}"
    assert errors == [], f"JavaScript errors: {errors}"


def _leave(page) -> None:
    """Leave the page and wait for the reader's place it sends as it goes
    (static/js/reading-progress.js): written after the test, it would race the flush of the
    live server's database."""
    sending: set = set()
    page.on("request", lambda request: "/progress/" in request.url and sending.add(request))
    page.on("requestfinished", lambda request: sending.discard(request))
    page.on("requestfailed", lambda request: sending.discard(request))
    page.goto("about:blank")
    for _ in range(100):
        if not sending:
            return
        page.wait_for_timeout(50)


@pytest.fixture
def open_page(browser, live_server):
    """A logged-in page for any reader; like the `page` fixture, a dialog or a JavaScript
    error fails the test, and each page is left before the database is flushed."""
    contexts, pages, dialogs, errors = [], [], [], []

    def open_for(user):
        client = Client()
        client.force_login(user)
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 390, "height": 844}
        )
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: errors.append(str(error)))
        pages.append(page)
        return page

    yield open_for
    for page in pages:
        _leave(page)
    for context in contexts:
        context.close()
    assert dialogs == [], f"a JavaScript dialog opened: {dialogs}"
    assert errors == [], f"JavaScript errors: {errors}"


@pytest.fixture
def seed_work(db):
    path = CORPUS / "seeds" / "000_a26875ee43b0d3ac.txt"
    if not path.exists():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    return import_story_file(path.read_bytes(), path.name).work
