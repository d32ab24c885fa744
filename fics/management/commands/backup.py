"""`manage.py backup PATH`: a consistent copy of the whole database, taken while the app runs.

It lives in `fics` only because that app's commands are found without a settings change; it
copies every app's tables. `restore` is its other half and shares the helpers here.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections


class Command(BaseCommand):
    help = (
        "Copy the database to PATH while the app keeps running. SQLite: a copy of the database "
        "file made with SQLite's online backup API, in one snapshot. PostgreSQL: pg_dump's "
        "custom format, also one snapshot. `manage.py restore PATH` puts it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, metavar="PATH")
        parser.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, path: Path, force: bool, database: str, **options):
        if path.is_dir():
            raise CommandError(f"{path} is a folder: name the backup file to write.")
        if path.exists() and not force:
            raise CommandError(f"{path} already exists: use --force to overwrite it.")
        if not path.parent.is_dir():
            raise CommandError(f"No such folder: {path.parent}")
        connection = connections[database]
        if connection.vendor not in ("sqlite", "postgresql"):
            raise CommandError(f"Cannot back up a {connection.vendor} database.")
        # Written beside PATH under another name, then renamed: PATH is never half a backup, and
        # an older backup there is replaced only by a complete one. mkstemp makes it private
        # (0600): a backup holds every reader's password hash.
        descriptor, partial_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        os.close(descriptor)
        partial = Path(partial_name)
        try:
            if connection.vendor == "sqlite":
                backup_sqlite(connection, partial)
            else:
                run_postgresql_tool(
                    "pg_dump", ["--format=custom", f"--file={partial}"], connection.settings_dict
                )
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(self.style.SUCCESS(f"Backed up the database to {path}."))


def backup_sqlite(connection, target: Path) -> None:
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        # All pages in one step (the default, pages=-1) under one read transaction: one
        # snapshot. In WAL mode writers go on meanwhile; their changes are not in this copy.
        connection.connection.backup(copy)
        # The copy is one self-contained file, not a WAL database needing -wal/-shm files.
        copy.execute("PRAGMA journal_mode=DELETE")
        check_sqlite_backup(copy, target)


def check_sqlite_backup(database: sqlite3.Connection, path: Path) -> None:
    try:
        problems = [row[0] for row in database.execute("PRAGMA integrity_check")]
        has_migrations = database.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone()
    except sqlite3.DatabaseError as error:
        raise CommandError(f"{path} is not a usable SQLite database: {error}") from error
    if problems != ["ok"]:
        raise CommandError(f"{path} is damaged: " + "; ".join(problems[:5]))
    if not has_migrations:
        raise CommandError(f"{path} is not a backup of this app's database (no migrations).")


def postgresql_environment(settings_dict: dict) -> dict[str, str]:
    """The connection as libpq's variables: the password never appears on a command line,
    where any user of the machine could read it in the process list."""
    options = settings_dict.get("OPTIONS", {})
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSERVICE": options.get("service"),
        "PGPASSFILE": options.get("passfile"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
    }
    return os.environ | {name: str(value) for name, value in values.items() if value}


def run_postgresql_tool(program: str, arguments: list[str], settings_dict: dict) -> str:
    executable = shutil.which(program)
    if executable is None:
        raise CommandError(f"{program} is not installed (it comes with PostgreSQL's client).")
    result = subprocess.run(
        # --no-password: fail at once rather than wait for someone to type one.
        [executable, "--no-password", *arguments],
        env=postgresql_environment(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise CommandError(f"{program} failed: {result.stderr.strip()}")
    return result.stdout
