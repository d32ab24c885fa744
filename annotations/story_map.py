"""A work's story map: the numbers behind it and their drawing. Pure: no Django, no database.

Chapters are the x axis, in reading order, each as wide as its share of the work's words (never
thinner than MIN_SHARE, so that a short interlude can still be clicked). Each strip is a tag of the
reader's, or a character found in the text, with up to three rows over the chapters: how many of
the reader's passages carry the tag, how many shared passages of other readers carry a tag of
that name (counted apart), and how often the character is named. The same numbers come out as an
SVG drawing, a table and a CSV file.

The drawing is SVG written here rather than by a charting library: strips of rectangles need no
more, and a chart of 122 chapters by thirty strips is drawn in a few milliseconds, with no
JavaScript, working offline, in dark mode (colours are the page's CSS variables) and in print.
"""

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from html import escape
from itertools import combinations

# The drawing's own units: every strip is this wide, and the browser scales it to the page.
WIDTH = 1000
ROW_HEIGHT = 14
ROW_GAP = 3
MIN_SHARE = 0.002
CHARACTER, THEME, OTHER = "character", "theme", "other"
KIND_ORDER = {CHARACTER: 0, THEME: 1, OTHER: 2}
MINE, SHARED, MENTIONS = "mine", "shared", "mentions"
SERIES_LABELS = {MINE: "my passages", SHARED: "shared passages", MENTIONS: "mentions"}


@dataclass(frozen=True)
class ChapterInfo:
    pk: int
    position: int
    title: str
    words: int
    url: str


@dataclass(frozen=True)
class Column:
    """A chapter on the x axis, in the drawing's units."""

    chapter: ChapterInfo
    x: float
    width: float


@dataclass(frozen=True)
class Series:
    kind: str  # MINE, SHARED or MENTIONS
    counts: tuple[int, ...]  # one per column
    links: tuple[str, ...]  # where each cell leads ("" for none)

    @property
    def label(self) -> str:
        return SERIES_LABELS[self.kind]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def chapters(self) -> int:
        return sum(1 for count in self.counts if count)


@dataclass
class Strip:
    name: str
    kind: str
    tag_pk: int | None = None
    series: list[Series] = field(default_factory=list)


@dataclass(frozen=True)
class TagInfo:
    pk: int
    name: str
    kind: str


@dataclass(frozen=True)
class StoryMap:
    columns: tuple[Column, ...]
    strips: tuple[Strip, ...]

    def grouped(self) -> list[tuple[str, list[Strip]]]:
        labels = {CHARACTER: "Characters", THEME: "Themes", OTHER: "Other tags"}
        return [
            (labels[kind], [strip for strip in self.strips if strip.kind == kind])
            for kind in (CHARACTER, THEME, OTHER)
            if any(strip.kind == kind for strip in self.strips)
        ]


def columns_of(chapters: Sequence[ChapterInfo]) -> tuple[Column, ...]:
    total = sum(chapter.words for chapter in chapters) or 1
    shares = [max(chapter.words / total, MIN_SHARE) for chapter in chapters]
    scale = WIDTH / (sum(shares) or 1)
    columns, x = [], 0.0
    for chapter, share in zip(chapters, shares, strict=True):
        columns.append(Column(chapter, x, share * scale))
        x += share * scale
    return tuple(columns)


