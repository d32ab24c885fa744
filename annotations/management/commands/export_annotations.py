"""`manage.py export_annotations --work ID --format FMT`: a reader's annotations as a file.

Without `-o` a text format is printed; EPUB, a zip, needs a file. The command has no request to
take the site's address from: `--base-url https://marginalia.example` makes the addresses in the
export web addresses, otherwise they are `urn:marginalia:work:{content hash}:…` names.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations.exports.collect import ExportScope, collect_export
from annotations.exports.formats import FORMATS
from annotations.models import Colour, Tag
from fics.models import Work


def reader_named(username: str | None):
    """The reader given by name, or the only reader there is; CommandError otherwise."""
    users = get_user_model().objects
    if username:
        user = users.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"There is no reader called “{username}”.")
        return user
    readers = list(users.order_by("pk")[:2])
    if not readers:
        raise CommandError("There are no readers yet: add one with `manage.py add_reader NAME`.")
    if len(readers) > 1:
        raise CommandError("There is more than one reader: say whose with --user NAME.")
    return readers[0]


class Command(BaseCommand):
    help = "Export a reader's annotations on a work (or one chapter) as a file."

    def add_arguments(self, parser):
        parser.add_argument("--work", type=int, required=True, help="the work's id (in its URL)")
        parser.add_argument("--chapter", type=int, help="only this chapter (its number)")
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument("--user", help="whose annotations (needed if there are several)")
        parser.add_argument(
            "--include-shared", action="store_true", help="add other readers' shared ones"
        )
        parser.add_argument(
            "--include-replies",
            action="store_true",
            help="add the replies under each annotation (always in JSON)",
        )
        parser.add_argument("--tag", default="", help="only annotations with this tag")
        parser.add_argument("--kind", default="", choices=["", *Tag.Kind.values])
        parser.add_argument("--colour", default="", choices=["", *Colour.values])
        parser.add_argument("--base-url", default="", help="the site's address, for links")
        parser.add_argument("-o", "--output", type=Path, help="file to write (default: print)")

    def handle(self, *args, **options):
        work = Work.objects.filter(pk=options["work"]).first()
        if work is None:
            raise CommandError(f"There is no work with id {options['work']}.")
        chapter = options["chapter"]
        if chapter is not None and not work.chapters.filter(position=chapter).exists():
            raise CommandError(
                f"“{work.title}” has no chapter {chapter} (it has {work.chapters.count()})."
            )
        export_format = FORMATS[options["format"]]
        output = options["output"]
        if export_format.binary and output is None:
            raise CommandError(f"{export_format.label} is a binary file: give -o FILE.")
        reader = reader_named(options["user"])
        scope = ExportScope(
            chapter=chapter,
            include_shared=options["include_shared"],
            include_replies=options["include_replies"] or options["format"] == "json",
            tag=" ".join(options["tag"].split()),
            kind=options["kind"],
            colour=options["colour"],
        )
        record = collect_export(work=work, reader=reader, scope=scope, base_url=options["base_url"])
        content = export_format.render(record)
        if output is None:
            self.stdout.write(content, ending="")
            return
        try:
            if isinstance(content, bytes):
                output.write_bytes(content)
            else:
                output.write_text(content, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Could not write {output}: {error.strerror}.") from error
        self.stderr.write(f"Wrote {record.annotation_count} annotation(s) to {output}.")
