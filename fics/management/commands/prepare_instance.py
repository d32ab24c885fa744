"""First-run setup for `make run`: a first account and the sample story, each only once."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from fics.importing import import_story_file

SAMPLE_STORY = Path(__file__).resolve().parents[2] / "sample" / "the-lamplighters-apprentice.txt"


class Command(BaseCommand):
    help = "Create a first account if there is none and import the bundled sample story."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="reader")

    def handle(self, *args, username: str, **options):
        self._create_first_account(username)
        result = import_story_file(SAMPLE_STORY.read_bytes(), SAMPLE_STORY.name)
        self.stdout.write(f"Sample story: {result.describe()}")

    def _create_first_account(self, username: str) -> None:
        user_model = get_user_model()
        if user_model.objects.exists():
            return
        password = secrets.token_urlsafe(12)
        user_model.objects.create_superuser(username=username, email="", password=password)
        # Kept beside the database (git-ignored) so a closed terminal does not lock the reader out.
        credentials = settings.DATA_DIR / "first-login.txt"
        credentials.unlink(missing_ok=True)
        # Created private (0600) from the start: the password is never readable by others.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        with os.fdopen(os.open(credentials, flags, 0o600), "w") as file:
            file.write(f"username: {username}\npassword: {password}\n")
        self.stdout.write(
            self.style.SUCCESS(
                f"\nCreated the first account. Log in with\n"
                f"    username: {username}\n    password: {password}\n"
                f"(also written to {credentials}; change it under Account.)\n"
            )
        )
