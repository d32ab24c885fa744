from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from fics.models import Work

pytestmark = pytest.mark.django_db


def test_first_run_creates_one_account_with_a_random_password_and_the_sample(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    out = StringIO()

    call_command("prepare_instance", stdout=out)
    call_command("prepare_instance", stdout=StringIO())

    user = get_user_model().objects.get()
    written = (tmp_path / "first-login.txt").read_text()
    password = written.split("password: ")[1].strip()
    assert len(password) >= 12
    assert password in out.getvalue()
    assert user.check_password(password)
    assert oct((tmp_path / "first-login.txt").stat().st_mode)[-3:] == "600"
    work = Work.objects.get()
    assert work.title == "The Lamplighter's Apprentice"
    assert work.chapter_count == 2
    assert work.chapters.get(position=1).notes_before


def test_add_reader_prints_a_fresh_password(django_user_model):
    out = StringIO()

    call_command("add_reader", "carol", stdout=out)

    password = out.getvalue().rsplit(": ", 1)[1].strip()
    assert django_user_model.objects.get(username="carol").check_password(password)
