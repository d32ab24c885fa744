"""What the core tells the apps built on it. `fics` imports nothing of them: an app that keeps
data about chapters (annotations do) connects a receiver in its `AppConfig.ready()`.
"""

from django.dispatch import Signal

# Sent by the importer inside an update's transaction, once the new text of every chapter is
# saved. Arguments:
#   work     — the updated Work;
#   changed  — a list of ChangedChapter (fics.importing): each chapter whose text changed, with
#              a copy of it and its paragraphs as they were before the update;
#   kept     — the chapters whose text did not change, and the ones this version dropped;
#   reader   — the reader who asked for the update (None from the command line).
# Each receiver returns a collections.Counter that the import report adds up ("kept", "moved",
# "fuzzy", "orphaned" for annotations).
work_text_changed = Signal()

# Sent by the importer as it writes a new work, a few chapters a transaction while the work is
# staged (fics.staging: no reader sees it), inside each of those transactions once its chapters
# and their paragraphs are saved. Arguments: `work` and `chapters` (a list of Chapter).
chapters_imported = Signal()

# Sent before a reader deletes a work or a chapter, inside the transaction that deletes it, with
# the rows of the work and its chapters locked (fics.models.WorkQuerySet.lock): nothing can be
# annotated there until the deletion is decided.
# Arguments: `instance` (the Work or Chapter) and `reader`. A receiver that must keep it returns
# the reason, shown to the reader as it is; the deletion happens only if every receiver returns
# None.
deletion_requested = Signal()
