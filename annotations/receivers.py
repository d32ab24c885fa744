"""How annotations follow what happens to the works they sit on (see fics.signals)."""

from collections import Counter

from django.dispatch import receiver

from annotations.chapter_layout import chapter_text
from annotations.models import Annotation
from annotations.services import annotations_reanchor
from fics.models import Chapter, Work
from fics.signals import deletion_requested, work_text_changed


@receiver(work_text_changed, sender=Work)
def reanchor_changed_chapters(*, changed, kept, reader, **kwargs) -> Counter:
    """Move every annotation of a changed chapter onto its new text, and count how the ones
    the report may show fared: `reader`'s own (everyone's from the command line), since other
    readers' private notes are not theirs to count."""
    counted = Annotation.objects.live()
    if reader is not None:
        counted = counted.filter(owner=reader)
    counts: Counter = Counter()
    for change in changed:
        old_text = chapter_text(change.before, change.paragraphs_before).text
        new_text = chapter_text(change.chapter, change.chapter.paragraphs.all())
        placements = annotations_reanchor(
            chapter=change.chapter, old_text=old_text, new_text=new_text
        )
        counts.update(
            placements[pk]
            for pk in counted.filter(chapter=change.chapter).values_list("pk", flat=True)
        )
    counts["kept"] += counted.filter(chapter__in=kept).count()
    return counts


@receiver(deletion_requested, sender=Work)
@receiver(deletion_requested, sender=Chapter)
def keep_what_others_annotated(*, instance, reader, **kwargs) -> str | None:
    """Works are shared, notes are not: one reader may not delete another's annotations.

    The deletion holds the rows of the work and its chapters (fics.models.WorkQuerySet.lock), and
    saving an annotation needs its chapter's row: no note can land between this answer and the
    deletion, and one being saved right now is finished, and seen here, first."""
    where = {"chapter__work": instance} if isinstance(instance, Work) else {"chapter": instance}
    if Annotation.objects.filter(**where).exclude(owner=reader).exists():
        return "Other readers have annotations here, so it stays."
    return None
