import pytest

from annotations import services
from annotations.chapter_layout import chapter_text
from annotations.models import Annotation


def annotate(user, chapter, *, start: int, end: int, **fields) -> Annotation:
    """An annotation on the chapter's text between two code-point offsets (no emoji in fixtures)."""
    text = chapter_text(chapter, chapter.paragraphs.all()).text
    return services.annotation_create(
        user=user,
        chapter=chapter,
        utf16_start=start,
        utf16_end=end,
        exact=text[start:end],
        **fields,
    )


@pytest.fixture
def chapter(work):
    return work.chapters.get(position=1)


@pytest.fixture
def own_annotation(reader, chapter):
    return annotate(reader, chapter, start=30, end=50, note="mine", tag_names=["Lexa"])


@pytest.fixture
def others_private(other_reader, chapter):
    return annotate(other_reader, chapter, start=31, end=52, note="bob's secret")


@pytest.fixture
def others_shared(other_reader, chapter):
    return annotate(other_reader, chapter, start=55, end=70, note="bob shares this", shared=True)
