import pytest
from playwright.sync_api import expect

from fics.models import Work
from tests.conftest import run_worker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The worker runs in the test's own thread beside the live server's, and forks a child to
    # read each file: that child only parses and exits, so the fork warning does not apply.
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
]


def test_upload_several_files_and_see_each_outcome_appear(page, tmp_path, database_tasks):
    good = tmp_path / "the-long-night.txt"
    good.write_text("The first paragraph.\n\nThe second paragraph.\n")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")

    page.goto("/import/")
    page.get_by_label("Drop files here or click to choose").set_input_files([good, empty])
    expect(page.locator(".chosen-files")).to_contain_text("2 chosen")
    page.get_by_role("button", name="Import").click()

    results = page.locator(".import-results li")
    expect(results).to_have_count(2)
    expect(results.filter(has_text="the-long-night.txt")).to_contain_text("queued…")
    # Set on this very page: still there when the outcomes are, so nothing reloaded it.
    page.evaluate("window.notReloaded = true")

    run_worker()

    expect(results.filter(has_text="empty.txt")).to_contain_text("failed: The file is empty")
    expect(results.filter(has_text="the-long-night.txt")).to_contain_text("imported —")
    assert page.evaluate("window.notReloaded") is True
    results.filter(has_text="the-long-night.txt").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Untitled — the-long-night.txt")
    assert Work.objects.count() == 1
