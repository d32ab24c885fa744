import pytest


@pytest.fixture(autouse=True)
def login_failures(settings, tmp_path):
    """Each test counts failed logins afresh, away from the data folder."""
    settings.CACHES = settings.CACHES | {
        "login_failures": settings.CACHES["login_failures"] | {"LOCATION": tmp_path / "logins"}
    }


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # These tests check dozens of passwords; the real hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
