"""`manage.py db_worker`: django-tasks-db's worker, with the upkeep of the import queue.

When it starts, and then every lease period while it runs, it takes back the imports whose
worker died (fics.tasks.recover_abandoned) and removes what they wrote of a new work
(fics.staging.discard_abandoned); every hour it prunes what finished more than a day
ago (fics.tasks.prune_finished_imports). Upkeep runs beside the tasks, in a thread of its own,
so that a long import does not hold it up.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection
from django_tasks_db.management.commands import db_worker

from fics.staging import discard_abandoned
from fics.tasks import prune_finished_imports, recover_abandoned

logger = logging.getLogger(__name__)

PRUNE_EVERY_SECONDS = 3600


class Command(db_worker.Command):
    help = db_worker.Command.help + ", taking back imports whose worker died"

    def handle(self, *args, **options) -> None:
        _upkeep(prune=True)
        if not options["batch"]:
            threading.Thread(target=_keep_up, name="import-upkeep", daemon=True).start()
        super().handle(*args, **options)


def _keep_up() -> None:
    pruned = time.monotonic()
    while True:
        time.sleep(settings.IMPORT_LEASE_SECONDS)
        prune = time.monotonic() - pruned >= PRUNE_EVERY_SECONDS
        _upkeep(prune=prune)
        if prune:
            pruned = time.monotonic()


def _upkeep(*, prune: bool) -> None:
    try:
        if recovered := recover_abandoned():
            logger.warning("Took back %d import(s) whose worker had stopped", recovered)
        if discarded := discard_abandoned():
            logger.warning("Removed %d half-imported work(s) whose import stopped", discarded)
        if prune:
            prune_finished_imports()
    except DatabaseError:
        # A busy or unreachable database: the next round tries again; the worker goes on.
        logger.exception("Import queue upkeep failed")
    finally:
        connection.close()
