"""Story map figure for `make bench`: HPMOR (122 chapters) with 1,000 annotations, drawn.

Called by `bench/run.py` once the corpus is imported (Django is set up there).
"""

import random
import time
from statistics import median

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from annotations.models import Annotation, Tag
from fics.models import Work

ANNOTATIONS = 1_000
# Characters, themes and others, as a reader of HPMOR might tag it.
TAGS = [
    ("Harry", Tag.Kind.CHARACTER),
    ("Hermione", Tag.Kind.CHARACTER),
    ("Draco", Tag.Kind.CHARACTER),
    ("Quirrell", Tag.Kind.CHARACTER),
    ("McGonagall", Tag.Kind.CHARACTER),
    ("rationality", Tag.Kind.THEME),
    ("guilt", Tag.Kind.THEME),
    ("science", Tag.Kind.THEME),
    ("funny", Tag.Kind.OTHER),
    ("foreshadowing", Tag.Kind.OTHER),
]


def annotate_work(work: Work, user, other, count: int = ANNOTATIONS) -> None:
    """`count` annotations spread over the work's chapters, one to three tags each; one in ten
    is another reader's, shared. Written directly: the map counts rows, not anchors."""
    rng = random.Random(14)
    tags = {
        owner: [
            Tag.objects.get_or_create(owner=owner, name=name, defaults={"kind": kind})[0]
            for name, kind in TAGS
        ]
        for owner in (user, other)
    }
    chapters = list(work.chapters.all())
    annotations = []
    for n in range(count):
        owner = other if n % 10 == 0 else user
        chapter = chapters[n * len(chapters) // count]
        annotations.append(
            Annotation(
                owner=owner,
                chapter=chapter,
                start=n,
                end=n + 20,
                exact="bench passage",
                segment="p1",
                shared=owner is other,
            )
        )
    Annotation.objects.bulk_create(annotations)
    through = Annotation.tags.through
    through.objects.bulk_create(
        through(annotation_id=annotation.pk, tag_id=tag.pk)
        for annotation in annotations
        for tag in rng.sample(tags[annotation.owner], rng.randint(1, 3))
    )


def bench_story_map() -> None:
    work = Work.objects.filter(source_name="hpmor-full-en.txt").first()
    if work is None:
        print("story map: HPMOR is not imported; skipped")
        return
    users = get_user_model().objects
    user = users.get_or_create(username="bench-map")[0]
    other = users.get_or_create(username="bench-map-other")[0]
    annotate_work(work, user, other)
    client = Client()
    client.force_login(user)
    url = reverse("story_map", args=[work.pk])
    figures = {}
    for label, query in [("own", ""), ("with shared", "?shared=1")]:
        response = client.get(url + query)
        assert response.status_code == 200
        times = []
        for _ in range(15):
            started = time.perf_counter()
            client.get(url + query)
            times.append(time.perf_counter() - started)
        figures[label] = (median(times) * 1000, len(response.content))
    print(
        f"story map: HPMOR ({work.chapters.count()} chapters, {ANNOTATIONS:,} annotations, "
        f"{len(work.suggested_characters) + len(work.characters)} characters), median of 15: "
        + ", ".join(
            f"{label} {ms:.0f} ms ({size / 1024:.0f} kB)" for label, (ms, size) in figures.items()
        )
    )
