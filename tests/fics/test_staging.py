"""A new work is imported in short transactions while no reader can see it: part-way it is in no
page and no search; an import that fails or is killed leaves nothing, and the next import of the
same file (or the worker) removes what it wrote."""

from datetime import timedelta

import pytest
from django.db import DataError, transaction
from django.urls import reverse
from django.utils import timezone

from annotations.chapter_layout import chapter_text
from fics import staging
from fics.importing import Outcome, import_story_file
from fics.models import Chapter, CharacterMention, Paragraph, Work
from fics.signals import chapters_imported
from search.models import SearchDocument

pytestmark = pytest.mark.django_db

# Three chapters of 40 words or so: with steps of 50 words, a step each.
STORY = "\n\n".join(
    f"Chapter {n}\n\n"
    + "\n\n".join(f"Harry walked to the lighthouse{n} for the {p}th time today." for p in range(4))
    for n in range(1, 4)
).encode()


@pytest.fixture(autouse=True)
def small_steps(monkeypatch):
    monkeypatch.setattr(staging, "STEP_WORDS", 50)
    monkeypatch.setattr(staging, "LONE_STEP_WORDS", 50)


@pytest.fixture
def on_step():
    """Call a function at each step of an import, with the step's number (from 1) and the
    chapters it wrote, inside its transaction."""
    calls: list = []

    def receiver(*, chapters, **kwargs):
        calls.append(chapters)
        for call in hooks:
            call(len(calls), chapters)

    hooks: list = []
    chapters_imported.connect(receiver, sender=Work)
    yield hooks
    chapters_imported.disconnect(receiver, sender=Work)


def everything_written() -> list[int]:
    """Every row an import writes, whether readers see it or not."""
    return [Work.with_staged.count()] + [
        model.objects.count() for model in (Chapter, Paragraph, CharacterMention, SearchDocument)
    ]


def what_a_reader_sees(client, work_pk: int) -> dict[str, object]:
    pages = {
        "work": reverse("work", args=[work_pk]),
        "chapter": reverse("chapter", args=[work_pk, 1]),
        "entire work": reverse("work_full", args=[work_pk]),
        "story map": reverse("story_map", args=[work_pk]),
        "export": reverse("export", args=[work_pk]),
        "progress": reverse("reading_progress", args=[work_pk, 1]),
    }
    seen: dict[str, object] = {name: client.get(url).status_code for name, url in pages.items()}
    chapter = Chapter.objects.get(work=work_pk, position=1)
    start = chapter_text(chapter, chapter.paragraphs.all()).text.index("lighthouse")
    selection = {"utf16_start": start, "utf16_end": start + 10, "exact": "lighthouse"}
    seen["annotate"] = client.post(reverse("annotation_create", args=[work_pk, 1]), selection)
    seen["annotate"] = seen["annotate"].status_code
    seen["library"] = f'href="/works/{work_pk}/"' in client.get(reverse("library")).content.decode()
    found = client.get(reverse("search"), {"q": "lighthouse1"}).content.decode()
    seen["search"] = 'class="search-work"' in found
    return seen


def test_part_way_through_its_import_a_work_is_in_no_page_and_no_search(reader_client, on_step):
    seen_part_way = []

    def look(step: int, chapters) -> None:
        if step == 2:  # the first chapter, its paragraphs and search documents are in
            seen_part_way.append(what_a_reader_sees(reader_client, chapters[0].work_id))

    on_step.append(look)

    work = import_story_file(STORY, "lighthouse-story.txt").work

    hidden = dict.fromkeys(["work", "chapter", "entire work", "story map", "export"], 404)
    assert seen_part_way == [
        hidden | {"progress": 404, "annotate": 404, "library": False, "search": False}
    ]
    shown = dict.fromkeys(["work", "chapter", "entire work", "story map", "export"], 200)
    assert what_a_reader_sees(reader_client, work.pk) == shown | {
        "progress": 302,
        "annotate": 302,
        "library": True,
        "search": True,
    }


