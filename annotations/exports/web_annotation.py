"""JSON export in the W3C Web Annotation Data Model, and the reading of such a file back.

The file is one `AnnotationCollection` whose annotations are embedded in its `first`
`AnnotationPage` (§5.1–5.2 of the model: a collection refers to its pages; `items` belong to a
page). Each annotation targets its chapter (`source`) with two selectors, as Marginalia stores
them: a `TextQuoteSelector` and a `TextPositionSelector`. Positions count Unicode code points over
the *chapter text*: the chapter's author's notes and paragraphs joined by a blank line ("\\n\\n"),
scene breaks left out (see annotations.anchoring).

`source` is the chapter's web address when the export knows the site's address (a browser
download, or `export_annotations --base-url`); otherwise `urn:marginalia:work:{content
hash}:chapter:{N}`, which names the same story wherever it was imported.

Tags are `tagging` bodies, the note a `commenting` body in `text/markdown` as the reader wrote it.
Replies follow their annotation as annotations with the motivation `replying` whose `target` is
the annotation's id (as Hypothesis exports them); importing leaves them out.
What the model has no term for is in the `marginalia:` namespace: the highlight colour, whether
it is shared or a spoiler, a tag's kind and colour, and the work and chapter identity that
importing needs to re-attach annotations.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from annotations.exports.records import AnnotationRecord, ChapterRecord, ReplyRecord, WorkRecord

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
NAMESPACE = "https://marginalia.invalid/ns#"
CONTEXT = [ANNO_CONTEXT, {"marginalia": NAMESPACE}]
MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


def export_web_annotation(work: WorkRecord) -> str:
    items = [
        item
        for chapter in work.chapters
        for annotation in chapter.all_annotations
        for item in (
            _annotation(annotation, chapter),
            *(_reply(reply, annotation) for reply in annotation.replies),
        )
    ]
    collection_id = f"{work.url}#annotations"
    collection = {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"Annotations on {work.title}",
        "total": len(items),
        "generated": _date(work.exported_at),
        "generator": {"type": "Software", "name": "Marginalia"},
        "marginalia:work": {
            "title": work.title,
            "author": work.author,
            "contentHash": work.content_hash,
            "source": work.url,
            "chapterCount": work.chapter_count,
        },
        "marginalia:exportedBy": work.reader,
        "marginalia:includesShared": work.include_shared,
    }
    if work.only_chapter is not None:
        collection["marginalia:onlyChapter"] = work.only_chapter
    if items:
        # A collection without annotations has no pages at all (§5.1: `first` is for non-empty).
        collection["first"] = {
            "id": f"{collection_id}-page1",
            "type": "AnnotationPage",
            "partOf": collection_id,
            "startIndex": 0,
            "items": items,
        }
    return json.dumps(collection, ensure_ascii=False, indent=2) + "\n"


def _annotation(annotation: AnnotationRecord, chapter: ChapterRecord) -> dict:
    body = [
        {
            "type": "TextualBody",
            "purpose": "tagging",
            "value": tag.name,
            "marginalia:tagKind": tag.kind,
            "marginalia:tagColour": tag.colour,
        }
        for tag in annotation.tags
    ]
    if annotation.note:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": annotation.note,
                "format": "text/markdown",
            }
        )
    if annotation.note:
        motivation = "commenting"
    elif annotation.tags:
        motivation = "tagging"
    else:
        motivation = "highlighting"
    item = {
        "id": annotation.url,
        "type": "Annotation",
        "motivation": motivation,
        "creator": {"type": "Person", "nickname": annotation.creator},
        "created": _date(annotation.created),
        "modified": _date(annotation.modified),
        "marginalia:colour": annotation.colour,
        "marginalia:shared": annotation.shared,
        "marginalia:spoiler": annotation.spoiler,
        "target": {
            "source": chapter.url,
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": annotation.exact,
                    "prefix": annotation.prefix,
                    "suffix": annotation.suffix,
                },
                {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end},
            ],
            "marginalia:chapter": {"position": chapter.position, "title": chapter.title},
        },
    }
    if body:
        item["body"] = body
    return item


def _reply(reply: ReplyRecord, parent: AnnotationRecord) -> dict:
    """A reply is an annotation of its annotation, as Hypothesis exports them."""
    return {
        "id": reply.url,
        "type": "Annotation",
        "motivation": "replying",
        "creator": {"type": "Person", "nickname": reply.creator},
        "created": _date(reply.created),
        "body": {"type": "TextualBody", "value": reply.text, "format": "text/markdown"},
        "target": parent.url,
    }


def _date(moment: datetime) -> str:
    """xsd:dateTime in UTC, as the model asks (`2024-05-01T12:00:00Z`)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- Reading a file back --------------------------------------------------------------------


