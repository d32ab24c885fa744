"""How the search index follows the library: every receiver runs inside the transaction of the
write it hears of, so a search never sees a work, chapter or note the database does not hold.

Deletions need nothing here: documents go with their work, chapter or annotation (foreign keys
that cascade), and the full-text index follows the documents (search/migrations).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from annotations.models import Annotation, Tag
from annotations.signals import annotation_written, in_whole_write
from fics.models import Work
from fics.signals import chapters_imported, work_text_changed
from search import index


@receiver(post_save, sender=Work)
def work_saved(*, instance: Work, update_fields=None, **kwargs) -> None:
    # Saving only `updated` (a chapter was deleted) changes nothing a search reads.
    if update_fields is None or set(update_fields) != {"updated"}:
        index.index_work_details(instance.pk)


@receiver(chapters_imported, sender=Work)
def chapters_added(*, chapters, **kwargs) -> None:
    """A new work's chapters, a few at a time: found once the work is (search.results leaves
    out those of works still being imported). Its details follow its saves (work_saved)."""
    index.index_chapters(chapter.pk for chapter in chapters)


@receiver(work_text_changed, sender=Work)
def work_updated(*, work: Work, changed, kept, **kwargs) -> None:
    """An update: chapters whose text changed or that are new are indexed afresh, the ones it
    dropped leave the index (their annotations stay findable, as the reader keeps them), and
    the changed chapters' annotations follow their re-anchoring.

    Connected after annotations.receivers (INSTALLED_APPS lists `search` after `annotations`),
    so the annotations have moved by the time they are indexed again."""
    unchanged = {chapter.pk for chapter in kept}
    chapters = list(work.chapters.values_list("pk", "removed"))
    index.index_chapters(pk for pk, removed in chapters if pk not in unchanged or removed)
    # Titles can change while the text stays the same.
    index.index_chapters(
        (pk for pk, removed in chapters if pk in unchanged and not removed), text=False
    )
    moved = Annotation.objects.filter(chapter__in=[change.chapter for change in changed])
    index.index_annotations(moved.values_list("pk", flat=True))


@receiver(annotation_written, sender=Annotation)
def annotation_written_whole(*, annotation: Annotation, **kwargs) -> None:
    """Creating and editing: the row and the tags, indexed once both are in."""
    index.index_annotations([annotation.pk])


@receiver(post_save, sender=Annotation)
def annotation_saved(*, instance: Annotation, **kwargs) -> None:
    """Re-attaching, deleting (which only marks it), restoring, and any other save."""
    if not in_whole_write():
        index.index_annotations([instance.pk])


@receiver(m2m_changed, sender=Annotation.tags.through)
def annotation_tags_changed(*, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        if not in_whole_write():
            index.index_annotations([instance.pk])
    elif pk_set:
        index.index_annotations(pk_set)


@receiver(post_save, sender=Tag)
def tag_saved(*, instance: Tag, created: bool, **kwargs) -> None:
    """A renamed tag: its annotations are found by the new name, no longer by the old."""
    if not created:
        index.index_annotations(instance.annotations.values_list("pk", flat=True))


@receiver(pre_delete, sender=Tag)
def tag_deleting(*, instance: Tag, **kwargs) -> None:
    """Deleting a tag, or merging it into another (which moves its annotations to the other
    tag in one UPDATE, then deletes it): the annotations that carried it, and those whose
    documents still hold its name, are indexed again once it is gone."""
    instance._search_reindex = set(instance.annotations.values_list("pk", flat=True)) | set(
        index.annotations_mentioning(owner=instance.owner_id, words=instance.name)
    )


@receiver(post_delete, sender=Tag)
def tag_deleted(*, instance: Tag, **kwargs) -> None:
    index.index_annotations(getattr(instance, "_search_reindex", ()))