def test_a_long_work_is_written_in_several_transactions_of_a_few_chapters(
    transactional_db, on_step
):
    events = []

    def record(step: int, chapters) -> None:
        events.append(("wrote", step, [chapter.position for chapter in chapters]))
        transaction.on_commit(lambda: events.append(("committed", step)))

    on_step.append(record)

    import_story_file(STORY, "lighthouse-story.txt")

    assert events == [
        ("wrote", 1, [1]),
        ("committed", 1),
        ("wrote", 2, [2]),
        ("committed", 2),
        ("wrote", 3, [3]),
        ("committed", 3),
    ]


def test_chapters_share_a_step_up_to_its_words(monkeypatch, on_step):
    monkeypatch.setattr(staging, "LONE_STEP_WORDS", 100)
    steps = []
    on_step.append(lambda step, chapters: steps.append([c.position for c in chapters]))

    import_story_file(STORY, "lighthouse-story.txt")

    assert steps == [[1, 2], [3]]


def test_an_import_that_fails_part_way_leaves_nothing_and_the_next_imports_it_whole(on_step):
    def refuse(step: int, chapters) -> None:
        if step == 2:
            raise DataError("a character the database cannot store")

    on_step.append(refuse)

    failed = import_story_file(STORY, "lighthouse-story.txt")

    assert failed.outcome is Outcome.FAILED
    assert "the database refused it" in failed.message
    assert everything_written() == [0, 0, 0, 0, 0]
    on_step.remove(refuse)
    assert import_story_file(STORY, "lighthouse-story.txt").outcome is Outcome.IMPORTED
    # The work, its chapters and paragraphs, no character named often, and a search document
    # for the work, each chapter's title and each paragraph.
    assert everything_written() == [1, 3, 12, 0, 1 + 3 + 12]


def killed_part_way(monkeypatch, on_step, *, minutes_ago: float) -> None:
    """What a worker killed at its second step leaves: the staged work and its first chapter,
    nothing removed, its last write `minutes_ago`."""

    def kill(step: int, chapters) -> None:
        if step == 2:
            raise KeyboardInterrupt  # like a kill, it ends the import; unlike one, it can be caught

    on_step.append(kill)
    with monkeypatch.context() as killed:
        killed.setattr(staging, "discard", lambda work: False)  # a killed process cleans nothing
        with pytest.raises(KeyboardInterrupt):
            import_story_file(STORY, "lighthouse-story.txt")
    on_step.remove(kill)
    last_write = timezone.now() - timedelta(minutes=minutes_ago)
    Work.with_staged.update(staged_at=last_write)


def test_the_next_import_of_a_file_whose_import_was_killed_removes_it_and_imports_it_whole(
    monkeypatch, on_step, reader_client
):
    killed_part_way(monkeypatch, on_step, minutes_ago=5)
    assert everything_written()[:3] == [1, 1, 4]
    assert not Work.objects.exists()

    again = import_story_file(STORY, "lighthouse-story.txt")

    assert again.outcome is Outcome.IMPORTED
    assert everything_written()[:3] == [1, 3, 12]
    assert Work.objects.get() == again.work
    assert again.work.word_count == 3 * 4 * 10


def test_an_import_of_a_file_being_imported_waits_for_it_and_finds_it_imported(
    monkeypatch, settings
):
    work = import_story_file(STORY, "lighthouse-story.txt").work
    # As if its last step were still to commit: the second import waits for it.
    Work.with_staged.filter(pk=work.pk).update(staged_at=timezone.now())
    waited = []

    def wait(seconds: float) -> None:
        waited.append(seconds)
        Work.with_staged.filter(pk=work.pk).update(staged_at=None)  # its last step commits

    monkeypatch.setattr(staging, "sleep", wait)

    again = import_story_file(STORY, "lighthouse-story-copy.txt")

    assert waited == [staging.WAIT_SECONDS]
    assert (again.outcome, again.work) == (Outcome.UNCHANGED, work)
    assert everything_written()[:3] == [1, 3, 12]


def test_an_import_waits_for_a_killed_import_of_the_same_file_until_it_is_abandoned(
    monkeypatch, on_step, settings
):
    settings.IMPORT_LEASE_SECONDS = 0.5
    killed_part_way(monkeypatch, on_step, minutes_ago=0)

    again = import_story_file(STORY, "lighthouse-story.txt")

    assert again.outcome is Outcome.IMPORTED
    assert everything_written()[:3] == [1, 3, 12]


