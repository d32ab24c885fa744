"""`manage.py import_annotations FILE [--user NAME]`: bring a JSON export's annotations back."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations.exports.importing import annotations_import
from annotations.exports.web_annotation import ExportFileError, read_web_annotation
from annotations.management.commands.export_annotations import reader_named


class Command(BaseCommand):
    help = "Import annotations from a Marginalia JSON export; each one is re-attached or reported."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="who the annotations will belong to")

    def handle(self, *args, file: Path, user: str | None, **options):
        reader = reader_named(user)
        try:
            imported = read_web_annotation(file.read_bytes())
        except OSError as error:
            raise CommandError(f"Could not read {file}: {error.strerror}.") from error
        except ExportFileError as error:
            raise CommandError(f"{file}: {error}") from error
        report = annotations_import(user=reader, imported=imported)
        for problem in report.problems:
            self.stderr.write(f"Not imported: {problem}")
        self.stdout.write(report.summary())
        if report.work is None:
            raise CommandError(f"{file}: no annotation could be placed.")
