"""`manage.py import_fics PATH|URL...`: import story files, folders and stories by their address
(fetched by FanFicFare, fics.follow_tasks), one line per story."""

from itertools import chain
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from fics.follow_tasks import import_address
from fics.importing import ImportResult, OnNewerVersion, Outcome
from fics.importing_in_turn import StoryReader, import_files

ADDRESS_SCHEMES = ("http://", "https://")

# Files a reader keeps beside their stories that are never stories themselves.
SKIPPED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini", "SHA256SUMS"}


class Command(BaseCommand):
    help = (
        "Import story files (and every file in the folders given), or stories by their address "
        "on a site FanFicFare supports, into the library. Run by the "
        "machine's administrator: the works it imports are managed by the staff, and --update "
        "may update any work."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", metavar="PATH|URL")
        parser.add_argument(
            "--update",
            action="store_true",
            help="let a newer version of a work already in the library update it in place",
        )
        parser.add_argument(
            "--adult",
            action="store_true",
            help="confirm, for the addresses given, that you want adult content where a site asks",
        )

    def handle(
        self, *args, sources: list[str], update: bool, adult: bool, verbosity: int, **options
    ):
        addresses = [source for source in sources if source.startswith(ADDRESS_SCHEMES)]
        paths = [Path(source) for source in sources if source not in addresses]
        missing = [path for path in paths if not path.exists()]
        if missing:
            raise CommandError("No such file or folder: " + ", ".join(map(str, missing)))
        files = sorted({file for path in paths for file in _story_files(path)})
        if paths and not files:
            raise CommandError("No files to import in: " + ", ".join(map(str, paths)))
        on_newer_version = OnNewerVersion.UPDATE if update else OnNewerVersion.ASK
        labels = [file.name for file in files] + addresses
        results: list[ImportResult] = []
        # The reader is forked before the progress bar starts its thread.
        with StoryReader() as reader:
            in_turn = chain(
                import_files(reader, files, on_newer_version),
                (_import_address(address, adult, on_newer_version) for address in addresses),
            )
            with tqdm(
                labels, unit="story", disable=verbosity == 0, file=self.stderr._out, leave=False
            ) as progress:
                for label in progress:
                    progress.set_postfix_str(label)
                    result = next(in_turn)
                    results.append(result)
                    line = result.describe()
                    if result.outcome in (Outcome.FAILED, Outcome.NOT_UPDATED):
                        progress.write(self.style.ERROR(line), file=self.stdout._out)
                    elif verbosity:
                        progress.write(line, file=self.stdout._out)

        counts = {outcome: sum(r.outcome is outcome for r in results) for outcome in Outcome}
        shown = [Outcome.IMPORTED, Outcome.UNCHANGED, Outcome.UPDATED, Outcome.FAILED]
        summary = ", ".join(f"{counts[outcome]} {outcome}" for outcome in shown)
        self.stdout.write(f"{len(results)} {_stories(files, addresses)}: {summary}.")
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


def _import_address(address: str, is_adult: bool, on_newer_version: OnNewerVersion) -> ImportResult:
    result, _ = import_address(address, is_adult=is_adult, on_newer_version=on_newer_version)
    return result


def _stories(files: list[Path], addresses: list[str]) -> str:
    """How the summary counts what it was given: files, addresses, or both."""
    if not addresses:
        return "files"
    return "addresses" if not files else "files and addresses"
