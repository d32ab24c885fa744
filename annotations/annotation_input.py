"""What a reader posts to make or change an annotation, checked and made plain.

Saving a highlight is the app's busiest write, and a Django form made for it copied its ten
fields for every request (Form.__init__ deep-copies them), which cost more than checking them.
These functions check the same things and say what is wrong as the form did ("Selection start:
Enter a whole number."), which the page shows; a new highlight's selection is checked first.
"""

from dataclasses import dataclass

from django.http import QueryDict

from annotations.models import Colour, Tag
from groups.models import ReadingGroup

COLOURS = frozenset(Colour.values)
TAG_KINDS = frozenset(Tag.Kind.values)


class InvalidInput(ValueError):
    """What the reader sent cannot be saved; str() says why, for the reader."""


@dataclass(frozen=True)
class AnnotationInput:
    colour: str  # "" when not given
    note: str
    shared: bool
    group: ReadingGroup | None
    spoiler: bool
    tags: list[str]
    tag_kind: str  # "" when not given


@dataclass(frozen=True)
class Selection:
    """Where the browser says the selection is, and what it says it reads."""

    utf16_start: int
    utf16_end: int
    exact: str


def split_tag_names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


def read_annotation(data: QueryDict, reader) -> AnnotationInput:
    """A note's colour, words, audience and tags; InvalidInput if any is wrong.

    The audience is "me", "everyone" or "group:<id>" (a group the reader is in); without it,
    `shared` says me or everyone. `spoiler` is kept whatever the audience: it takes effect
    whenever the note is shared. `tag_kind` is the kind of the tags this creates."""
    colour = _choice(data, "colour", COLOURS)
    note = _text(data, "note", "Note", max_length=20_000)
    shared = _checked(data, "shared")
    audience = _text(data, "audience", "Who sees it", max_length=20, strip=True)
    spoiler = _checked(data, "spoiler")
    tags = split_tag_names(_text(data, "tags", "Tags", max_length=2000, strip=True))
    tag_kind = _choice(data, "tag_kind", TAG_KINDS)
    audience = audience or ("everyone" if shared else "me")
    group = None
    if audience.startswith("group:"):
        group_id = audience.removeprefix("group:")
        if group_id.isascii() and group_id.isdigit():
            group = ReadingGroup.objects.filter(pk=group_id, memberships__user=reader).first()
        if group is None:
            raise InvalidInput("Who sees it: You are not in that group.")
    elif audience not in {"me", "everyone"}:
        raise InvalidInput("Who sees it: Choose only me, one of your groups or everyone.")
    return AnnotationInput(
        colour=colour,
        note=note,
        shared=audience == "everyone",
        group=group,
        spoiler=spoiler,
        tags=tags,
        tag_kind=tag_kind,
    )


def read_selection(data: QueryDict) -> Selection:
    """The selection a new annotation (or a re-attached one) goes on; InvalidInput if wrong."""
    return Selection(
        utf16_start=_offset(data, "utf16_start", "Selection start"),
        utf16_end=_offset(data, "utf16_end", "Selection end"),
        exact=_text(data, "exact", "Selected text", max_length=200_000, required=True),
    )


def _text(
    data: QueryDict, name: str, label: str, *, max_length: int, required=False, strip=False
) -> str:
    """As the form's CharField: kept as written unless `strip`, NUL refused (PostgreSQL's text
    cannot hold it)."""
    value = data.get(name) or ""
    if strip:
        value = value.strip()
    if not value and required:
        raise InvalidInput(f"{label}: This field is required.")
    if len(value) > max_length:
        raise InvalidInput(
            f"{label}: Ensure this value has at most {max_length} characters (it has {len(value)})."
        )
    if "\x00" in value:
        raise InvalidInput(f"{label}: Null characters are not allowed.")
    return value


def _choice(data: QueryDict, name: str, choices: frozenset[str]) -> str:
    value = data.get(name) or ""
    if value and value not in choices:
        raise InvalidInput(f"Select a valid choice. {value} is not one of the available choices.")
    return value


def _checked(data: QueryDict, name: str) -> bool:
    """As a checkbox (Django's BooleanField): ticked unless absent, empty, "false" or "0"."""
    return (data.get(name) or "").lower() not in {"", "false", "0"}


def _offset(data: QueryDict, name: str, label: str) -> int:
    value = (data.get(name) or "").strip()
    if not value:
        raise InvalidInput(f"{label}: This field is required.")
    try:
        offset = int(value)
    except ValueError:
        raise InvalidInput(f"{label}: Enter a whole number.") from None
    if offset < 0:
        raise InvalidInput(f"{label}: Ensure this value is greater than or equal to 0.")
    return offset
