"""Markdown stories: the plain-text reader with Markdown on (headings, `> ` quotes, emphasis as
spans), plus YAML front matter as the work's metadata."""

from ..model import ParsedWork
from ..rules.language import language_code
from ..rules.markdown_emphasis import plain_inline
from .plaintext import parse_plain_text
from .yaml_metadata import split_front_matter

# Front matter keys as writers spell them, to the work field they fill.
_TEXT_FIELDS = {
    "title": "title",
    "author": "author",
    "authors": "author",
    "creator": "author",
    "fandom": "fandom",
    "fandoms": "fandom",
    "summary": "summary",
    "description": "summary",
    "rating": "rating",
    "notes": "notes",
    "end_notes": "end_notes",
    "end notes": "end_notes",
}
_LIST_FIELDS = {
    "warnings": "warnings",
    "warning": "warnings",
    "archive_warnings": "warnings",
    "relationships": "relationships",
    "relationship": "relationships",
    "pairings": "relationships",
    "pairing": "relationships",
    "ships": "relationships",
    "characters": "characters",
    "character": "characters",
    "tags": "additional_tags",
    "additional_tags": "additional_tags",
    "additional tags": "additional_tags",
    "freeform": "additional_tags",
}
_SEPARATED_BY_COMMAS = {"fandom", "author"}


def parse_markdown(text: str, filename: str) -> ParsedWork:
    front_matter = split_front_matter(text)
    body = front_matter.body if front_matter else text
    work = parse_plain_text(body, filename, markdown=True)
    for chapter in work.chapters:
        chapter.title = plain_inline(chapter.title)
    if front_matter:
        for key, values in front_matter.fields.items():
            _apply(work, key, values)
    return work


def _apply(work: ParsedWork, key: str, values: list[str]) -> None:
    if key in {"language", "lang"}:
        work.language = language_code(values[0]) or work.language
    elif key in _TEXT_FIELDS:
        name = _TEXT_FIELDS[key]
        joiner = ", " if name in _SEPARATED_BY_COMMAS else "\n\n"
        setattr(work, name, joiner.join(values))
    elif key in _LIST_FIELDS:
        values = [value for item in values for value in _split_list(item)]
        setattr(work, _LIST_FIELDS[key], list(dict.fromkeys(values)))


def _split_list(value: str) -> list[str]:
    """`tags: fluff, angst` is as common as a YAML list."""
    return [part.strip() for part in value.split(",") if part.strip()]
