import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

RESET_URLS = [
    reverse("password_reset"),
    reverse("password_reset_done"),
    reverse("password_reset_confirm", args=["MQ", "set-password"]),
    reverse("password_reset_complete"),
]


@pytest.fixture
def mail(settings, mailoutbox):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    return mailoutbox


def test_without_mail_there_is_no_password_reset(client, settings):
    settings.MAILERS = {}

    assert [client.get(url).status_code for url in RESET_URLS] == [404] * len(RESET_URLS)
    assert client.post(RESET_URLS[0], {"email": "alice@example.com"}).status_code == 404
    assert reverse("password_reset") not in client.get(reverse("login")).content.decode()


def test_with_mail_a_reader_resets_their_password_through_the_mailed_link(client, reader, mail):
    reader.email = "alice@example.com"
    reader.save(update_fields=["email"])
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()

    client.post(reverse("password_reset"), {"email": "ALICE@example.com"}, secure=True)
    link = re.search(r"https://testserver(/\S+)", mail[0].body).group(1)
    form = client.get(link, follow=True, secure=True)
    new_password = {"new_password1": "a new long phrase", "new_password2": "a new long phrase"}
    done = client.post(form.redirect_chain[-1][0], new_password, follow=True, secure=True)

    assert "Password changed" in done.content.decode()
    assert client.login(username="alice", password="a new long phrase")


def test_with_mail_an_unknown_address_gets_the_same_answer(client, reader, mail):
    reader.email = "alice@example.com"
    reader.save(update_fields=["email"])

    known = client.post(reverse("password_reset"), {"email": "alice@example.com"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("password_reset_done")
    assert len(mail) == 1