def build_story_map(
    chapters: Sequence[ChapterInfo],
    tags: Sequence[TagInfo],
    mine: Mapping[tuple[int, int], int],
    characters: Sequence[str],
    mentions: Mapping[tuple[str, int], tuple[int, int]],
    character_of_tag: Mapping[str, str] | None = None,
    shared: Mapping[tuple[str, int], tuple[int, int]] | None = None,
    shared_kinds: Mapping[str, tuple[str, str]] | None = None,
) -> StoryMap:
    """The map's strips.

    `mine`: (tag pk, chapter pk) → how many of the reader's passages there carry the tag.
    `mentions`: (character, chapter pk) → (count, paragraph of the first mention).
    `character_of_tag`: a tag name, case-folded → the character it names ("clarke" → "Clarke
    Griffin"), so that a character tag and the character's mentions share one strip.
    `shared` (only when the reader asked for them): (tag name case-folded, chapter pk) → (how
    many of other readers' shared passages there carry a tag of that name, one such tag's pk);
    `shared_kinds`: tag name case-folded → (name, kind), for names the reader has no tag of.
    """
    columns = columns_of(chapters)
    character_of_tag = character_of_tag or {}
    strips: dict[str, Strip] = {}
    for tag in tags:
        strip = strips.setdefault(_key(tag.name, character_of_tag), Strip(tag.name, tag.kind))
        strip.tag_pk = tag.pk
        cells = [(n, tag.pk) if (n := mine.get((tag.pk, c.pk))) else None for c in chapters]
        strip.series.append(_series(MINE, chapters, cells, "{url}?tag={extra}"))
    if shared is not None:
        for folded in sorted({name for name, _ in shared}):
            name, kind = (shared_kinds or {}).get(folded, (folded, OTHER))
            strip = strips.setdefault(_key(name, character_of_tag), Strip(name, kind))
            cells = [shared.get((folded, c.pk)) for c in chapters]
            strip.series.append(_series(SHARED, chapters, cells, "{url}?tag={extra}"))
    for character in characters:
        cells = [mentions.get((character, c.pk)) for c in chapters]
        if not any(cells):
            continue
        strip = strips.setdefault(character.casefold(), Strip(character, CHARACTER))
        strip.kind = CHARACTER
        strip.series.append(_series(MENTIONS, chapters, cells, "{url}#p{extra}"))
    ordered = sorted(strips.values(), key=lambda s: (KIND_ORDER.get(s.kind, 2), s.name.casefold()))
    for strip in ordered:
        strip.series.sort(key=lambda series: [MINE, SHARED, MENTIONS].index(series.kind))
    return StoryMap(columns, tuple(ordered))


def _series(
    kind: str,
    chapters: Sequence[ChapterInfo],
    cells: Sequence[tuple[int, int] | None],
    link: str,
) -> Series:
    """A row from (count, what its link needs) per chapter, None where there is nothing."""
    return Series(
        kind,
        tuple(cell[0] if cell else 0 for cell in cells),
        tuple(
            link.format(url=chapter.url, extra=cell[1]) if cell else ""
            for chapter, cell in zip(chapters, cells, strict=True)
        ),
    )


def _key(name: str, character_of_tag: Mapping[str, str]) -> str:
    folded = name.casefold()
    return character_of_tag.get(folded, name).casefold()


# Drawing.


def strip_svg(strip: Strip, columns: Sequence[Column], labelled_by: str) -> str:
    """One strip as SVG: a row per series, a rectangle per chapter with any count, shaded by
    its share of the row's largest count, each with its <title> and link."""
    height = len(strip.series) * (ROW_HEIGHT + ROW_GAP) - ROW_GAP
    parts = [
        f'<svg class="sm-strip" viewBox="0 0 {WIDTH} {height}" preserveAspectRatio="none" '
        f'height="{height}" role="group" aria-labelledby="{labelled_by}">'
    ]
    for row, series in enumerate(strip.series):
        y = row * (ROW_HEIGHT + ROW_GAP)
        parts.append(
            f'<rect class="sm-track" x="0" y="{y}" width="{WIDTH}" height="{ROW_HEIGHT}"/>'
        )
        largest = max(series.counts, default=0) or 1
        for column, count, link in zip(columns, series.counts, series.links, strict=True):
            if not count:
                continue
            title = escape(f"{column.chapter.title}: {_count_label(series.kind, count)}")
            parts.append(
                f'<a href="{escape(link)}"><rect class="sm-{series.kind}" x="{column.x:.2f}" '
                f'y="{y}" width="{column.width:.2f}" height="{ROW_HEIGHT}" '
                f'fill-opacity="{0.3 + 0.7 * count / largest:.2f}"><title>{title}</title>'
                "</rect></a>"
            )
    parts.append("</svg>")
    return "".join(parts)


