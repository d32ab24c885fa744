import runpy

import pytest
from django.db.utils import ConnectionHandler

from tests.conftest import PROJECT_ROOT


def build_settings(monkeypatch, tmp_path, **environ) -> dict:
    """The settings module as a server started with this environment would build it."""
    monkeypatch.setenv("MARGINALIA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "test")
    for name in ("DATABASE_URL", "EMAIL_HOST"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(PROJECT_ROOT / "config" / "settings.py"))


def test_an_sqlite_database_url_gets_the_same_options_as_the_default(monkeypatch, tmp_path):
    default = build_settings(monkeypatch, tmp_path)["DATABASES"]["default"]
    url = f"sqlite:///{tmp_path}/x.sqlite3"
    named = build_settings(monkeypatch, tmp_path, DATABASE_URL=url)["DATABASES"]["default"]

    assert named["OPTIONS"] == default["OPTIONS"]
    assert named["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_options_in_an_sqlite_url_win(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path}/x.sqlite3?timeout=5"
    named = build_settings(monkeypatch, tmp_path, DATABASE_URL=url)["DATABASES"]["default"]

    assert named["OPTIONS"]["timeout"] == 5
    assert named["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgresql_gets_no_sqlite_options(monkeypatch, tmp_path):
    url = "postgres://postgres@127.0.0.1:5432/postgres"
    named = build_settings(monkeypatch, tmp_path, DATABASE_URL=url)["DATABASES"]["default"]

    assert "init_command" not in named.get("OPTIONS", {})


# Opens its own SQLite file whichever database the suite runs on; the mark only lets it connect.
@pytest.mark.django_db
def test_a_database_named_by_url_is_opened_in_wal_mode(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path}/x.sqlite3"
    database = build_settings(monkeypatch, tmp_path, DATABASE_URL=url)["DATABASES"]["default"]
    connections = ConnectionHandler({"default": database})
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone() == ("wal",)
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone() == (20_000,)
    finally:
        connections.close_all()


def test_without_a_mail_server_there_is_no_mailer(monkeypatch, tmp_path):
    assert build_settings(monkeypatch, tmp_path)["MAILERS"] == {}


def test_a_named_mail_server_is_used_over_smtp(monkeypatch, tmp_path):
    built = build_settings(monkeypatch, tmp_path, EMAIL_HOST="smtp.example.com")

    mailer = built["MAILERS"]["default"]
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"]["host"] == "smtp.example.com"
    assert mailer["OPTIONS"]["use_tls"] is True