class ExportFileError(ValueError):
    """The file is not a Marginalia JSON export; the message says why, for the reader."""


@dataclass(frozen=True)
class WorkIdentity:
    title: str
    author: str
    content_hash: str


@dataclass(frozen=True)
class ImportedTag:
    name: str
    kind: str


@dataclass(frozen=True)
class ImportedAnnotation:
    """One annotation of the file, as far as the file can say: checked for shape, not yet
    placed in any chapter."""

    number: int
    chapter_position: int
    chapter_title: str
    exact: str
    prefix: str
    suffix: str
    start: int | None
    end: int | None
    colour: str
    note: str
    tags: tuple[ImportedTag, ...]
    spoiler: bool = False

    def describe(self) -> str:
        words = " ".join(self.exact.split())
        quoted = words if len(words) <= 60 else f"{words[:59]}…"
        chapter = f"chapter {self.chapter_position}"
        if self.chapter_title:
            chapter += f" “{self.chapter_title}”"
        return f"#{self.number} ({chapter}: “{quoted}”)"


@dataclass(frozen=True)
class ImportedFile:
    work: WorkIdentity
    annotations: tuple[ImportedAnnotation, ...]
    # Items the file holds that cannot be read as annotations: each said, none dropped unsaid.
    unreadable: tuple[str, ...]


def read_web_annotation(data: bytes | str) -> ImportedFile:
    """Parse a JSON export made by `export_web_annotation`; ExportFileError if it is not one."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise ExportFileError(f"This is not a JSON file ({error}).") from error
    if not isinstance(document, dict) or document.get("type") != "AnnotationCollection":
        raise ExportFileError("This JSON file is not an annotation collection.")
    work = document.get("marginalia:work")
    if not isinstance(work, dict) or not isinstance(work.get("title"), str):
        raise ExportFileError(
            "This annotation collection does not say which work it belongs to: only files "
            "exported from Marginalia can be imported."
        )
    identity = WorkIdentity(
        title=work["title"],
        author=_text(work.get("author")),
        content_hash=_text(work.get("contentHash")),
    )
    page = document.get("first") or {}
    items = page.get("items", []) if isinstance(page, dict) else None
    if not isinstance(items, list):
        raise ExportFileError("The collection's page has no list of annotations.")

    annotations, unreadable = [], []
    for number, item in enumerate(items, 1):
        if isinstance(item, dict) and item.get("motivation") == "replying":
            continue  # a thread belongs to the readers who wrote it: not imported as notes
        try:
            annotations.append(_read_annotation(number, item))
        except (KeyError, TypeError, ValueError) as error:
            unreadable.append(f"#{number}: not readable as an annotation ({error}).")
    return ImportedFile(identity, tuple(annotations), tuple(unreadable))


def _read_annotation(number: int, item: dict) -> ImportedAnnotation:
    target = item["target"]
    selectors = {selector["type"]: selector for selector in target["selector"]}
    quote = selectors["TextQuoteSelector"]
    position = selectors.get("TextPositionSelector", {})
    chapter = target["marginalia:chapter"]
    bodies = item.get("body", [])
    if isinstance(bodies, dict):
        bodies = [bodies]
    tags = tuple(
        ImportedTag(_text(body["value"]), _text(body.get("marginalia:tagKind")))
        for body in bodies
        if body.get("purpose") == "tagging"
    )
    notes = [_text(body["value"]) for body in bodies if body.get("purpose") == "commenting"]
    exact = _text(quote["exact"])
    if not exact:
        raise ValueError("its quote is empty")
    return ImportedAnnotation(
        number=number,
        chapter_position=_whole_number(chapter["position"]),
        chapter_title=_text(chapter.get("title")),
        exact=exact,
        prefix=_text(quote.get("prefix")),
        suffix=_text(quote.get("suffix")),
        start=_whole_number(position["start"]) if "start" in position else None,
        end=_whole_number(position["end"]) if "end" in position else None,
        colour=_text(item.get("marginalia:colour")),
        note="\n\n".join(notes),
        tags=tags,
        spoiler=item.get("marginalia:spoiler") is True,
    )


def _text(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return value


def _whole_number(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a whole number, found {value!r}")
    return value
