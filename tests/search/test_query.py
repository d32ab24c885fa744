"""The search box's text as terms, the CJK spacing and the snippet escaping: no database."""

from search.query import (
    MARK_START,
    MARK_STOP,
    Term,
    forms,
    parse,
    prepare,
    snippet_html,
    stemming_config,
    unprepare,
)


def test_bare_words_are_prefix_terms_and_quoted_words_a_phrase():
    assert parse('lexa "the river at" dawn') == [
        Term(("lexa",), prefix=True),
        Term(("the", "river", "at"), prefix=False),
        Term(("dawn",), prefix=True),
    ]


def test_an_unclosed_quote_runs_to_the_end_and_operators_are_dropped():
    assert parse('"silver kettle') == [Term(("silver", "kettle"), prefix=False)]
    assert parse("a AND (b) -c *") == [
        Term(("a",), True),
        Term(("AND",), True),
        Term(("b",), True),
        Term(("c",), True),
    ]
    assert parse('"" * : ^') == []


def test_a_word_with_an_apostrophe_or_cjk_characters_is_a_phrase_of_its_parts():
    assert parse("don't") == [Term(("don", "t"), prefix=True)]
    assert parse("東京") == [Term(("東", "京"), prefix=True)]


def test_the_word_being_typed_also_matches_without_its_last_letters():
    assert forms(Term(("walki",), True), typing=True) == [(("walki",), True), (("walk",), True)]
    assert forms(Term(("happine",), True), typing=True) == [
        (("happine",), True),
        (("happin",), True),
        (("happi",), True),
    ]
    assert forms(Term(("run",), True), typing=True) == [(("run",), True)]
    assert forms(Term(("walking",), True), typing=False) == [(("walking",), False)]
    assert forms(Term(("the", "river"), False), typing=True) == [(("the", "river"), False)]


def test_a_word_typed_so_far_as_one_or_two_letters_is_a_whole_word():
    assert forms(Term(("cl",), True), typing=True) == [(("cl",), False)]
    assert forms(Term(("don", "t"), True), typing=True) == [(("don", "t"), False)]
    assert forms(Term(("cla",), True), typing=True) == [(("cla",), True)]


def test_cjk_is_spaced_for_the_index_and_joined_for_the_reader():
    text = "東京の夜。 Tokyo night"
    assert prepare(text).split() == ["東", "京", "の", "夜", "。", "Tokyo", "night"]
    assert " ".join(unprepare(prepare(text)).split()) == text


def test_snippets_escape_everything_but_their_marks():
    marked = f"<script>{MARK_START}alert{MARK_STOP}</script> & more"
    assert snippet_html(marked) == "&lt;script&gt;<mark>alert</mark>&lt;/script&gt; &amp; more"


def test_a_reader_cannot_type_a_mark():
    assert MARK_START not in prepare(f"a{MARK_START}b{MARK_STOP}")


def test_languages_map_to_stemming_configurations():
    assert stemming_config("en") == "english"
    assert stemming_config("en-GB") == "english"
    assert stemming_config("French") == "french"
    assert stemming_config("zh") == "simple"
    assert stemming_config("") == "simple"
