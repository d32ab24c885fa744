"""YAML front matter (`---` … `---` at the top of a Markdown file) as flat metadata.

Only strings and lists of strings are kept: values are shown to the reader, and refusing nested
structures means YAML aliases can never be expanded into something huge.
"""

from dataclasses import dataclass

import yaml

_FENCE = "---"
_CLOSING_FENCES = {"---", "..."}
# Metadata, not a chapter of text: anything longer is not front matter.
_MAX_LINES = 200
_MAX_CHARACTERS = 20_000


@dataclass(frozen=True)
class FrontMatterBlock:
    # Keys lower-cased; values as lists of non-empty strings.
    fields: dict[str, list[str]]
    body: str


def split_front_matter(text: str) -> FrontMatterBlock | None:
    lines = text[: _MAX_CHARACTERS + 1].split("\n", _MAX_LINES + 1)
    if not lines or lines[0].strip() != _FENCE:
        return None
    for number, line in enumerate(lines[1 : _MAX_LINES + 1], start=1):
        if line.strip() in _CLOSING_FENCES:
            fields = _fields("\n".join(lines[1:number]))
            if fields is None:
                return None
            body = text.split("\n", number + 1)[number + 1] if text.count("\n") > number else ""
            return FrontMatterBlock(fields, body)
    return None


def _fields(source: str) -> dict[str, list[str]] | None:
    try:
        loaded = yaml.safe_load(source)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    if not isinstance(loaded, dict) or not loaded:
        return None
    fields: dict[str, list[str]] = {}
    for key, value in loaded.items():
        values = value if isinstance(value, list) else [value]
        strings = [_scalar(item) for item in values]
        kept = [item for item in strings if item]
        if kept:
            fields[str(key).strip().casefold()] = kept
    return fields


def _scalar(value: object) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return ""
    return " ".join(str(value).split())
