import time

import pytest
from django.contrib.auth.backends import ModelBackend
from django.urls import reverse

from config.login import FAILURES_PER_ACCOUNT, FAILURES_PER_ADDRESS, THROTTLED, WINDOW_SECONDS

pytestmark = pytest.mark.django_db

RIGHT = "correct horse 1"  # the reader fixture's password


def log_in(client, username="alice", password=RIGHT, url_name="login", **environ):
    return client.post(reverse(url_name), {"username": username, "password": password}, **environ)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, times: int, username="alice", **environ) -> None:
    for _ in range(times):
        response = log_in(client, username, "wrong password", **environ)
        assert response.status_code == 200
        assert "That username and password did not match" in response.content.decode()


def test_the_right_password_is_refused_after_too_many_failures(client, reader):
    fail(client, FAILURES_PER_ACCOUNT)

    response = log_in(client)

    assert response.status_code == 429
    assert THROTTLED in response.content.decode()
    assert not logged_in(client)


def test_a_throttled_login_checks_no_password(client, reader, monkeypatch):
    fail(client, FAILURES_PER_ACCOUNT)
    checked = []
    monkeypatch.setattr(ModelBackend, "authenticate", lambda *args, **kw: checked.append(kw))

    assert log_in(client).status_code == 429
    assert checked == []


def test_the_throttle_lifts_when_the_window_has_passed(client, reader, monkeypatch):
    fail(client, FAILURES_PER_ACCOUNT)
    later = time.time() + WINDOW_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)

    assert log_in(client).status_code == 302
    assert logged_in(client)


def test_an_account_is_throttled_from_every_address(client, reader):
    fail(client, FAILURES_PER_ACCOUNT, REMOTE_ADDR="192.0.2.1")

    assert log_in(client, REMOTE_ADDR="198.51.100.7").status_code == 429


def test_an_address_is_throttled_for_every_account(client, reader):
    for n in range(FAILURES_PER_ADDRESS):
        fail(client, 1, username=f"guess{n}")

    assert log_in(client).status_code == 429
    assert log_in(client, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_one_ipv6_client_cannot_escape_by_changing_address_in_its_network(client, reader):
    for n in range(FAILURES_PER_ADDRESS):
        fail(client, 1, username=f"guess{n}", REMOTE_ADDR=f"2001:db8::{n + 1:x}")

    assert log_in(client, REMOTE_ADDR="2001:db8::ffff").status_code == 429


def test_behind_a_trusted_proxy_the_address_it_forwards_is_counted(client, reader, settings):
    settings.TRUST_X_FORWARDED_FOR = True
    for n in range(FAILURES_PER_ADDRESS):
        # The client wrote the first address itself; the proxy appended the real one.
        forwarded = f"203.0.113.{n}, 192.0.2.1"
        fail(client, 1, username=f"guess{n}", HTTP_X_FORWARDED_FOR=forwarded)

    assert log_in(client, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
    assert log_in(client, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 302


def test_a_successful_login_clears_the_accounts_failures(client, reader):
    fail(client, FAILURES_PER_ACCOUNT - 1)
    assert log_in(client).status_code == 302
    client.logout()
    fail(client, FAILURES_PER_ACCOUNT - 1)

    assert log_in(client).status_code == 302


def test_the_admin_login_counts_and_refuses_alike(client, django_user_model):
    django_user_model.objects.create_user(username="root", password=RIGHT, is_staff=True)
    fail(client, FAILURES_PER_ACCOUNT, username="root")

    response = log_in(client, "root", url_name="admin:login")

    assert THROTTLED in response.content.decode()
    assert not logged_in(client)
