"""Every POST without a CSRF token is refused, on every URL the app has (the admin's included),
for a logged-in reader and a visitor alike: no view is exempt, and nothing is written. (A
visitor's upload is sent to the login page before its body is read: refused all the same.)"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from annotations.models import Annotation, Tag
from fics.models import ImportJob, Work
from tests.annotations.conftest import annotate

pytestmark = pytest.mark.django_db


def every_path(patterns, prefix: str = ""):
    """A concrete path for each URL pattern: `1` for every parameter, so that each object the
    tests made is the one a URL names."""
    for entry in patterns:
        route = prefix + _concrete(str(entry.pattern))
        if isinstance(entry, URLResolver):
            yield from every_path(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield "/" + route


def _concrete(pattern: str) -> str:
    pattern = re.sub(r"<(?:\w+:)?\w+>", "1", pattern)  # path() converters
    pattern = re.sub(r"\(\?P<\w+>[^)]*\)", "1", pattern)  # the admin's regular expressions
    return pattern.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")


PATHS = sorted(set(every_path(get_resolver().url_patterns)))


def test_the_list_covers_the_apps_and_the_admin():
    for path in ("/import/", "/works/1/delete/", "/annotations/1/delete/", "/tags/1/merge/"):
        assert path in PATHS
    assert "/accounts/login/" in PATHS
    assert any(path.startswith("/admin/") for path in PATHS)


@pytest.mark.parametrize("logged_in", [True, False], ids=["reader", "visitor"])
def test_a_post_without_a_csrf_token_is_refused_everywhere(logged_in, reader, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="a long one 4")
    work = Work.objects.create(pk=1, title="Mine", content_hash="h", imported_by=reader)
    chapter = work.chapters.create(position=1, title="One")
    chapter.paragraphs.create(position=1, text="Some words to highlight.")
    annotate(reader, chapter, start=0, end=4, tag_names=["Lexa"])
    client = Client(enforce_csrf_checks=True)
    if logged_in:
        client.force_login(admin)  # may reach every page, the admin's too
    before = (Work.objects.count(), Annotation.objects.count(), Tag.objects.count())

    answers = {path: client.post(path, {"title": "changed"}) for path in PATHS}

    def refused(answer) -> bool:
        to_log_in = answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
        return answer.status_code == 403 or (not logged_in and to_log_in)

    assert [path for path, answer in answers.items() if not refused(answer)] == []
    assert (Work.objects.count(), Annotation.objects.count(), Tag.objects.count()) == before
    assert Work.objects.get().title == "Mine"
    assert not ImportJob.objects.exists()
