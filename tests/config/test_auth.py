import pytest
from django.contrib.auth.backends import ModelBackend
from django.urls import reverse

from config.auth import ReaderBackend

pytestmark = pytest.mark.django_db


def test_the_reader_is_loaded_as_the_orm_loads_them(reader):
    reader.last_login = reader.date_joined
    reader.save()

    fast = ReaderBackend().get_user(reader.pk)
    orm = ModelBackend().get_user(reader.pk)

    fields = [field.attname for field in type(reader)._meta.concrete_fields]
    assert [getattr(fast, name) for name in fields] == [getattr(orm, name) for name in fields]
    # Converted as the ORM converts them: aware datetimes, real booleans.
    assert fast.last_login.tzinfo is not None
    assert fast.is_active is True
    assert not fast._state.adding


def test_no_user_for_an_unknown_or_inactive_id(reader):
    assert ReaderBackend().get_user(reader.pk + 1000) is None
    reader.is_active = False
    reader.save()
    assert ReaderBackend().get_user(reader.pk) is None


def test_a_changed_password_still_ends_the_other_sessions(reader_client, reader, work):
    url = reverse("chapter", args=[work.pk, 1])
    assert reader_client.get(url).status_code == 200

    reader.set_password("a new one 3")
    reader.save()

    response = reader_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logging_in_with_the_password_works(client, reader, work):
    assert client.login(username="alice", password="correct horse 1")
    assert client.get(reverse("chapter", args=[work.pk, 1])).status_code == 200
