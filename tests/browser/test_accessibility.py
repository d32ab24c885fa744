"""Issue 11, item 10: axe-core finds no serious or critical accessibility violation on the main
pages: the library, a work, a chapter with overlapping highlights in light and dark, the tags
pages and the export page.

axe-core is vendored (tests/browser/vendor/axe-core, MPL-2.0) and injected by the test alone:
the test's browser context bypasses the Content-Security-Policy, which forbids any script the
server did not send; Marginalia itself never serves axe.
"""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from annotations.chapter_layout import chapter_text
from tests.annotations.conftest import annotate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
BLOCKING = {"serious", "critical"}
RUN_AXE = """async () => {
  // An experimental rule, off by default: a button's accessible name must contain its visible
  // text, so that a voice-control user can say what they see ("click A plus").
  const results = await axe.run(document, {
    resultTypes: ["violations"],
    rules: { "label-content-name-mismatch": { enabled: true } },
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


@pytest.fixture
def annotated(seed_work, reader):
    """The seed with overlapping highlights, tags of two kinds and a note."""
    chapter = seed_work.chapters.get(position=1)
    text = chapter_text(chapter, chapter.paragraphs.all()).text
    start = text.index("Lexa")
    annotate(reader, chapter, start=start, end=start + 60, colour="green", note="A *note*")
    annotate(
        reader, chapter, start=start + 20, end=start + 90, tag_names=["guilt"], tag_kind="theme"
    )
    annotate(reader, chapter, start=start + 30, end=start + 40, colour="pink", tag_names=["Lexa"])
    return seed_work


@pytest.fixture
def open_page(browser, live_server, reader, client):
    """A logged-in page in the colour scheme asked for, where axe can be injected."""
    client.force_login(reader)
    contexts = []

    def open_page(colour_scheme="light"):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1280, "height": 900},
            color_scheme=colour_scheme,
            bypass_csp=True,
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
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def violations(page, path: str) -> list[dict]:
    page.goto(path)
    expect(page.locator("main")).to_be_visible()
    page.add_script_tag(content=AXE)
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]


@pytest.mark.parametrize("colour_scheme", ["light", "dark"])
def test_chapter_with_overlapping_highlights(open_page, annotated, colour_scheme):
    page = open_page(colour_scheme)
    found = violations(page, f"/works/{annotated.pk}/chapters/1/")
    # The highlights are there to be checked: three marks, nested.
    assert page.locator("mark[data-annotation] mark[data-annotation]").count() >= 1
    assert found == []
    # The chapter navigations above and below the text are told apart by their names.
    names = page.locator("nav").evaluate_all("navs => navs.map((nav) => nav.ariaLabel)")
    assert len(names) == len(set(names)) >= 3


@pytest.mark.parametrize("colour_scheme", ["light", "dark"])
def test_library_work_tags_and_export_pages(open_page, annotated, reader, colour_scheme):
    page = open_page(colour_scheme)
    tag = reader.tags.get(name="guilt")
    pages = {
        "library": "/",
        "work": f"/works/{annotated.pk}/",
        "tags": "/tags/",
        "tag": f"/tags/{tag.pk}/",
        "export": f"/works/{annotated.pk}/export/",
    }
    found = {name: violations(page, path) for name, path in pages.items()}
    assert found == {name: [] for name in pages}
