"""Export figures for `make bench`: the largest corpus story, 1,000 annotations, each format.

`bench/run.py` sets Django up on a throw-away, migrated database and calls `bench_exports()`.
Run alone (`python bench/export_bench.py`), this file does the same setup itself.
"""

import os
import sys
import tempfile
import time
from bisect import bisect_right
from itertools import accumulate
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT.parent / "shared" / "corpus" / "more" / "hpmor-full-en.txt"
ANNOTATIONS = 1_000
REPEAT = 3


def bench_exports() -> None:
    from django.contrib.auth import get_user_model

    from annotations.anchoring import Span
    from annotations.chapter_layout import chapter_text
    from annotations.exports.collect import ExportScope, collect_export
    from annotations.exports.formats import FORMATS
    from annotations.models import Annotation, Colour, Tag
    from annotations.services import segment_at
    from fics.importing import import_story_file

    result = import_story_file(STORY.read_bytes(), STORY.name)
    work = result.work
    reader = get_user_model().objects.get_or_create(username="export-bench")[0]
    tags = [
        Tag.objects.get_or_create(owner=reader, name=name, defaults={"kind": kind})[0]
        for name, kind in [("Harry", "character"), ("Hermione", "character"), ("science", "theme")]
    ]
    chapters = list(work.chapters.prefetch_related("paragraphs"))
    texts = [chapter_text(c, c.paragraphs.all()) for c in chapters]

    # Spread evenly through the whole work's text; every third overlaps the next one.
    starts = list(accumulate((len(text.text) for text in texts), initial=0))
    total = starts[-1]
    step = total // ANNOTATIONS
    colours = list(Colour.values)
    annotations = []
    for n in range(ANNOTATIONS):
        at = n * step + step // 2
        index = bisect_right(starts, at) - 1
        chapter, text = chapters[index], texts[index]
        start = min(at - starts[index], max(0, len(text.text) - 130))
        while text.text[start].isspace():
            start += 1
        end = start + 40 + (n % 3) * 30
        while text.text[end - 1].isspace():
            end -= 1
        annotations.append((chapter, text, start, end))
    created = Annotation.objects.bulk_create(
        Annotation(
            owner=reader,
            chapter=chapter,
            start=start,
            end=end,
            exact=quote.exact,
            prefix=quote.prefix,
            suffix=quote.suffix,
            segment=segment_at(text, start),
            colour=colours[n % len(colours)],
            note=f"Note {n}: *why* this passage matters." if n % 2 else "",
            note_html=f"<p>Note {n}: <em>why</em> this passage matters.</p>" if n % 2 else "",
        )
        for n, (chapter, text, start, end) in enumerate(annotations)
        for quote in [text.quote(Span(start, end))]
    )
    Annotation.tags.through.objects.bulk_create(
        Annotation.tags.through(annotation_id=a.pk, tag_id=tags[n % len(tags)].pk)
        for n, a in enumerate(created)
    )

    print(
        f"export: {work.title}, {len(chapters)} chapters, {total:,} characters, "
        f"{len(created):,} annotations (median of {REPEAT}):"
    )
    collect_times = []
    for export_format in FORMATS.values():
        times = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            record = collect_export(work=work, reader=reader, scope=ExportScope())
            collected = time.perf_counter()
            export_format.render(record)
            times.append(time.perf_counter() - started)
            collect_times.append(collected - started)
        print(f"  {export_format.label}: {median(times) * 1000:.0f} ms")
    print(f"  (of which reading the database: {median(collect_times) * 1000:.0f} ms)")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.pop("DATABASE_URL", None)
    os.environ["MARGINALIA_DATA_DIR"] = tempfile.mkdtemp(prefix="marginalia-export-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["MAX_UPLOAD_MB"] = "50"

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    bench_exports()
