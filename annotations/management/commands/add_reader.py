"""`manage.py add_reader NAME`: a new reader account with a random password, printed once."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Add a reader account; prints a random first password for them."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--admin", action="store_true", help="may also use the admin pages")

    def handle(self, *args, username: str, admin: bool, **options):
        users = get_user_model()
        if users.objects.filter(username__iexact=username).exists():
            raise CommandError(f"There is already a reader called “{username}”.")
        password = secrets.token_urlsafe(12)
        user = users.objects.create_user(username=username, password=password)
        if admin:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        self.stdout.write(f"Added {username}. First password (shown only now): {password}")
