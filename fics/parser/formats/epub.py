"""EPUB 2 and 3: metadata from the OPF package, one chapter per spine document (in spine order),
chapter titles from the navigation (EPUB 2's NCX or EPUB 3's nav document).

Spine documents with no story text of their own are front matter, not chapters: the cover, a
title page, a table of contents, Project Gutenberg's licence pages. FanFicFare's title page is
read for the story's metadata (formats.fanficfare).
"""

from dataclasses import dataclass, field

from lxml import etree

from ..assembly import (
    assemble_chapter,
    check_paragraph_count,
    finish_work,
    passages_from_blocks,
    story_chapters,
)
from ..model import ParsedChapter, ParsedWork, ParseError
from ..rules.html_blocks import Block, BlockKind, read_blocks
from ..rules.html_tree import (
    classes,
    find_all,
    local_name,
    parse_html,
    parse_xhtml,
    parse_xml,
    plain_text,
)
from ..rules.language import language_code
from .ao3_download import parse_ao3_download
from .ao3_epub import ao3_download_html, is_ao3_book
from .epub_archive import EpubArchive, resolve_href
from .fanficfare import apply_title_page

_CONTAINER = "META-INF/container.xml"
_PACKAGE_TYPE = "application/oebps-package+xml"
_DOCUMENT_TYPES = {"application/xhtml+xml", "text/html", "application/xml"}
_OPS_TYPE = "{http://www.idpf.org/2007/ops}type"
# Guide (EPUB 2) and landmark (EPUB 3) types that are never a chapter.
_FRONT_MATTER_TYPES = {"cover", "toc", "title-page", "titlepage", "copyright-page", "colophon"}
_CONTENTS_LABELS = {"contents", "table of contents", "toc"}
_FANFICFARE_TITLE_PAGE = "fff_titlepage"
_HEADINGS = {"h1", "h2", "h3"}
_AO3_PREFACE_WITHIN = 3
# A page whose words are nearly all links is a table of contents, whatever it is called.
_LINK_TEXT_SHARE = 0.8
# Project Gutenberg's licence header and footer inside its EPUBs.
_BOILERPLATE_IDS = {"pg-header", "pg-footer", "pg-machine-header", "pg-start-separator",
                    "pg-end-separator"}  # fmt: skip


@dataclass
class _Package:
    path: str
    metadata: dict[str, list[str]] = field(default_factory=dict)
    # Manifest id to (archive path, media type, properties).
    manifest: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    # Archive paths of the linear spine documents, in reading order.
    spine: list[str] = field(default_factory=list)
    ncx_id: str = ""
    front_matter: set[str] = field(default_factory=set)


def parse_epub(data: bytes, filename: str) -> ParsedWork:
    archive = EpubArchive(data)
    package = _read_package(archive)
    titles = _navigation_titles(archive, package)
    spine = [path for path in package.spine if path in archive]
    # AO3's preface comes first, or after a cover page that Calibre adds.
    for start, path in enumerate(spine[:_AO3_PREFACE_WITHIN]):
        if is_ao3_book(_body(parse_xhtml(archive.read(path)))):
            bodies = [_body(parse_xhtml(archive.read(path))) for path in spine[start:]]
            work = parse_ao3_download(ao3_download_html(bodies), filename)
            work.source_format = "AO3 EPUB"
            return work
    chapters: list[ParsedChapter] = []
    title_page: list[Block] | None = None
    images = paragraphs = 0
    for path in package.spine:
        if path not in archive:
            continue
        body = _body(parse_xhtml(archive.read(path)))
        blocks = read_blocks(body, skip=_is_boilerplate)
        images += blocks.images
        if _is_fanficfare_title_page(body):
            title_page = blocks.blocks
            continue
        if path in package.front_matter or _is_contents_page(body, titles.get(path, "")):
            continue
        heading, rest = _leading_heading(blocks.blocks)
        passages = passages_from_blocks(rest)
        chapters.append(assemble_chapter(titles.get(path) or heading, passages, find_notes=True))
        # As the book is read, not after: its chapters are all held in memory until then.
        paragraphs += len(chapters[-1].paragraphs)
        check_paragraph_count(paragraphs)
    work = ParsedWork(
        title=_first(package, "title"),
        chapters=story_chapters(chapters),
        author=", ".join(package.metadata.get("creator", [])),
        summary=_description(_first(package, "description")),
        additional_tags=list(dict.fromkeys(package.metadata.get("subject", []))),
    )
    if title_page is not None:
        # Its subjects mix every list of the title page: the labels tell them apart.
        work.additional_tags = []
        apply_title_page(work, [block.text for block in title_page])
        work.source_format = "FanFicFare EPUB"
    finish_work(work, filename, language=language_code(_first(package, "language")), images=images)
    return work


def _read_package(archive: EpubArchive) -> _Package:
    if _CONTAINER not in archive:
        raise ParseError("This EPUB has no META-INF/container.xml, so its contents are unknown.")
    container = parse_xml(archive.read(_CONTAINER), "container.xml")
    rootfiles = [
        rootfile.get("full-path", "")
        for rootfile in find_all(container, "rootfile")
        if rootfile.get("media-type", _PACKAGE_TYPE) == _PACKAGE_TYPE
    ]
    path = resolve_href("", rootfiles[0]) if rootfiles and rootfiles[0] else None
    if path is None or path not in archive:
        raise ParseError("This EPUB's package file (OPF) is missing.")
    opf = parse_xml(archive.read(path), "package file (OPF)")
    package = _Package(path)
    for section in find_all(opf, "metadata")[:1]:
        for element in section.iter():
            if isinstance(element.tag, str) and "purl.org/dc/" in element.tag:
                value = plain_text(element)
                if value:
                    package.metadata.setdefault(local_name(element), []).append(value)
    for item in find_all(opf, "item"):
        href = resolve_href(path, item.get("href", ""))
        if item.get("id") and href:
            package.manifest[item.get("id", "")] = (
                href,
                item.get("media-type", ""),
                item.get("properties", ""),
            )
    spines = find_all(opf, "spine")
    if not spines:
        raise ParseError("This EPUB's package file (OPF) has no reading order (spine).")
    package.ncx_id = spines[0].get("toc", "")
    for itemref in find_all(spines[0], "itemref"):
        entry = package.manifest.get(itemref.get("idref", ""))
        if entry and entry[1] in _DOCUMENT_TYPES and itemref.get("linear") != "no":
            package.spine.append(entry[0])
    for reference in find_all(opf, "reference"):
        if reference.get("type", "").casefold() in _FRONT_MATTER_TYPES:
            _add_front_matter(package, path, reference.get("href", ""))
    return package


def _navigation_titles(archive: EpubArchive, package: _Package) -> dict[str, str]:
    """Each document's first title in the navigation; a broken navigation gives none."""
    navigation = [entry for entry in package.manifest.values() if "nav" in entry[2].split()]
    ncx = package.manifest.get(package.ncx_id)
    try:
        if navigation and navigation[0][0] in archive:
            return _nav_document_titles(archive, package, navigation[0][0])
        if ncx and ncx[0] in archive:
            return _ncx_titles(parse_xml(archive.read(ncx[0]), "NCX"), ncx[0])
    except ParseError:
        return {}
    return {}


def _ncx_titles(ncx: etree._Element, ncx_path: str) -> dict[str, str]:
    titles: dict[str, str] = {}
    for point in find_all(ncx, "navpoint"):
        labels = [plain_text(text) for label in find_all(point, "navlabel")[:1]
                  for text in find_all(label, "text")[:1]]  # fmt: skip
        sources = [content.get("src", "") for content in find_all(point, "content")[:1]]
        if labels and sources:
            _add_title(titles, ncx_path, sources[0], labels[0])
    return titles


def _nav_document_titles(archive: EpubArchive, package: _Package, nav_path: str) -> dict[str, str]:
    document = parse_xhtml(archive.read(nav_path))
    navs = find_all(document, "nav")
    tocs = [nav for nav in navs if nav.get(_OPS_TYPE) == "toc"] or navs[:1]
    titles: dict[str, str] = {}
    for link in [link for nav in tocs[:1] for link in find_all(nav, "a")]:
        _add_title(titles, nav_path, link.get("href", ""), plain_text(link))
    for nav in navs:
        if nav.get(_OPS_TYPE) == "landmarks":
            for link in find_all(nav, "a"):
                if link.get(_OPS_TYPE, "").casefold() in _FRONT_MATTER_TYPES:
                    _add_front_matter(package, nav_path, link.get("href", ""))
    return titles


def _add_title(titles: dict[str, str], base: str, href: str, label: str) -> None:
    try:
        path = resolve_href(base, href)
    except ParseError:
        # A navigation link out of the book names no chapter; it is not worth refusing the book.
        return
    if path and label and path not in titles:
        titles[path] = label


def _add_front_matter(package: _Package, base: str, href: str) -> None:
    try:
        path = resolve_href(base, href)
    except ParseError:
        return
    if path:
        package.front_matter.add(path)


def _body(document: etree._Element) -> etree._Element:
    bodies = find_all(document, "body")
    return bodies[0] if bodies else document


def _is_boilerplate(element: etree._Element) -> bool:
    return element.get("id") in _BOILERPLATE_IDS or "pg-boilerplate" in classes(element)


def _is_fanficfare_title_page(body: etree._Element) -> bool:
    """Its EPUB marks the page by its class; in its MOBI, the page's heading links the author."""
    if _FANFICFARE_TITLE_PAGE in classes(body):
        return True
    return any(
        local_name(link.getparent()) in _HEADINGS
        for link in find_all(body, "a", css_class="authorlink")
    )


def _is_contents_page(body: etree._Element, title: str) -> bool:
    if title.casefold().strip() in _CONTENTS_LABELS:
        return True
    text = len(plain_text(body))
    # Only links count: a named anchor (an older MOBI's) may hold a whole chapter.
    links = sum(len(plain_text(link)) for link in find_all(body, "a") if link.get("href"))
    return text > 0 and links >= _LINK_TEXT_SHARE * text


def _leading_heading(blocks: list[Block]) -> tuple[str, list[Block]]:
    """The headings before a document's first paragraph are its chapter heading."""
    count = 0
    while count < len(blocks) and blocks[count].kind == BlockKind.HEADING:
        count += 1
    return " ".join(block.text for block in blocks[:count]), blocks[count:]


def _first(package: _Package, name: str) -> str:
    values = package.metadata.get(name, [])
    return values[0] if values else ""


def _description(description: str) -> str:
    """Calibre and others store the description as HTML."""
    if "<" not in description:
        return description
    try:
        blocks = read_blocks(parse_html(description)).blocks
    except ParseError:
        return description
    return "\n\n".join(block.text for block in blocks if block.kind != BlockKind.BREAK)
