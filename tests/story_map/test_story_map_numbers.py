"""The story map's numbers against small fixtures counted by hand."""

from annotations.story_map import (
    MENTIONS,
    MINE,
    SHARED,
    ChapterInfo,
    TagInfo,
    axis_svg,
    build_story_map,
    character_matrix,
    columns_of,
    map_csv,
    matrix_rows,
    relationship_pairs,
    strip_svg,
    table_html,
    tag_matrix,
)

CHAPTERS = [
    ChapterInfo(10, 1, "One", 1000, "/w/1/"),
    ChapterInfo(11, 2, "Two", 3000, "/w/2/"),
    ChapterInfo(12, 3, "Three", 0, "/w/3/"),
]


def test_chapters_are_as_wide_as_they_are_long_and_never_vanish():
    columns = columns_of(CHAPTERS)

    assert [round(c.width, 1) for c in columns] == [249.5, 748.5, 2.0]
    assert [round(c.x, 1) for c in columns] == [0.0, 249.5, 998.0]


def story_map(shared=None):
    return build_story_map(
        CHAPTERS,
        tags=[TagInfo(1, "Lexa", "character"), TagInfo(2, "guilt", "theme")],
        mine={(1, 10): 2, (1, 12): 1, (2, 11): 4},
        characters=["Clarke Griffin", "Lexa", "Octavia"],
        mentions={("Clarke Griffin", 10): (5, 3), ("Lexa", 11): (7, 1)},
        character_of_tag={"lexa": "Lexa", "clarke": "Clarke Griffin"},
        shared=shared,
        shared_kinds={"clarke": ("Clarke", "character")},
    )


def test_strips_are_characters_then_themes_a_character_tag_sharing_its_mentions_strip():
    strips = story_map().strips

    assert [(s.name, s.kind) for s in strips] == [
        ("Clarke Griffin", "character"),
        ("Lexa", "character"),
        ("guilt", "theme"),
    ]
    lexa = strips[1]
    assert [(s.kind, s.counts) for s in lexa.series] == [(MINE, (2, 0, 1)), (MENTIONS, (0, 7, 0))]
    assert lexa.series[0].links == ("/w/1/?tag=1", "", "/w/3/?tag=1")
    assert lexa.series[1].links == ("", "/w/2/#p1", "")
    assert strips[0].series[0].links == ("/w/1/#p3", "", "")


def test_shared_passages_are_a_row_of_their_own():
    strips = story_map(shared={("clarke", 11): (3, 99), ("lexa", 10): (1, 98)}).strips

    clarke, lexa = strips[0], strips[1]
    assert [s.kind for s in clarke.series] == [SHARED, MENTIONS]
    assert clarke.series[0].counts == (0, 3, 0)
    assert clarke.series[0].links == ("", "/w/2/?tag=99", "")
    assert [(s.kind, s.total) for s in lexa.series] == [(MINE, 3), (SHARED, 1), (MENTIONS, 7)]


def test_the_drawing_has_a_titled_link_per_counted_cell():
    the_map = story_map()
    svg = strip_svg(the_map.strips[1], the_map.columns, "strip-2")

    assert svg.count("<a href=") == 3
    assert "<title>One: 2 passages</title>" in svg
    assert "<title>Two: named 7 times</title>" in svg
    assert 'aria-labelledby="strip-2"' in svg
    assert axis_svg(the_map.columns).count("<title>") == 3


def test_csv_and_table_hold_the_same_numbers():
    the_map = story_map()

    assert map_csv(the_map).splitlines() == [
        "chapter,title,words,Clarke Griffin (mentions),Lexa (my passages),Lexa (mentions),"
        "guilt (my passages)",
        "1,One,1000,5,2,0,0",
        "2,Two,3000,0,0,7,4",
        "3,Three,0,0,1,0,0",
    ]
    assert "<td>3000</td><td>0</td><td>0</td><td>7</td><td>4</td>" in table_html(the_map)


def test_characters_together_by_scene_and_by_chapter():
    scenes = [
        (1, 0, "Clarke"),
        (1, 0, "Lexa"),
        (1, 1, "Clarke"),
        (1, 1, "Lexa"),
        (1, 1, "Bellamy"),
        (2, 0, "Lexa"),
        (2, 1, "Clarke"),
    ]
    matrix = character_matrix(scenes, ["Clarke", "Lexa", "Bellamy", "Raven"])

    assert matrix.names == ("Clarke", "Lexa", "Bellamy")
    assert matrix.cell("Lexa", "Clarke") == 2
    assert matrix.second("Clarke", "Lexa") == 2  # both chapters name both
    assert matrix.cell("Bellamy", "Clarke") == 1
    assert matrix.cell("Clarke", "Clarke") == 3
    assert matrix.csv("scenes").splitlines()[:3] == [
        "a,b,scenes,chapters,relationship",
        "Clarke,Clarke,3,2,",
        "Clarke,Lexa,2,2,",
    ]


def test_tags_together_on_passages():
    matrix = tag_matrix(
        [(1, "Lexa"), (1, "guilt"), (2, "Lexa"), (3, "guilt"), (3, "Lexa")],
        [
            "Lexa",
            "guilt",
            "funny",
        ],
    )

    assert matrix.names == ("Lexa", "guilt")
    assert matrix.cell("guilt", "Lexa") == 2
    assert matrix.cell("Lexa", "Lexa") == 3


def test_relationship_tags_are_matched_to_their_characters():
    character_of = {"clarke": "Clarke Griffin", "clarke griffin": "Clarke Griffin", "lexa": "Lexa"}
    character_of["bellamy blake"] = "Bellamy Blake"
    pairs = relationship_pairs(
        ["Clarke/Lexa", "Bellamy Blake & Clarke Griffin", "Lexa/Nobody"], character_of
    )

    assert pairs == {
        ("Clarke Griffin", "Lexa"): "Clarke/Lexa",
        ("Bellamy Blake", "Clarke Griffin"): "Bellamy Blake & Clarke Griffin",
    }
    matrix = character_matrix(
        [(1, 0, "Clarke Griffin"), (1, 0, "Lexa"), (1, 0, "Bellamy Blake")],
        ["Clarke Griffin", "Lexa", "Bellamy Blake"],
        pairs,
    )
    rows = dict(matrix_rows(matrix, lambda a, b: f"/{a}/{b}", "scene", "chapter"))
    lexa_cell = rows["Clarke Griffin"][1]
    assert lexa_cell.label == "Clarke/Lexa"
    assert lexa_cell.title == "Clarke Griffin and Lexa: 1 scene, 1 chapter (Clarke/Lexa)"
    assert rows["Lexa"][0].label == "Clarke/Lexa"
