"""CSV export in the columns Readwise's CSV import reads, one row per annotation.

Readwise reads Highlight (required), Title, Author, URL, Note, Location and Date and ignores
other columns, so Tags, Colour and Chapter ride along for spreadsheets and scripts. Location is
the annotation's place in reading order through the export (1, 2, 3…), which is what Readwise
sorts a book's highlights by. Dates are UTC, `YYYY-MM-DD HH:MM:SS`.

Plain UTF-8 without a byte-order mark: Readwise accepts it, and a BOM would end up in the first
column's name for most CSV readers (`\\ufeffHighlight`). Spreadsheet programs may need "import
as UTF-8". Cells are written as they are, never prefixed against spreadsheet formulas: the file
is for importing elsewhere, and a prefixed highlight would show the prefix there.
"""

import csv
import io
from datetime import UTC

from annotations.exports.records import WorkRecord

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
                    "Highlight": annotation.exact,
                    "Title": work.title,
                    "Author": work.author,
                    "URL": chapter.url,
                    "Note": annotation.note,
                    "Location": location,
                    "Date": f"{annotation.created.astimezone(UTC):%Y-%m-%d %H:%M:%S}",
                    "Tags": ", ".join(tag.name for tag in annotation.tags),
                    "Colour": annotation.colour,
                    "Chapter": chapter.display_title,
                }
            )
    return out.getvalue()
