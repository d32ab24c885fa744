"""The export formats by name: what the export page and `export_annotations` offer."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.text import slugify

from annotations.exports import web_annotation
from annotations.exports.epub import export_epub
from annotations.exports.html import export_html
from annotations.exports.markdown import export_markdown
from annotations.exports.readwise_csv import export_readwise_csv
from annotations.exports.records import WorkRecord


@dataclass(frozen=True)
class ExportFormat:
    key: str
    label: str
    extension: str
    content_type: str
    # str for text formats, bytes for a binary one (EPUB is a zip).
    render: Callable[[WorkRecord], str | bytes]
    binary: bool = False


FORMATS = {
    export_format.key: export_format
    for export_format in [
        ExportFormat("md", "Markdown", "md", "text/markdown; charset=utf-8", export_markdown),
        ExportFormat(
            "html",
            "HTML (one page that opens offline)",
            "html",
            "text/html; charset=utf-8",
            export_html,
        ),
        ExportFormat(
            "json",
            "JSON (W3C Web Annotation; can be imported again)",
            "json",
            f"{web_annotation.MEDIA_TYPE}; charset=utf-8",
            web_annotation.export_web_annotation,
        ),
        ExportFormat(
            "csv", "CSV (Readwise)", "csv", "text/csv; charset=utf-8", export_readwise_csv
        ),
        ExportFormat(
            "epub", "EPUB e-book", "epub", "application/epub+zip", export_epub, binary=True
        ),
    ]
}


def export_filename(work: WorkRecord, export_format: ExportFormat) -> str:
    """`{title-slug}-ch{N}-annotated.{ext}`, or without `-ch{N}` for the whole work."""
    slug = slugify(work.title) or f"work-{work.id}"
    chapter = f"-ch{work.only_chapter}" if work.only_chapter is not None else ""
    return f"{slug}{chapter}-annotated.{export_format.extension}"
