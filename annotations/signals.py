"""What annotations tell the apps built on them (search), as fics.signals does for works.

Django's own signals describe an annotation's write in halves: post_save when its row is saved,
m2m_changed when its tags are set afterwards through the relation. A receiver that copies the
whole annotation (its words, note and tags) would copy it once per half; annotations.services
instead marks such a write with `whole_write()` and sends `annotation_written` once both halves
are in (it writes the tags' links itself, without m2m_changed, having no half to tell, and the
row through annotations.row_writes, without post_save, which receivers would skip there anyway).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.dispatch import Signal

# Sent by annotations.services inside the write's transaction, once an annotation's row and its
# tags are saved. Argument: `annotation`.
annotation_written = Signal()

_writing_whole: ContextVar[bool] = ContextVar("writing_whole_annotation", default=False)


@contextmanager
def whole_write() -> Iterator[None]:
    """Around the halves of one annotation's write that annotation_written follows."""
    token = _writing_whole.set(True)
    try:
        yield
    finally:
        _writing_whole.reset(token)


def in_whole_write() -> bool:
    """Whether annotation_written will follow the post_save or m2m_changed being handled."""
    return _writing_whole.get()
