"""CSV export in the columns Readwise's CSV import reads, one row per annotation.

Readwise reads Highlight (required), Title, Author, URL, Note, Location and Date and ignores
other columns, so Tags, Colour and Chapter ride along for spreadsheets and scripts. Location is
the annotation's place in reading order through the export (1, 2, 3…), which is what Readwise
sorts a book's highlights by. Dates are UTC, `YYYY-MM-DD HH:MM:SS`.

Plain UTF-8 without a byte-order mark: Readwise accepts it, and a BOM would end up in the first
column's name for most CSV readers (`\\ufeffHighlight`). Spreadsheet programs may need "import
as UTF-8".

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a `'` in front (OWASP's
advice against CSV injection): a spreadsheet would otherwise run it as a formula, and the notes,
tags and story text in the file were written by others (shared notes, the story's author). The
price is a stray `'` on such a cell where the file is imported elsewhere.
"""

import csv
import io
from datetime import UTC

from annotations.exports.records import WorkRecord

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = [
    "Highlight",
    "Title",
    "Author",
    "URL",
    "Note",
    "Location",
    "Date",
    "Tags",
    "Colour",
    "Chapter",
]


def export_readwise_csv(work: WorkRecord) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    location = 0
    for chapter in work.chapters:
        for annotation in sorted(chapter.all_annotations, key=lambda a: (a.start, a.end, a.id)):
            location += 1
            writer.writerow(
                {
                    "Highlight": _inert(annotation.exact),
                    "Title": _inert(work.title),
                    "Author": _inert(work.author),
                    "URL": _inert(chapter.url),
                    "Note": _inert(annotation.note),
                    "Location": location,
                    "Date": f"{annotation.created.astimezone(UTC):%Y-%m-%d %H:%M:%S}",
                    "Tags": _inert(", ".join(tag.name for tag in annotation.tags)),
                    "Colour": annotation.colour,
                    "Chapter": _inert(chapter.display_title),
                }
            )
    return out.getvalue()


def _inert(cell: str) -> str:
    """The cell as text a spreadsheet shows, never a formula it runs."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell
