"""A FanFiction.net chapter page saved from the browser: the story is `#storytext`; title,
author, summary and the "Rated: … - English - Genre - Characters - …" line are in
`#profile_top`; the chapter's title is the selected entry of the chapter menu. Menus, ads,
scripts and reviews around them are ignored."""

import re

from lxml import etree

from ..assembly import assemble_chapter, finish_work, passages_from_blocks, story_chapters
from ..model import ParsedWork, ParseError
from ..rules.html_blocks import read_blocks
from ..rules.html_tree import find_all, find_by_id, local_name, parse_html, plain_text
from ..rules.language import language_code

_RATING = re.compile(r"Rated:\s*(?:Fiction\s+)?(?P<rating>K\+?|T|M|MA)\b")
_MENU_NUMBER = re.compile(r"^\d+\.\s*")
_PAIRING = re.compile(r"\[(?P<names>[^\]]+)\]")
# FanFiction.net's genres: the details segment made only of these is not the characters.
_GENRES = {
    "adventure", "angst", "crime", "drama", "family", "fantasy", "friendship", "general",
    "horror", "humor", "hurt/comfort", "mystery", "parody", "poetry", "romance", "sci-fi",
    "spiritual", "supernatural", "suspense", "tragedy", "western",
}  # fmt: skip


def parse_ffn_page(text: str, filename: str) -> ParsedWork:
    root = parse_html(text)
    story = find_by_id(root, "storytext")
    if story is None:
        raise ParseError("This FanFiction.net page has no story text in it.")
    blocks = read_blocks(story)
    chapter = assemble_chapter(
        _chapter_title(root), passages_from_blocks(blocks.blocks), find_notes=True
    )
    work = ParsedWork(title="", chapters=story_chapters([chapter]))
    profile = find_by_id(root, "profile_top")
    if profile is not None:
        _read_profile(work, profile)
    work.fandom = _fandom(root)
    finish_work(work, filename, images=blocks.images)
    return work


def _read_profile(work: ParsedWork, profile: etree._Element) -> None:
    for element in profile.iter():
        name = local_name(element)
        css = element.get("class") or ""
        if name == "b" and "xcontrast_txt" in css and not work.title:
            work.title = plain_text(element)
        elif name == "a" and (element.get("href") or "").startswith("/u/") and not work.author:
            work.author = plain_text(element)
        elif name == "div" and "xcontrast_txt" in css and not work.summary:
            work.summary = plain_text(element)
        elif name == "span" and "xgray" in css:
            _read_details(work, plain_text(element))


def _read_details(work: ParsedWork, details: str) -> None:
    """ "Rated: Fiction M - English - Mystery/Adventure - L. Luthor, Lois L. - Chapters: 13 …" """
    rating = _RATING.search(details)
    work.rating = rating.group("rating") if rating else ""
    segments = [segment.strip() for segment in details.split(" - ")]
    if len(segments) < 2:
        return
    work.language = language_code(segments[1])
    for segment in segments[2:4]:
        if ":" in segment:
            break
        if all(genre.casefold() in _GENRES for genre in segment.split("/")):
            continue
        _read_characters(work, segment)


def _read_characters(work: ParsedWork, segment: str) -> None:
    """ "[Harry P., Draco M.] Ron W." : bracketed names are a pairing, all are characters."""
    for pairing in _PAIRING.finditer(segment):
        names = [name.strip() for name in pairing.group("names").split(",") if name.strip()]
        work.relationships.append("/".join(names))
    names = _PAIRING.sub(lambda match: "," + match.group("names") + ",", segment)
    work.characters.extend(dict.fromkeys(name.strip() for name in names.split(",") if name.strip()))


def _chapter_title(root: etree._Element) -> str:
    menu = find_by_id(root, "chap_select")
    if menu is None:
        return ""
    for option in find_all(menu, "option"):
        if option.get("selected") is not None:
            return _MENU_NUMBER.sub("", plain_text(option))
    return ""


def _fandom(root: etree._Element) -> str:
    """The last link of the breadcrumb ("Comics › Superman") names the fandom."""
    links = find_by_id(root, "pre_story_links")
    names = [plain_text(link) for link in find_all(links, "a")] if links is not None else []
    return names[-1] if names else ""