def test_the_worker_removes_works_whose_import_stopped_and_leaves_those_under_way(
    monkeypatch, on_step, settings
):
    settings.IMPORT_LEASE_SECONDS = 60
    killed_part_way(monkeypatch, on_step, minutes_ago=5)
    abandoned = Work.with_staged.get()
    under_way = import_story_file(b"Another story, under way.\n", "another.txt").work
    Work.with_staged.filter(pk=under_way.pk).update(staged_at=timezone.now())

    assert staging.discard_abandoned() == 1

    assert list(Work.with_staged.all()) == [under_way]
    assert not Chapter.objects.filter(work=abandoned.pk).exists()
    assert not SearchDocument.objects.filter(work=abandoned.pk).exists()


def test_a_slow_import_whose_work_was_taken_over_stops(monkeypatch, on_step):
    """An importer that wrote nothing for a lease period, its work removed as abandoned by
    another import of the same file, must not write on: its next step finds its claim gone."""

    def taken_over(step: int, chapters) -> None:
        if step == 1:
            Work.with_staged.update(staged_at=timezone.now() - timedelta(minutes=5))

    on_step.append(taken_over)

    result = import_story_file(STORY, "lighthouse-story.txt")

    assert (result.outcome, result.message) == (
        Outcome.FAILED,
        "it stalled for so long that it was stopped; import it again",
    )
    assert everything_written() == [0, 0, 0, 0, 0]


def test_an_import_steps_aside_after_each_step_while_others_write_else_now_and_then(monkeypatch):
    """On SQLite, readers' writes waiting for the lock get it between two steps of an import:
    after every step (as long as the step held it) while they are writing, and otherwise often
    enough for a lone one; and while they write, its steps are short."""
    slept = []
    monkeypatch.setattr(staging, "sleep", slept.append)
    turns = staging.Turns()
    # What SQLite's data_version says after each step: nobody else writes, then someone does.
    versions = iter([7, 7, 7, 7, 7, 7, 8, 8, 8])
    monkeypatch.setattr(turns, "_data_version", lambda: next(versions))
    held = staging.LONE_WRITER_WAIT_SECONDS / 2.5
    words = [turns.words()]

    for _ in range(9):
        turns.after_step(held)
        words.append(turns.words())

    # Alone: at every third step, once it held the lock long enough, for as long as a short step
    # holds it. Others writing (from step 7): after every step.
    aside = staging.LONE_STEP_ASIDE_SECONDS
    assert held > aside
    assert slept == [aside] * 2 + [held] * 3
    assert words == [staging.LONE_STEP_WORDS] * 6 + [staging.STEP_WORDS] * 4


def test_steps_take_as_many_words_as_the_import_may_write_when_each_begins():
    chapters = [("one", 30), ("two", 30), ("three", 30), ("four", 30), ("five", 200)]
    limits = iter([70, 40, 1000])

    assert list(staging.in_steps(chapters, lambda: next(limits))) == [
        ["one", "two"],
        ["three"],
        ["four", "five"],
    ]


def test_a_new_work_counts_as_updated_when_it_appears_not_when_its_import_began(on_step):
    """The library's "recently updated" order, and its caches, go by it."""
    during = []
    on_step.append(lambda step, chapters: during.append(timezone.now()))

    work = import_story_file(STORY, "lighthouse-story.txt").work

    work.refresh_from_db()
    assert work.updated > max(during)


def test_staff_can_open_a_work_still_being_imported_in_the_admin(admin_client, on_step):
    """Or one abandoned part-way: staff may need to see or remove it."""
    seen = []

    def open_in_admin(step: int, chapters) -> None:
        if step == 2:
            url = reverse("admin:fics_work_change", args=[chapters[0].work_id])
            seen.append(admin_client.get(url).status_code)

    on_step.append(open_in_admin)

    import_story_file(STORY, "lighthouse-story.txt")

    assert seen == [200]
