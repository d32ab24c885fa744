"""`manage.py update_works --all | WORK_ID...`: fetch followed works again (a cron job's task)."""

from django.core.management.base import BaseCommand, CommandError

from fics.follow_tasks import import_address
from fics.importing import Outcome
from fics.models import Work


class Command(BaseCommand):
    help = (
        "Check works added by their address for new or changed chapters, and update them: new "
        "chapters are appended, changed ones replaced and their annotations moved onto the new "
        "text. A work whose site reports no change is not fetched again."
    )

    def add_arguments(self, parser):
        parser.add_argument("work_ids", nargs="*", type=int, metavar="WORK_ID")
        parser.add_argument("--all", action="store_true", help="every work added by its address")
        parser.add_argument(
            "--adult",
            action="store_true",
            help="confirm that you want adult content where a site asks",
        )

    def handle(self, *args, work_ids: list[int], all: bool, adult: bool, verbosity: int, **options):
        if all == bool(work_ids):
            raise CommandError("Give the ids of the works to update, or --all (not both).")
        works = Work.objects.exclude(source_url="").order_by("pk")
        if work_ids:
            works = works.filter(pk__in=work_ids)
            if missing := set(work_ids) - {work.pk for work in works}:
                raise CommandError(
                    "No work added by its address with id " + ", ".join(map(str, sorted(missing)))
                )
        failed = 0
        for work in works:
            result, _ = import_address(work.source_url, is_adult=adult, target=work)
            line = f"{work.pk}: {result.describe()}"
            if result.outcome is Outcome.UNCHANGED:
                line += f" ({result.message})"
            if result.outcome in (Outcome.FAILED, Outcome.NOT_UPDATED):
                failed += 1
                self.stdout.write(self.style.ERROR(line))
            elif verbosity:
                self.stdout.write(line)
        if failed:
            raise CommandError(f"{failed} work(s) could not be updated.")