def axis_svg(columns: Sequence[Column]) -> str:
    """The chapters themselves, alternately shaded, each a link with its title and length."""
    parts = [
        f'<svg class="sm-axis" viewBox="0 0 {WIDTH} {ROW_HEIGHT}" preserveAspectRatio="none" '
        f'height="{ROW_HEIGHT}" role="group" aria-label="Chapters, as wide as they are long">'
    ]
    for index, column in enumerate(columns):
        chapter = column.chapter
        title = escape(f"{chapter.title} ({chapter.words:,} words)")
        parts.append(
            f'<a href="{escape(chapter.url)}"><rect class="sm-chapter sm-chapter-{index % 2}" '
            f'x="{column.x:.2f}" y="0" width="{column.width:.2f}" height="{ROW_HEIGHT}">'
            f"<title>{title}</title></rect></a>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _count_label(kind: str, count: int) -> str:
    if kind == MENTIONS:
        return f"named {count} time{'s' * (count != 1)}"
    noun = "shared passage" if kind == SHARED else "passage"
    return f"{count} {noun}{'s' * (count != 1)}"


# The same numbers as rows: for the table view and the CSV file.


def table_header(story_map: StoryMap) -> list[str]:
    return [
        f"{strip.name} ({series.label})" for strip in story_map.strips for series in strip.series
    ]


def table_rows(story_map: StoryMap) -> list[tuple[ChapterInfo, list[int]]]:
    every_series = [series for strip in story_map.strips for series in strip.series]
    return [
        (column.chapter, [series.counts[index] for series in every_series])
        for index, column in enumerate(story_map.columns)
    ]


def table_html(story_map: StoryMap) -> str:
    """The numbers as an HTML table, chapters as rows: written here like the drawing, since a
    template spends a quarter of a second on a novel's five thousand cells."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in table_header(story_map))
    rows = "".join(
        f'<tr><th scope="row"><a href="{escape(chapter.url)}">{escape(chapter.title)}</a></th>'
        f"<td>{chapter.words}</td>{''.join(f'<td>{n}</td>' for n in counts)}</tr>"
        for chapter, counts in table_rows(story_map)
    )
    return (
        f'<table><thead><tr><th scope="col">Chapter</th><th scope="col">Words</th>{head}</tr>'
        f"</thead><tbody>{rows}</tbody></table>"
    )


def map_csv(story_map: StoryMap) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["chapter", "title", "words", *table_header(story_map)])
    for chapter, counts in table_rows(story_map):
        writer.writerow([chapter.position, chapter.title, chapter.words, *counts])
    return out.getvalue()


# Co-occurrence.


@dataclass(frozen=True)
class Matrix:
    """Symmetric counts over `names`: `cells[(a, b)]` with a before b in `names`, and the
    diagonal `cells[(a, a)]` counting each alone. `seconds` holds a second count where there is
    one (chapters, beside scenes); `labels` a pair's relationship tag."""

    names: tuple[str, ...]
    cells: dict[tuple[str, str], int]
    seconds: dict[tuple[str, str], int] = field(default_factory=dict)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)

    def cell(self, a: str, b: str) -> int:
        return self.cells.get(self._ordered(a, b), 0)

    def second(self, a: str, b: str) -> int:
        return self.seconds.get(self._ordered(a, b), 0)

    def label(self, a: str, b: str) -> str:
        return self.labels.get(self._ordered(a, b), "")

    def _ordered(self, a: str, b: str) -> tuple[str, str]:
        return (a, b) if self._order[a] <= self._order[b] else (b, a)

    @cached_property
    def _order(self) -> dict[str, int]:
        # Once per matrix, not once per cell: a matrix is drawn cell by cell.
        return {name: index for index, name in enumerate(self.names)}

    @property
    def largest(self) -> int:
        return max((n for (a, b), n in self.cells.items() if a != b), default=0)

    def csv(self, unit: str) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        header = ["a", "b", unit] + (["chapters"] if self.seconds else []) + ["relationship"]
        writer.writerow(header)
        for i, a in enumerate(self.names):
            for b in self.names[i:]:
                if count := self.cell(a, b):
                    row = [a, b, count] + ([self.second(a, b)] if self.seconds else [])
                    writer.writerow([*row, self.label(a, b)])
        return out.getvalue()


