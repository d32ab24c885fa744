"""`manage.py import_fics PATH...`: import story files and folders, one line per file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from fics.importing import ImportResult, OnNewerVersion, Outcome, import_sized

# Files a reader keeps beside their stories that are never stories themselves.
SKIPPED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini", "SHA256SUMS"}


class Command(BaseCommand):
    help = (
        "Import story files (and every file in the folders given) into the library. Run by the "
        "machine's administrator: the works it imports are managed by the staff, and --update "
        "may update any work."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--update",
            action="store_true",
            help="let a newer version of a work already in the library update it in place",
        )

    def handle(self, *args, paths: list[Path], update: bool, verbosity: int, **options):
        missing = [path for path in paths if not path.exists()]
        if missing:
            raise CommandError("No such file or folder: " + ", ".join(map(str, missing)))
        files = sorted({file for path in paths for file in _story_files(path)})
        if not files:
            raise CommandError("No files to import in: " + ", ".join(map(str, paths)))

        results: list[ImportResult] = []
        with tqdm(
            files, unit="file", disable=verbosity == 0, file=self.stderr._out, leave=False
        ) as progress:
            for file in progress:
                progress.set_postfix_str(file.name)
                result = _import_path(file, OnNewerVersion.UPDATE if update else OnNewerVersion.ASK)
                results.append(result)
                line = result.describe()
                if result.outcome in (Outcome.FAILED, Outcome.NOT_UPDATED):
                    progress.write(self.style.ERROR(line), file=self.stdout._out)
                elif verbosity:
                    progress.write(line, file=self.stdout._out)

        counts = {outcome: sum(r.outcome is outcome for r in results) for outcome in Outcome}
        shown = [Outcome.IMPORTED, Outcome.UNCHANGED, Outcome.UPDATED, Outcome.FAILED]
        summary = ", ".join(f"{counts[outcome]} {outcome}" for outcome in shown)
        self.stdout.write(f"{len(results)} files: {summary}.")
        if counts[Outcome.NEWER_VERSION]:
            self.stdout.write(
                f"{counts[Outcome.NEWER_VERSION]} file(s) are newer versions of works in the "
                "library and were left alone: run again with --update to update those works."
            )
        problems = []
        if counts[Outcome.FAILED]:
            problems.append(f"{counts[Outcome.FAILED]} file(s) could not be imported.")
        if counts[Outcome.NOT_UPDATED]:
            problems.append(
                f"{counts[Outcome.NOT_UPDATED]} file(s) share too little text with the work of "
                "the same name to update it, and were left alone."
            )
        if problems:
            raise CommandError(" ".join(problems))


def _story_files(path: Path):
    if path.is_file():
        yield path
        return
    for file in path.rglob("*"):
        hidden = any(part.startswith(".") for part in file.relative_to(path).parts)
        if file.is_file() and not hidden and file.name not in SKIPPED_NAMES:
            yield file


def _import_path(file: Path, on_newer_version: OnNewerVersion) -> ImportResult:
    try:
        return import_sized(file.name, file.stat().st_size, file.read_bytes, on_newer_version)
    except OSError as error:
        return ImportResult(file.name, Outcome.FAILED, message=f"cannot read it ({error.strerror})")
