from django.core.management.base import BaseCommand
from django.db import transaction

from search import index
from search.models import SearchDocument


class Command(BaseCommand):
    help = "Index the whole library for search afresh (the app keeps it in step afterwards)."

    def handle(self, *args, **options) -> None:
        # One transaction: searches go on finding the old index until the new one is complete.
        with transaction.atomic():
            index.rebuild()
        self.stdout.write(f"Indexed {SearchDocument.objects.count():,} documents.")
