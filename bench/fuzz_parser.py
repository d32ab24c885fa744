"""`make fuzz`: `parse_story` under a million mutated story files.

The property: for any bytes and any of the names below, `parse_story` returns a `ParsedWork` or
raises `ParseError` — never another exception, and never takes longer than `--timeout` seconds.

Inputs start from the real files in `../shared/corpus/` (seeds/ and more/), cut into windows of a
few kB so that a million of them fit in half an hour, and are then mutated the way real files go
wrong: bit flips, splices of two stories, truncation, other encodings and line endings, and lines
the parser has rules for (headings, author's notes, scene breaks, HTML tags, front matter).

With atheris installed (`pip install -e .[fuzz]`) libFuzzer drives the mutations by the parser's
coverage; without it, or with `--engine plain`, the same mutations run in a plain random loop.
Either way a failing input does not end the run: the first input of each distinct failure is
saved under bench/results/fuzz/ (git-ignored) beside its traceback, and the exit status is 1.
Replay saved inputs with `python bench/fuzz_parser.py --replay FILE...`.
"""

import argparse
import faulthandler
import hashlib
import io
import os
import random
import signal
import sys
import time
import traceback
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
RESULTS = ROOT / "bench" / "results" / "fuzz"
sys.path.insert(0, str(ROOT))

# An input is one byte that picks the file name, then the file's bytes: libFuzzer mutates both.
NAMES = ("x.txt", "x.md", "x.html", "x.epub")
# Room for the small EPUB (22 kB); text inputs start at 8 kB or less and rarely grow this far.
MAX_SIZE = 32 * 1024
WHOLE_FILE_LIMIT = 4 * 1024
SEED_WINDOWS_PER_FILE = 16

# Lines the parser has rules for: where it is most likely to trip.
STRUCTURE = [
    b"Chapter 1",
    b"Chapter 12: The Return",
    b" Chapter 7",
    b"CHAPTER XII.",
    b"\tIndented Title",
    b"## 2",
    b"# Title",
    b"**Chapter 3: Bold**",
    b"Prologue",
    b"Epilogue",
    "Глава 5".encode(),
    "第一回　宴桃园豪杰三结义".encode(),
    "## 番外篇其一".encode(),
    b"A/N: thanks for reading!",
    b"Author's Note:",
    b"**Disclaimer: I own nothing.**",
    b"Note : merci",
    "Summary：a summary".encode(),
    b"Ch. 105 will post soon",
    b"* * *",
    b"---",
    b"- - - ",
    b"~~~~",
    b"o-o-o",
    b"[Illustration: a drawing",
    b"]",
    b"TABLE OF CONTENTS",
    b"Story URL: http://example.org/s/1",
    b"Rating: T",
    b"by Someone",
    b"End file.",
    b"*** START OF THE PROJECT GUTENBERG EBOOK X ***",
    b"*** END OF THE PROJECT GUTENBERG EBOOK X ***",
    b"---\ntitle: [unclosed\ntags: {a: b\n---",
    b"---\ntitle: T\n---",
    b"> quoted line",
    b"*italic* **bold** ***both*** _u_ __s__ \\*escaped\\*",
    b"<p>",
    b"</p>",
    b"<p>A paragraph with <em>emphasis</em> and <strong>bold</strong></p>",
    b"<html><body>",
    b"</body></html>",
    b"<h2>Chapter 2</h2>",
    b"<hr>",
    b"<hr/>",
    b"<br/><br/>",
    b"<div>",
    b"</div>",
    b'<div id="storytext">',
    b'<div id="workskin">',
    b'<div id="preface"><h2 class="title heading">T</h2></div><div id="chapters">',
    b'<div class="userstuff">',
    b'<div class="meta group"><h2 class="heading">Chapter 1</h2></div>',
    b'<dl class="tags"><dt>Rating:</dt><dd><a href="/t">General</a></dd></dl>',
    b'<blockquote class="userstuff">notes</blockquote>',
    b"<!-- comment",
    b"<![CDATA[",
    b"<?xml version='1.0' encoding='koi8-r'?>",
    b'<meta charset="shift_jis">',
    b"&nbsp;&amp;&#x0;&#1114112;&bogus;",
    b"<script>x</script><style>p{}</style>",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x00",
    "\u00a0\u3000\u2028\u200b".encode(),
]
ENCODINGS = ("utf-16", "utf-16-be", "cp1252", "gb18030", "koi8-r", "shift_jis", "latin-1")


def corpus_files(corpus: Path = CORPUS) -> list[Path]:
    return sorted(
        path
        for folder in ("seeds", "more")
        for path in (corpus / folder).iterdir()
        if path.is_file()
    )