def character_matrix(
    scenes: Iterable[tuple[int, int, str]],
    characters: Sequence[str],
    relationships: Mapping[tuple[str, str], str] | None = None,
) -> Matrix:
    """Characters named in the same scenes: `scenes` holds (chapter pk, scene, character) for
    every character named in a scene. Counts scenes, and chapters as the second count."""
    in_scene: dict[tuple[int, int], set[str]] = {}
    for chapter, scene, name in scenes:
        in_scene.setdefault((chapter, scene), set()).add(name)
    in_chapter: dict[int, set[str]] = {}
    for (chapter, _), names in in_scene.items():
        in_chapter.setdefault(chapter, set()).update(names)
    order = [name for name in characters if any(name in s for s in in_scene.values())]
    return Matrix(
        tuple(order),
        _pair_counts(in_scene.values(), order),
        _pair_counts(in_chapter.values(), order),
        _ordered_labels(relationships or {}, order),
    )


def tag_matrix(passages: Iterable[tuple[int, str]], tag_names: Sequence[str]) -> Matrix:
    """The reader's tags used on the same passages: `passages` holds (annotation pk, tag name)."""
    on_passage: dict[int, set[str]] = {}
    for annotation, name in passages:
        on_passage.setdefault(annotation, set()).add(name)
    order = [name for name in tag_names if any(name in s for s in on_passage.values())]
    return Matrix(tuple(order), _pair_counts(on_passage.values(), order))


def _pair_counts(groups: Iterable[set[str]], order: Sequence[str]) -> dict[tuple[str, str], int]:
    rank = {name: index for index, name in enumerate(order)}
    counts: Counter = Counter()
    for group in groups:
        present = sorted((name for name in group if name in rank), key=rank.__getitem__)
        counts.update((name, name) for name in present)
        counts.update(combinations(present, 2))
    return dict(counts)


def _ordered_labels(
    labels: Mapping[tuple[str, str], str], order: Sequence[str]
) -> dict[tuple[str, str], str]:
    rank = {name: index for index, name in enumerate(order)}
    return {
        (a, b) if rank[a] <= rank[b] else (b, a): label
        for (a, b), label in labels.items()
        if a in rank and b in rank
    }


def relationship_pairs(
    relationships: Iterable[str], character_of: Mapping[str, str]
) -> dict[tuple[str, str], str]:
    """Each pair of characters an AO3 relationship tag joins ("Clarke/Lexa", "Clarke & Lexa",
    three or more for a poly tag), matched to the characters through their names and short
    forms (`character_of`: a name, case-folded → the character); the tag for each pair."""
    pairs: dict[tuple[str, str], str] = {}
    for relationship in relationships:
        people = [
            character_of.get(" ".join(part.split()).casefold())
            for part in relationship.replace("&", "/").split("/")
        ]
        known = list(dict.fromkeys(person for person in people if person))
        for a, b in combinations(known, 2):
            pairs.setdefault((a, b), relationship)
    return pairs


@dataclass(frozen=True)
class MatrixCell:
    other: str
    count: int
    label: str
    url: str
    # What the cell says to a screen reader or on hover: "Clarke and Lexa: 4 scenes, 2 chapters".
    title: str
    # 0 (nothing, or the diagonal) to 4 (the most of any pair): the shade the page gives it.
    level: int


def matrix_rows(
    matrix: Matrix, url_of, unit: str, second_unit: str = ""
) -> list[tuple[str, list[MatrixCell]]]:
    """The matrix as table rows, each cell linking (`url_of(a, b)`) to what it counts."""
    largest = matrix.largest or 1
    rows = []
    for a in matrix.names:
        cells = []
        for b in matrix.names:
            count = matrix.cell(a, b)
            level = min(4, 1 + (4 * count - 1) // largest) if count and a != b else 0
            who = a if a == b else f"{a} and {b}"
            title = f"{who}: {_plural(count, unit)}"
            if second_unit:
                title += f", {_plural(matrix.second(a, b), second_unit)}"
            if label := matrix.label(a, b):
                title += f" ({label})"
            cells.append(MatrixCell(b, count, label, url_of(a, b) if count else "", title, level))
        rows.append((a, cells))
    return rows


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'s' * (count != 1)}"
