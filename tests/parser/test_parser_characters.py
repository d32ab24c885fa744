from fics.parser.rules.character_names import detect_characters


def test_recurring_mid_sentence_names_are_found_most_frequent_first():
    text = [
        "She looked at Clarke. Then Lexa smiled at Clarke and Clarke smiled back.",
        "Later, Bellamy said that Lexa was right, and Bellamy left with Lexa.",
        "The Commander turned. It was cold. Then Bellamy was gone.",
    ]

    assert detect_characters(text) == ["Bellamy", "Clarke", "Lexa"]


def test_sentence_initial_common_words_and_pronouns_are_not_names():
    text = ["Then it rained. Then I ran. Then it stopped. But I stayed, and I said Monday."] * 3

    assert detect_characters(text) == []


def test_words_also_seen_in_lower_case_are_not_names():
    text = ["the Hope was gone, and hope came back; we had hope, hope and Hope, again Hope"]

    assert detect_characters(text) == []


def test_seed_characters(corpus):
    text = (corpus / "seeds" / "000_a26875ee43b0d3ac.txt").read_text().splitlines()

    assert detect_characters(text)[:3] == ["Clarke", "Lexa", "Bellamy"]


def test_curly_apostrophe_contractions_are_not_names():
    text = ["Then she said, I’m fine, and I’m here, and I’m staying, Clarke."] * 2

    assert "I’m" not in detect_characters(text)
