"""Who manages a work: the reader who imported it and the staff; other readers only read it."""

import pytest

from tests.conftest import make_work


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        username="librarian", password="shelf mark 3", is_staff=True
    )


@pytest.fixture
def imported_work(db, reader):
    """A work that alice (`reader`) imported: hers to manage."""
    work = make_work()
    work.imported_by = reader
    work.save(update_fields=["imported_by"])
    return work


@pytest.fixture(params=["importer", "other reader", "staff", "logged out"])
def persona(request, client, reader, other_reader, staff):
    """Each of the four people who may ask to change alice's work: who, their client and their
    account (None when logged out)."""
    user = {"importer": reader, "other reader": other_reader, "staff": staff}.get(request.param)
    if user is not None:
        client.force_login(user)
    return request.param, client, user
