"""Issue 11, item 5: the Edit form creates tags of the kind the reader chose, as the tag picker
does: the choice is on the form, said before saving, and remembered for the next new tag."""

import pytest
from playwright.sync_api import expect

from annotations.models import Tag
from tests.browser.test_annotating import open_chapter, select

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def highlight(page, paragraph, count):
    select(page, paragraph, 0, end=20)
    page.keyboard.press("h")
    expect(page.locator(".annotation-list li.annotation")).to_have_count(count)


def open_edit_form(page, number):
    entry = page.locator(".annotation-list li.annotation").nth(number)
    entry.get_by_role("link", name="Edit").click()
    form = entry.locator("form")
    expect(form.get_by_role("group", name="Kind of a new tag")).to_be_visible()
    # htmx moves focus to the note (autofocus) once the swapped form settles; typing in another
    # field before then would send the keys to the note.
    expect(form.get_by_label("Note (Markdown)")).to_be_focused()
    return form


def test_the_edit_form_creates_tags_of_the_kind_chosen_and_remembers_it(page, seed_work):
    open_chapter(page, seed_work)
    highlight(page, "#p5", 1)
    highlight(page, "#p6", 2)

    form = open_edit_form(page, 0)
    expect(form.get_by_role("radio", name="Other")).to_be_checked()
    form.get_by_label("Tags").fill("guilt, Clarke")
    # Said before saving: a new tag is of the kind chosen, a character of the work stays one.
    hint = form.locator(".new-tags-hint")
    expect(hint).to_have_text("New tag “guilt”: Other. New tag “Clarke”: Character.")
    form.get_by_role("radio", name="Theme").check()
    expect(hint).to_have_text("New tag “guilt”: Theme. New tag “Clarke”: Character.")
    form.get_by_role("button", name="Save").click()
    expect(page.locator(".annotation-list .chip")).to_have_count(2)

    form = open_edit_form(page, 1)
    expect(form.get_by_role("radio", name="Theme")).to_be_checked()
    form.get_by_label("Tags").fill("hope")
    expect(form.locator(".new-tags-hint")).to_have_text("New tag “hope”: Theme.")
    form.get_by_label("Tags").press("Enter")
    expect(page.locator(".annotation-list .chip")).to_have_count(3)

    assert dict(Tag.objects.values_list("name", "kind")) == {
        "guilt": "theme",
        "Clarke": "character",
        "hope": "theme",
    }
