"""The importer against real story files from ../shared/corpus (see its README for each file)."""

import contextlib
import hashlib
from itertools import pairwise

import pytest

from fics.parser import ParagraphKind, ParseError
from tests.parser.corpus import CORPUS, parse, scene_breaks, texts

if not CORPUS.is_dir():
    pytest.skip(f"story corpus not found at {CORPUS}", allow_module_level=True)

TEXT_SUFFIXES = {".txt", ".md", ".mdwn"}
TEXT_FILES = sorted(
    path.relative_to(CORPUS).as_posix()
    for path in CORPUS.glob("*/*")
    if path.suffix in TEXT_SUFFIXES
)
OTHER_FILES = sorted(
    path.relative_to(CORPUS).as_posix()
    for path in CORPUS.glob("*/*")
    if path.suffix not in TEXT_SUFFIXES
)


def test_corpus_files_are_the_expected_bytes():
    for line in (CORPUS / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        assert hashlib.sha256((CORPUS / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize("name", TEXT_FILES)
def test_every_text_file_parses_cleanly(name):
    work = parse(name)
    assert work.chapters
    for chapter in work.chapters:
        assert chapter.paragraphs
        assert chapter.paragraphs[0].kind == ParagraphKind.TEXT
        assert chapter.paragraphs[-1].kind == ParagraphKind.TEXT
        kinds = [paragraph.kind for paragraph in chapter.paragraphs]
        assert (ParagraphKind.SCENE_BREAK, ParagraphKind.SCENE_BREAK) not in pairwise(kinds)
    for text in texts(work):
        assert text == text.strip()
        assert text
        assert "\u00a0" not in text
        assert "\r" not in text
        assert "\n" not in text


@pytest.mark.parametrize("name", OTHER_FILES)
def test_other_formats_raise_nothing_but_parse_error(name):
    with contextlib.suppress(ParseError):
        parse(name)


def test_seed_000():
    work = parse("seeds/000_a26875ee43b0d3ac.txt")
    assert work.title == "000 a26875ee43b0d3ac"
    assert len(work.chapters) == 1
    chapter = work.chapters[0]
    assert (chapter.notes_before, chapter.notes_after) == ([], [])
    paragraphs = chapter.paragraphs
    assert len(texts(work)) == 27
    assert scene_breaks(work) == 1
    before_break = [p.kind for p in paragraphs].index(ParagraphKind.SCENE_BREAK) - 1
    assert paragraphs[before_break].text == '"I\'m so sorry." Clarke whispered.'
    assert paragraphs[0].text.startswith("It had all happened to quickly, Lexa had held her breath")
    assert paragraphs[-1].text == (
        '"We\'ll find her." Both Bellamy and Lexa said with such sincerity, it was a promise.'
    )
    assert (
        sum(
            "\u00a0" in line
            for line in (CORPUS / "seeds/000_a26875ee43b0d3ac.txt").read_text().splitlines()
        )
        == 1
    )


def test_seed_004():
    work = parse("seeds/004_a076e9cb29d276f2.txt")
    assert len(work.chapters) == 1
    chapter = work.chapters[0]
    assert len(texts(work)) == 101
    assert scene_breaks(work) == 5
    assert len(chapter.notes_before) == 2
    assert chapter.notes_before[0].startswith("Hello friendly readers! This is a story that I've")
    assert chapter.notes_before[1].startswith("Anyway, I hope you all enjoy!")
    assert 'I do not own "The 100"' in chapter.notes_before[1]
    assert len(chapter.notes_after) == 1
    assert chapter.notes_after[0].startswith("So there's the first chapter.")
    assert chapter.paragraphs[0].text.startswith("Clarke didn't turned around as she walked away")
    assert chapter.paragraphs[-1].text.startswith(
        "Clarke watched her until the brunette disappeared"
    )
    explosion = [p.text for p in chapter.paragraphs].index("An explosion.")
    assert chapter.paragraphs[explosion - 1].kind == ParagraphKind.SCENE_BREAK
    assert chapter.paragraphs[explosion + 1].kind == ParagraphKind.SCENE_BREAK


@pytest.mark.parametrize(
    ("name", "chapters", "first_title", "first_words"),
    [
        ("more/ao3-scraped-hp-ooo-breaks.txt", 25, "Chapter 1: Prologue", "October 31, 1981"),
        ("more/ao3-scraped-tilde-breaks.txt", 57, "Chapter 1", "“But, really,” said Mrs. Bennet"),
        ("more/fanficfare-output-nowrap.txt", 9, "Prologue tests:", "Prologue"),
        ("more/fanficfare-output-wrapped-crlf.txt", 9, "Prologue tests:", "Prologue"),
        (
            "more/ffn-hp-hardwrapped-chapter10.mdwn",
            1,
            "Chapter 10",
            "Dumbledore entered his office",
        ),
        (
            "more/ffn-hp-markdown-multichapter-notes.md",
            11,
            "Chapter 1: Dangerous Secrets",
            "July 8, 1899",
        ),
        (
            "more/fr-fanfictionsfr-cp1252-crlf.txt",
            1,
            "Un : Kiba",
            "Kiba se tassa un peu plus sur lui-même",
        ),
        (
            "more/gutenberg-pride-prejudice-crlf.txt",
            61,
            "Chapter I",
            "It is a truth universally acknowledged",
        ),
        (
            "more/hpmor-full-en.txt",
            122,
            "A Day of Very Low Probability",
            "Beneath the moonlight glints",
        ),
        ("more/zh-fanfic-utf8-summary-extras.md", 12, "1", "时间于你而言是什么？"),
        (
            "more/zh-sanguoyanyi-gbk.txt",
            120,
            "第一回 宴桃园豪杰三结义 斩黄巾英雄首立功",
            "滚滚长江东逝水",
        ),
    ],
)
def test_chapters_and_first_words(name, chapters, first_title, first_words):
    work = parse(name)
    assert len(work.chapters) == chapters
    assert work.chapters[0].title.startswith(first_title)
    assert work.chapters[0].paragraphs[0].text.startswith(first_words)


def test_french_cp1252_with_crlf_and_single_newline_paragraphs():
    work = parse("more/fr-fanfictionsfr-cp1252-crlf.txt")
    assert (work.encoding, work.language, work.title) == ("cp1252", "fr", "Crise")
    chapter = work.chapters[0]
    assert chapter.notes_before[0].startswith(
        "Note : Crise est une fanfic qui date –mais dont je suis"
    )
    assert "fière" in chapter.notes_before[0]
    assert chapter.paragraphs[1].text.startswith(
        '" Tu peux aller te faire voir, espèce de fils de pute'
    )
    assert len(texts(work)) == 67
    assert scene_breaks(work) == 13
    assert chapter.paragraphs[-1].text == "Tel est Kiba Inuzuka."


def test_chinese_gbk_with_ideographic_indentation():
    work = parse("more/zh-sanguoyanyi-gbk.txt")
    assert (work.encoding, work.language) == ("gb18030", "zh")
    assert work.chapters[-1].title == "第一百二十回 荐杜预老将献新谋 降孙皓三分归一统"
    second = work.chapters[1].paragraphs[0].text
    assert second.startswith("且说董卓字仲颖，陇西临洮人也，官拜河东太守，自来骄傲。当日怠慢了玄德")
    assert " " not in second
    titles = [chapter.title for chapter in work.chapters]
    assert len(set(titles)) == len(titles)


def test_chinese_markdown_summary_and_extras():
    work = parse("more/zh-fanfic-utf8-summary-extras.md")
    assert work.summary.startswith("阿周那有个秘密：他有时间旅行的能力")
    assert [chapter.title for chapter in work.chapters][-4:] == [
        "尾声",
        "番外篇其一",
        "番外篇其二 请我看场通宵电影吧",
        "作者的碎碎念",
    ]
    assert work.chapters[0].notes_before[0] == "Warning："
    assert (
        work.chapters[-1].paragraphs[-1].text
        == "总之，最后还是幸福地生活在一起这种展开，真是太好啦！"
    )


def test_ao3_scraped_breaks():
    work = parse("more/ao3-scraped-hp-ooo-breaks.txt")
    assert [chapter.title for chapter in work.chapters][1:3] == ["Chapter 2", "Chapter 3"]
    assert scene_breaks(work) >= 60
    tilde = parse("more/ao3-scraped-tilde-breaks.txt")
    assert [chapter.title for chapter in tilde.chapters][-1] == "Chapter 57"
    assert (
        "’" in tilde.chapters[0].paragraphs[0].text or "”" in tilde.chapters[0].paragraphs[0].text
    )


def test_markdown_notes_before_and_after_chapters():
    work = parse("more/ffn-hp-markdown-multichapter-notes.md")
    assert (work.title, work.author) == ("Harry Potter and the Perversion of Purity", "ACI100")
    first = work.chapters[0]
    assert first.notes_before[0].startswith("Disclaimer: This is a work of fanfiction")
    assert "Author's Note:" in first.notes_before
    assert first.notes_after[0] == "Author's Endnote:"
    assert all(chapter.notes_after for chapter in work.chapters)
    assert not any(text.startswith("**") for text in texts(work))


def test_hard_wrapped_markdown_chapter():
    work = parse("more/ffn-hp-hardwrapped-chapter10.mdwn")
    assert (work.title, work.author) == ("Family Inseparable", "Luke Schierer")
    paragraphs = texts(work)
    assert paragraphs[0] == (
        "Dumbledore entered his office after the staff meeting. He wasn't sure which was worse, "
        "the dressing down Minerva had given him, or the cold, sneering anger from Severus as he "
        "realised that the last link to Lilly was missing. It was Filius Flitwick who had given "
        "what was in retrospect the obvious solution. The sensors in his office said that Harry "
        "was alive, so an owl should be able to find him. If a touch-activated portkey was "
        "enclosed in the letter, Harry could be returned to Dumbledore's office without any fuss, "
        "and without knowing where he was. Once Harry was safe, Dumbledore as Chief Warlock could "
        "obliviate any muggles who happened to be affected. Best yet, despite their anger at him, "
        "Dumbledore knew that at the very least, the staff he had assembled could be trusted to "
        "keep the news secret."
    )
    assert paragraphs[2:4] == ["Dear Ginny and Harry,", paragraphs[3]]
    assert paragraphs[3].startswith("I applaud your generosity")
    assert len(paragraphs) == 12
    assert scene_breaks(work) == 3


def test_gutenberg_hard_wrapped_novel():
    work = parse("more/gutenberg-pride-prejudice-crlf.txt")
    assert "PREFACE." in work.chapters[0].notes_before
    first = work.chapters[0].paragraphs[0].text
    assert first == (
        "It is a truth universally acknowledged, that a single man in possession of a good "
        "fortune must be in want of a wife."
    )
    assert [chapter.title for chapter in work.chapters][1:3] == ["CHAPTER II", "CHAPTER III"]
    assert work.chapters[45].title == "Chapter XLVI"
    assert work.chapters[-1].title == "CHAPTER LXI"
    assert "[Illustration]" not in texts(work)


def test_hpmor_bare_chapter_titles_notes_and_breaks():
    work = parse("more/hpmor-full-en.txt")
    titles = [chapter.title for chapter in work.chapters]
    assert titles[-1] == "Something to Protect: Hermione Granger"
    assert "Title Redacted, Part I" in titles
    assert any(text.startswith("Ch. 105 will post on February 16th") for text in texts(work))
    assert work.chapters[3].notes_before[0].startswith("Disclaimer: J. K. Rowling is watching you")
    assert work.chapters[3].notes_before[1].startswith("A/N: As others have noted")
    # 570 "* * *" lines, less those opening a chapter, plus wide gaps with no marker.
    assert 500 <= scene_breaks(work) <= 600


def test_fanficfare_metadata():
    for name, title in [
        ("more/fanficfare-output-nowrap.txt", "Test Story Title 4"),
        ("more/fanficfare-output-wrapped-crlf.txt", "Test Story Title 2"),
    ]:
        work = parse(name)
        assert (work.title, work.author) == (title, "Test Author aa")
        assert work.fandom.startswith("Furbie, Harry Potter, Magical Girl Lyrical Nanoha")
        assert work.summary.startswith("Description tests:[bare amp(&) qt(') amp(&)")
        assert "Some more longer description." in work.summary
        titles = [chapter.title for chapter in work.chapters]
        assert titles[1:4] == [
            "Chapter 1, Xenos on Cinnabar",
            "Chapter 2, Sinmay on Kintikin",
            'Chapter 3, "Over" Cinnabar',
        ]
        assert (
            titles[0]
            == "Prologue tests:[bare amp(&) qt(') amp(&) gt(>) lt(<) ATnT(AT&T) L(£) Onna(女)]"
        )
