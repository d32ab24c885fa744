"""What only a browser can show: selecting text, the toolbar, the keyboard, swaps in place."""

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Tag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Selects text by character offsets inside elements, as a reader's drag would.
SELECT = """([startSelector, startOffset, endSelector, endOffset]) => {
  function locate(selector, offset) {
    const root = document.querySelector(selector);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      if (offset <= node.length) return [node, offset];
      offset -= node.length;
    }
    throw new Error("offset past the end of " + selector);
  }
  const range = document.createRange();
  range.setStart(...locate(startSelector, startOffset));
  range.setEnd(...locate(endSelector, endOffset));
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


def open_chapter(page, work):
    page.goto(f"/works/{work.pk}/chapters/1/")
    expect(page.locator("article.chapter-text")).to_be_visible()


def select(page, start_selector, start, end_selector=None, end=None):
    page.evaluate(SELECT, [start_selector, start, end_selector or start_selector, end])
    expect(page.get_by_role("toolbar", name="Annotate the selection")).to_be_visible()


def paragraph_text(page, selector):
    return page.locator(selector).text_content()


def test_highlight_inside_a_paragraph_survives_a_reload(page, seed_work):
    open_chapter(page, seed_work)
    words = paragraph_text(page, "#p3")[5:40].strip()

    select(page, "#p3", 5, end=40)
    page.get_by_role("button", name="Highlight in green").click()

    mark = page.locator("#p3 mark[data-annotation]")
    expect(mark).to_have_text(words)
    expect(mark).to_have_class(re.compile("hl-green"))
    expect(page.locator(".annotation-list li")).to_have_count(1)
    page.reload()
    expect(page.locator("#p3 mark[data-annotation]")).to_have_text(words)
    assert Annotation.objects.get().exact == words


def test_mouse_drag_across_two_paragraphs(page, seed_work):
    open_chapter(page, seed_work)
    first = page.locator("#p1").bounding_box()
    second = page.locator("#p2").bounding_box()

    page.mouse.move(first["x"] + first["width"] / 2, first["y"] + 5)
    page.mouse.down()
    page.mouse.move(second["x"] + 40, second["y"] + 5, steps=8)
    page.mouse.up()
    page.get_by_role("button", name="Highlight in yellow").click()

    annotation = page.locator(".annotation-list li")
    expect(annotation).to_have_count(1)
    pk = annotation.get_attribute("data-annotation-item")
    expect(page.locator(f'#p1 mark[data-annotation="{pk}"]')).to_have_count(1)
    expect(page.locator(f'#p2 mark[data-annotation="{pk}"]')).to_have_count(1)
    saved = Annotation.objects.get()
    first_part, second_part = saved.exact.split("\n\n")
    assert saved.segment == "p1"
    assert paragraph_text(page, "#p1").endswith(first_part)
    assert paragraph_text(page, "#p2").startswith(second_part)


def test_overlapping_highlights_both_show_and_text_is_unchanged(page, seed_work):
    open_chapter(page, seed_work)
    before = paragraph_text(page, "#p4")

    select(page, "#p4", 0, end=30)
    page.keyboard.press("h")
    expect(page.locator("#p4 mark")).to_have_count(1)
    select(page, "#p4", 15, end=50)
    page.get_by_role("button", name="Highlight in pink").click()

    expect(page.locator(".annotation-list li")).to_have_count(2)
    ids = set(
        page.locator("#p4 mark").evaluate_all("marks => marks.map(m => m.dataset.annotation)")
    )
    assert len(ids) == 2
    expect(page.locator("#p4 mark mark")).to_have_count(1)
    assert paragraph_text(page, "#p4") == before


def test_tag_with_a_new_character_then_pick_it_again(page, seed_work):
    open_chapter(page, seed_work)

    select(page, "#p5", 0, end=20)
    page.keyboard.press("t")
    picker = page.get_by_role("dialog", name="Tag the passage")
    expect(picker).to_be_visible()
    # Names found in the text come first, before the reader has any tag.
    expect(picker.get_by_role("option").first).to_contain_text("Lexa")
    page.keyboard.type("Wanheda")
    picker.get_by_label("Character").check()
    page.get_by_label("Type to find or create a tag, Enter to pick").press("Enter")
    expect(page.locator(".annotation-list .chip")).to_have_text(["Wanheda"])

    select(page, "#p6", 0, end=20)
    page.get_by_role("button", name="Tag the selection").click()
    page.keyboard.type("wanh")
    expect(picker.get_by_role("option")).to_have_text(
        ["Wanheda · character", "Create “wanh” as a character"]
    )
    page.keyboard.press("Enter")
    expect(page.locator(".annotation-list .chip")).to_have_text(["Wanheda", "Wanheda"])
    tag = Tag.objects.get()
    assert (tag.name, tag.kind, tag.annotations.count()) == ("Wanheda", "character", 2)


def test_a_new_tag_is_of_the_kind_the_reader_sees_and_last_chose(page, seed_work):
    open_chapter(page, seed_work)
    picker = page.get_by_role("dialog", name="Tag the passage")
    tag_input = page.get_by_label("Type to find or create a tag, Enter to pick")

    select(page, "#p5", 0, end=20)
    page.keyboard.press("t")
    page.keyboard.type("guilt")
    # Not a character unless the reader says so, and said before Enter.
    expect(picker.get_by_role("option").last).to_have_text("Create “guilt” as another tag")
    picker.get_by_label("Theme").check()
    expect(picker.get_by_role("option").last).to_have_text("Create “guilt” as a theme")
    tag_input.press("Enter")
    expect(page.locator(".annotation-list .chip")).to_have_text(["guilt"])

    select(page, "#p6", 0, end=20)
    page.keyboard.press("t")
    page.keyboard.type("hope")
    expect(picker.get_by_role("option").last).to_have_text("Create “hope” as a theme")
    tag_input.press("Enter")
    expect(page.locator(".annotation-list .chip")).to_have_count(2)
    assert dict(Tag.objects.values_list("name", "kind")) == {"guilt": "theme", "hope": "theme"}


def test_the_inline_edit_form_can_be_closed_without_saving(page, seed_work):
    open_chapter(page, seed_work)
    select(page, "#p7", 0, end=15)
    page.keyboard.press("h")
    expect(page.locator(".annotation-list li.annotation")).to_have_count(1)

    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Note (Markdown)")).to_be_visible()
    page.get_by_label("Note (Markdown)").fill("Never saved.")
    page.locator(".edit-slot").get_by_role("link", name="Cancel").click()

    expect(page.get_by_label("Note (Markdown)")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/chapters/1/$"))
    assert Annotation.objects.get().note == ""


def test_note_in_markdown_is_rendered(page, seed_work):
    open_chapter(page, seed_work)

    select(page, "#p7", 0, end=25)
    page.keyboard.press("n")
    page.get_by_label(re.compile("Markdown")).fill("A **brave** and _quiet_ choice.")
    page.keyboard.press("Control+Enter")

    note = page.locator(".annotation-list .note")
    expect(note.locator("strong")).to_have_text("brave")
    expect(note.locator("em")).to_have_text("quiet")
    page.reload()
    expect(page.locator(".annotation-list .note strong")).to_have_text("brave")


def test_keyboard_only(page, seed_work):
    # A deep link to a paragraph; from there on, only the keyboard.
    page.goto(f"/works/{seed_work.pk}/chapters/1/#p8")
    for _ in range(3):
        page.keyboard.press("Control+Shift+ArrowRight")
    expect(page.get_by_role("toolbar", name="Annotate the selection")).to_be_visible()
    page.keyboard.press("t")
    page.keyboard.type("guilt")
    page.keyboard.press("Enter")
    expect(page.locator(".annotation-list .chip")).to_have_text(["guilt"])
    assert Annotation.objects.get().segment == "p8"

    page.keyboard.press("Shift+ArrowDown")
    expect(page.get_by_role("toolbar", name="Annotate the selection")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("toolbar", name="Annotate the selection")).to_be_hidden()

    # Edit the annotation from the keyboard: reach "Edit", open it, change the note.
    page.get_by_role("link", name="Edit").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Note (Markdown)")).to_be_focused()
    page.keyboard.type("Written without a mouse.")
    page.keyboard.press("Tab")  # shared checkbox
    page.keyboard.press("Tab")  # Save
    page.keyboard.press("Enter")
    expect(page.locator(".annotation-list .note")).to_have_text("Written without a mouse.")


def test_delete_then_undo_restores_everything(page, seed_work):
    open_chapter(page, seed_work)
    select(page, "#p10", 0, end=30)
    page.keyboard.press("t")
    page.keyboard.type("found family")
    page.keyboard.press("Enter")
    expect(page.locator(".annotation-list li.annotation")).to_have_count(1)

    page.get_by_role("button", name=re.compile("^Delete annotation")).click()
    expect(page.locator("#p10 mark")).to_have_count(0)
    expect(page.locator(".annotation-list li")).to_have_count(0)
    expect(page.get_by_text("Select any passage to highlight it")).to_be_visible()
    page.get_by_role("button", name="Undo").click()

    expect(page.locator("#p10 mark")).to_have_count(1)
    expect(page.locator(".annotation-list .chip")).to_have_text(["found family"])


XSS_NOTE = (
    "<script>alert('note')</script> <img src=x onerror=alert('img')> "
    "[click](javascript:alert('link')) <svg onload=alert('svg')></svg> "
    "<a href=\"javascript:alert('raw')\">raw</a>"
)
XSS_TAG = "<img src=x onerror=alert('tag')><svg/onload=alert('svg')>"


def test_xss_payloads_in_notes_and_tags_execute_nothing(page, seed_work):
    open_chapter(page, seed_work)
    select(page, "#p11", 0, end=20)
    page.keyboard.press("n")
    page.get_by_label(re.compile("Markdown")).fill(XSS_NOTE)
    page.keyboard.press("Control+Enter")
    expect(page.locator(".annotation-list .note")).to_contain_text("<script>")

    select(page, "#p12", 0, end=20)
    page.keyboard.press("t")
    page.keyboard.type(XSS_TAG)
    page.keyboard.press("Enter")
    expect(page.locator(".annotation-list .chip")).to_have_text([XSS_TAG])

    for url in ["", "/tags/", f"/tags/{Tag.objects.get().pk}/"]:
        if url:
            page.goto(url)
        page.wait_for_timeout(300)
        # The tags page draws its own strips (annotations/story_map.py): SVG without handlers.
        executable = (
            "main script:not([type='application/json']), main img, "
            "main svg:not(.sm-strip, .sm-axis), main [onload], main [onerror]"
        )
        assert page.locator(executable).count() == 0
        # The attribute, not a.href: an SVG link's href is an object, not a string.
        hrefs = page.locator("main a").evaluate_all(
            "links => links.map(a => a.getAttribute('href') || '')"
        )
        assert not [href for href in hrefs if href.strip().lower().startswith("javascript:")]
    # The page fixture fails the test if any alert() ran.


def test_reattach_an_orphan_to_a_new_selection(page, reader):
    from fics.importing import import_story_file
    from tests.annotations.conftest import annotate

    before = b"The lamp would not light.\n\nWren tried again, every night.\n"
    work = import_story_file(before, "lamp.txt").work
    orphan = annotate(reader, work.chapters.get(), start=27, end=57, note="stubborn")
    after = b"The lamp would not light.\n\nShe told it about her mother instead.\n"
    import_story_file(after, "lamp.txt", target=work)

    page.goto(f"/works/{work.pk}/chapters/1/")
    expect(page.get_by_role("heading", name="No longer in the text")).to_be_visible()
    # A card like the annotation list's, with no list bullet beside it.
    assert (
        page.locator(".orphan-list").evaluate("list => getComputedStyle(list).listStyleType")
        == "none"
    )
    select(page, "#p2", 0, end=8)
    page.get_by_role("button", name="Re-attach to the selection").click()

    expect(page.locator(f'#p2 mark[data-annotation="{orphan.pk}"]')).to_have_text("She told")
    expect(page.get_by_role("heading", name="No longer in the text")).to_have_count(0)
    expect(page.locator(".annotation-list .note")).to_have_text("stubborn")
