"""`manage.py restore PATH`: put a backup made by `manage.py backup` back in place."""

import sqlite3
from contextlib import closing
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from .backup import check_sqlite_backup, run_postgresql_tool


class Command(BaseCommand):
    help = (
        "Replace everything in the database with the backup at PATH. Stop the app server first: "
        "a request it answers during or just after the restore could write over restored rows, "
        "and its cache could go on showing pages from before. SQLite: the backup is copied into "
        "the database file with SQLite's backup API, in one write transaction. PostgreSQL: "
        "pg_restore --clean --if-exists --no-owner, in one transaction. Tables the backup "
        "does not have are left alone: restore into the same version of the app."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, metavar="PATH")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, path: Path, interactive: bool, database: str, **options):
        if not path.is_file():
            raise CommandError(f"No such backup file: {path}")
        connection = connections[database]
        if connection.in_atomic_block:
            raise CommandError("Cannot restore inside a transaction.")
        if connection.vendor not in ("sqlite", "postgresql"):
            raise CommandError(f"Cannot restore a {connection.vendor} database.")
        if interactive:
            answer = input(
                f"Every row in the database {connection.settings_dict['NAME']} will be replaced "
                f"by the backup {path}. Type 'yes' to go on: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        if connection.vendor == "sqlite":
            restore_sqlite(path, connection)
        else:
            restore_postgresql(path, connection)
        self.stdout.write(self.style.SUCCESS(f"Restored the database from {path}."))


def restore_sqlite(path: Path, connection) -> None:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as backup:
        # Checked before anything is written: a damaged file never replaces a good database.
        check_sqlite_backup(backup, path)
        connection.ensure_connection()
        try:
            backup.backup(connection.connection)
        except sqlite3.Error as error:
            raise CommandError(f"Could not restore {path}: {error}") from error


def restore_postgresql(path: Path, connection) -> None:
    settings_dict = connection.settings_dict
    # Our own connection is closed first, so that it holds no lock the restore waits for.
    connection.close()
    run_postgresql_tool("pg_restore", ["--list", str(path)], settings_dict)
    run_postgresql_tool(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            # All or nothing: a failure halfway leaves the database as it was.
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={settings_dict['NAME']}",
            str(path),
        ],
        settings_dict,
    )
