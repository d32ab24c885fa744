"""bench/fuzz_parser.py: its mutations keep to real story files, and its harness reports every
kind of failure and goes on."""

import random
import re
import runpy
import time

import pytest

from tests.conftest import PROJECT_ROOT

fuzz = runpy.run_path(str(PROJECT_ROOT / "bench" / "fuzz_parser.py"), run_name="fuzz_parser")


def test_seed_inputs_come_from_every_corpus_file_with_its_own_name(corpus):
    seeds = fuzz["seed_inputs"](corpus)
    names = {fuzz["split_input"](seed)[1] for seed in seeds}

    assert names == {"x.txt", "x.md", "x.html", "x.epub"}
    assert all(len(seed) <= fuzz["MAX_SIZE"] for seed in seeds)


def test_mutations_stay_within_the_size_limit_and_keep_epubs_openable(corpus):
    seeds = fuzz["seed_inputs"](corpus)
    mutate = fuzz["Mutator"]([seed[1:] for seed in seeds])
    rng = random.Random(3)
    epub = next(seed for seed in seeds if seed[1:3] == b"PK")

    mutants = [mutate(rng.choice(seeds), rng) for _ in range(300)]
    epub_mutants = [mutate(epub, rng) for _ in range(30)]

    assert all(len(mutant) <= fuzz["MAX_SIZE"] for mutant in mutants)
    assert len(set(mutants)) > 250
    assert sum(mutant[1:3] == b"PK" for mutant in epub_mutants) > 15


def harness(tmp_path, parse_story):
    run = fuzz["Harness"](inputs=3, seconds=0, timeout=0.2, folder=tmp_path)
    run.parse_story = parse_story
    return run


def test_the_harness_saves_a_crash_and_a_hang_and_goes_on(tmp_path):
    def parse_story(data, name):
        if data == b"crash":
            raise IndexError("boom")
        if data == b"hang":
            time.sleep(5)
        if data == b"refused":
            raise run.parse_error("not a story")

    run = harness(tmp_path, parse_story)
    for body in (b"crash", b"hang", b"refused", b"fine", b"crash"):
        run.check(b"\x02" + body)

    assert run.count == 5
    assert sorted(signature.split()[0] for signature in run.failures.counts) == ["crash", "hang"]
    assert run.failures.total == 3
    saved = sorted(path.name for path in tmp_path.iterdir())
    assert [re.sub(r"-[0-9a-f]{12}", "", name) for name in saved] == [
        "crash.x.html",
        "crash.x.html.traceback",
        "hang.x.html",
        "hang.x.html.traceback",
    ]
    assert "IndexError: boom" in (tmp_path / saved[1]).read_text()
    assert run.finish() == 1


@pytest.mark.parametrize("first_byte, name", [(0, "x.txt"), (1, "x.md"), (6, "x.html")])
def test_the_first_byte_names_the_file(first_byte, name):
    assert fuzz["split_input"](bytes([first_byte]) + b"story") == (b"story", name)