def small_epub(data: bytes, member_size: int = 2000) -> bytes:
    """The same book with each part cut short and its pictures emptied, a few kB in all."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith((".xhtml", ".html", ".htm")) and len(content) > member_size:
                content = content[:member_size] + b"</p></div></body></html>"
            elif info.filename.endswith((".jpg", ".jpeg", ".png", ".gif", ".svg")):
                content = b""
            archive.writestr(info.filename, content)
    return buffer.getvalue()


def windows(data: bytes, rng: random.Random, count: int) -> list[bytes]:
    """Stretches of a long file starting at a line, a few hundred bytes to 8 kB long: a
    longer input adds little but time, and a million of them must fit in half an hour."""
    if len(data) <= WHOLE_FILE_LIMIT:
        return [data]
    found = []
    for _ in range(count):
        start = data.find(b"\n", rng.randrange(len(data))) + 1
        found.append(data[start : start + rng.randrange(200, 8 * 1024)])
    return found


def seed_inputs(corpus: Path = CORPUS, seed: int = 0) -> list[bytes]:
    """The starting inputs, each with the name its file really has."""
    rng = random.Random(seed)
    inputs = []
    for path in corpus_files(corpus):
        data = path.read_bytes()
        if path.suffix == ".epub":
            chunks = [small_epub(data)]
            name = "x.epub"
        else:
            chunks = windows(data, rng, SEED_WINDOWS_PER_FILE)
            name = {".html": "x.html", ".md": "x.md", ".mdwn": "x.md"}.get(path.suffix, "x.txt")
        inputs.extend(bytes([NAMES.index(name)]) + chunk for chunk in chunks)
    return inputs


def split_input(data: bytes) -> tuple[bytes, str]:
    if not data:
        return b"", NAMES[0]
    return data[1:], NAMES[data[0] % len(NAMES)]


class Mutator:
    """Mutations of real story files, stacked one to five deep. `pieces` are what splices take
    text from."""

    def __init__(self, pieces: list[bytes]):
        self.pieces = pieces

    def __call__(self, data: bytes, rng: random.Random, max_size: int = MAX_SIZE) -> bytes:
        body, name = split_input(data)
        name_byte = NAMES.index(name)
        if rng.random() < 0.05:
            name_byte = rng.randrange(len(NAMES))
        if body.startswith(b"PK") and rng.random() < 0.7:
            mutated = self.mutate_archive(body, rng)
            # Cut short, an archive loses its directory: only damaged ZIP errors would follow.
            body = mutated if len(mutated) < max_size else body
        else:
            for _ in range(rng.choice((1, 1, 1, 2, 3, 5))):
                body = self.mutate_text(body, rng)
        return (bytes([name_byte]) + body)[:max_size]

    def mutate_text(self, body: bytes, rng: random.Random) -> bytes:
        operation = rng.choice(self.OPERATIONS)
        return operation(self, body, rng)

    def flip_bits(self, body, rng):
        data = bytearray(body or b"\0")
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        return bytes(data)

    def insert_structure(self, body, rng):
        lines = body.split(b"\n")
        at = rng.randrange(len(lines) + 1)
        blank = [b""] if rng.random() < 0.5 else []
        return b"\n".join([*lines[:at], *blank, rng.choice(STRUCTURE), *blank, *lines[at:]])

    def insert_inline(self, body, rng):
        at = rng.randrange(len(body) + 1)
        return body[:at] + rng.choice(STRUCTURE) + body[at:]

    def splice(self, body, rng):
        other = rng.choice(self.pieces)
        start = rng.randrange(len(other) + 1)
        piece = other[start : start + rng.randrange(1, 4096)]
        at, end = sorted(rng.randrange(len(body) + 1) for _ in range(2))
        return body[:at] + piece + body[end if rng.random() < 0.5 else at :]

    def truncate(self, body, rng):
        return body[: rng.randrange(len(body) + 1)]

    def cut_or_repeat_lines(self, body, rng):
        lines = body.split(b"\n")
        start = rng.randrange(len(lines))
        end = min(len(lines), start + rng.randint(1, 40))
        if rng.random() < 0.5:
            return b"\n".join(lines[:start] + lines[end:])
        return b"\n".join(lines[:end] + lines[start:end] * rng.randint(1, 20) + lines[end:])

    def reencode(self, body, rng):
        text = body.decode(rng.choice(("utf-8", "cp1252", "gb18030")), errors="replace")
        return text.encode(rng.choice(ENCODINGS), errors="replace")

    def line_endings(self, body, rng):
        ending = rng.choice((b"\r\n", b"\r", b"\n\n", b"\n\n\n", "\u2029".encode(), b"\x0c"))
        return body.replace(b"\r\n", b"\n").replace(b"\n", ending)

    def interesting_bytes(self, body, rng):
        at = rng.randrange(len(body) + 1)
        junk = rng.choice((b"\x00" * 8, b"\xff" * 4, b"\xe2\x80", b"\xed\xa0\x80", b"\xf4\x90"))
        return body[:at] + junk * rng.randint(1, 3) + body[at:]

    OPERATIONS = (
        flip_bits,
        insert_structure,
        insert_structure,
        insert_inline,
        splice,
        truncate,
        cut_or_repeat_lines,
        reencode,
        line_endings,
        interesting_bytes,
    )

    def mutate_archive(self, body: bytes, rng: random.Random) -> bytes:
        """A damaged EPUB whose zip still opens: mutate one member, or add or drop one."""
        try:
            source = zipfile.ZipFile(io.BytesIO(body))
            members = {info.filename: source.read(info) for info in source.infolist()}
        except Exception:
            return self.mutate_text(body, rng)
        if not members:
            return self.mutate_text(body, rng)
        target = rng.choice(sorted(members))
        choice = rng.random()
        if choice < 0.1:
            del members[target]
        elif choice < 0.2:
            members[rng.choice(("../escape.xhtml", "META-INF/encryption.xml", "/abs.xhtml"))] = (
                rng.choice(STRUCTURE)
            )
        else:
            members[target] = self.mutate_text(members[target], rng)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, content in members.items():
                archive.writestr(member, content)
        return buffer.getvalue()


class InputTimedOut(BaseException):
    """Raised by the alarm; a BaseException so that no `except Exception` in the parser eats it."""


@dataclass
class Failures:
    """The first input of each distinct failure, saved; later ones only counted."""

    folder: Path
    counts: dict[str, int] = field(default_factory=dict)

    def record(self, kind: str, data: bytes, name: str, error: BaseException) -> None:
        frames = traceback.extract_tb(error.__traceback__)
        ours = [frame for frame in frames if "fics" in frame.filename] or frames
        where = f"{ours[-1].filename}:{ours[-1].lineno}" if ours else "?"
        signature = f"{kind} {type(error).__name__} at {where}"
        self.counts[signature] = self.counts.get(signature, 0) + 1
        if self.counts[signature] > 1:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        stem = f"{kind}-{hashlib.sha1(data).hexdigest()[:12]}.{name}"
        (self.folder / stem).write_bytes(data)
        report = "".join(traceback.format_exception(error))
        (self.folder / f"{stem}.traceback").write_text(f"{signature}\nname: {name}\n\n{report}")
        print(f"\n{signature}: saved {self.folder / stem}", flush=True)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def alarm(signum, frame):
    raise InputTimedOut


class Harness:
    """Runs one input under the time limit and keeps the figures."""

    def __init__(self, *, inputs: int, seconds: float, timeout: float, folder: Path):
        from fics.parser import ParseError, parse_story

        self.parse_story, self.parse_error = parse_story, ParseError
        signal.signal(signal.SIGALRM, alarm)
        self.inputs, self.timeout = inputs, timeout
        self.failures = Failures(folder)
        self.count = 0
        self.started = time.monotonic()
        self.deadline = self.started + seconds if seconds else None
        self.next_report = self.started + 10
        self.watchdog_armed = 0.0

    def check(self, data: bytes) -> None:
        body, name = split_input(data)
        if time.monotonic() > self.watchdog_armed + 1:
            # A hang inside C code never reaches the alarm's Python handler: after a while the
            # watchdog (a C thread) dumps the stack and ends the run. Re-armed once a second,
            # since re-arming starts a thread.
            faulthandler.dump_traceback_later(self.timeout * 6 + 5, exit=True)
            self.watchdog_armed = time.monotonic()
        try:
            signal.setitimer(signal.ITIMER_REAL, self.timeout)
            try:
                self.parse_story(body, name)
            finally:
                # Stopped here, inside the outer try: an alarm that rings just as the parser
                # returns is still reported, not raised out of the harness.
                signal.setitimer(signal.ITIMER_REAL, 0)
        except self.parse_error:
            pass
        except InputTimedOut as error:
            self.failures.record("hang", body, name, error)
        except Exception as error:
            self.failures.record("crash", body, name, error)
        self.count += 1

    def done(self) -> bool:
        now = time.monotonic()
        if now >= self.next_report:
            self.next_report = now + 10
            self.report("...")
        return self.count >= self.inputs or (self.deadline is not None and now >= self.deadline)

    def report(self, prefix: str) -> None:
        elapsed = time.monotonic() - self.started
        print(
            f"{prefix} {self.count:,} inputs in {elapsed:,.0f} s, "
            f"{self.count / max(elapsed, 1e-9):,.0f} inputs/s, {self.failures.total} failing",
            flush=True,
        )

    def finish(self) -> int:
        faulthandler.cancel_dump_traceback_later()
        self.report("Done:")
        for signature, count in sorted(self.failures.counts.items()):
            print(f"  {count:>7,} × {signature}")
        return 1 if self.failures.total else 0


def run_plain(harness: Harness, seeds: list[bytes], seed: int) -> int:
    rng = random.Random(seed)
    mutate = Mutator([split_input(s)[0] for s in seeds])
    pool = list(seeds)
    for data in seeds:
        harness.check(data)
    while not harness.done():
        harness.check(mutate(rng.choice(pool), rng))
    return harness.finish()


def run_atheris(harness: Harness, seeds: list[bytes], seed: int) -> None:
    import atheris

    corpus_folder = RESULTS / "corpus"
    corpus_folder.mkdir(parents=True, exist_ok=True)
    for data in seeds:
        (corpus_folder / f"seed-{hashlib.sha1(data).hexdigest()}").write_bytes(data)
    # Our byte mutations, not atheris.Mutate: atheris 3.1 refuses that inside a custom mutator.
    mutate = Mutator([split_input(s)[0] for s in seeds])

    def test_one_input(data: bytes) -> None:
        harness.check(data)
        if harness.done():
            # libFuzzer never returns to us: print the figures and leave from here.
            sys.stdout.flush()
            os._exit(harness.finish())

    def custom_mutator(data: bytes, max_size: int, mutation_seed: int) -> bytes:
        return mutate(data, random.Random(mutation_seed), max_size)

    argv = [
        sys.argv[0],
        str(corpus_folder),
        f"-seed={seed}",
        f"-max_len={MAX_SIZE}",
        # Our own alarm reports hangs and goes on; libFuzzer's would end the run at the first.
        "-timeout=0",
        "-rss_limit_mb=4096",
        f"-artifact_prefix={RESULTS}/",
        "-print_final_stats=1",
    ]
    atheris.Setup(argv, test_one_input, custom_mutator=custom_mutator)
    atheris.Fuzz()


def replay(paths: list[Path]) -> int:
    from fics.parser import ParseError, parse_story

    status = 0
    for path in paths:
        data = path.read_bytes()
        name = f"x{path.suffix}" if f"x{path.suffix}" in NAMES else None
        body, name = (data, name) if name else split_input(data)
        started = time.monotonic()
        try:
            work = parse_story(body, name)
            outcome = f"{len(work.chapters)} chapter(s)"
        except ParseError as error:
            outcome = f"ParseError: {error}"
        except Exception:
            outcome = traceback.format_exc()
            status = 1
        print(f"{path} as {name}, {time.monotonic() - started:.2f} s: {outcome}")
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=1_000_000, help="stop after N inputs")
    parser.add_argument("--seconds", type=float, default=0, help="stop after S seconds (0: no)")
    parser.add_argument("--timeout", type=float, default=5, help="seconds one input may take")
    parser.add_argument("--seed", type=int, default=1, help="the same seed, the same inputs")
    parser.add_argument("--engine", choices=["auto", "atheris", "plain"], default="auto")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--replay", type=Path, nargs="+", metavar="FILE")
    args = parser.parse_args()
    if args.replay:
        return replay(args.replay)

    engine = args.engine
    if engine == "auto":
        try:
            import atheris

            engine = "atheris"
        except ImportError:
            engine = "plain"
    if engine == "atheris":
        import atheris

        # Coverage of the parser is what guides libFuzzer: instrument it as it is imported.
        with atheris.instrument_imports(include=["fics.parser"]):
            import fics.parser  # noqa: F401

    seeds = seed_inputs(args.corpus, args.seed)
    harness = Harness(
        inputs=args.inputs, seconds=args.seconds, timeout=args.timeout, folder=RESULTS
    )
    print(f"Fuzzing parse_story with {engine}: {len(seeds)} seed inputs, up to {args.inputs:,}")
    if engine == "atheris":
        run_atheris(harness, seeds, args.seed)
    return run_plain(harness, seeds, args.seed)


if __name__ == "__main__":
    sys.exit(main())
