"""Request bodies that could only fill the disk are refused before anything reads them."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from fics.models import Work

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test as soon as anything reads from it."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        raise AssertionError("the request body was read")


@pytest.fixture
def csrf_client(client) -> Client:
    """A browser as an attacker has it: checked for CSRF, with the cookie any GET hands out."""
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    return client


def post_unread(client: Client, path: str, size: int, **headers):
    """POST a multipart body that claims `size` bytes and must not be read."""
    environ = {
        "CONTENT_TYPE": "multipart/form-data; boundary=boundary",
        "CONTENT_LENGTH": str(size),
        "wsgi.input": UnreadableBody(),
    }
    return client.generic("POST", path, headers=headers, **environ)


@pytest.mark.parametrize("url_name", ["upload", "import_annotations"])
def test_an_anonymous_upload_goes_to_the_login_page_unread(csrf_client, url_name):
    response = post_unread(csrf_client, reverse(url_name), 50 * MB)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_anonymous_htmx_upload_says_nothing_was_saved_unread(csrf_client):
    response = post_unread(csrf_client, reverse("upload"), 50 * MB, hx_request="true")

    assert response.status_code == 401
    assert "nothing was saved" in response.content.decode()


def test_a_large_body_to_the_login_form_is_refused_unread(csrf_client):
    response = post_unread(csrf_client, reverse("login"), 50 * MB)

    assert response.status_code == 413
    assert "Too large" in response.content.decode()


def test_a_body_without_content_length_is_never_read(csrf_client):
    response = csrf_client.generic(
        "POST",
        reverse("upload"),
        CONTENT_TYPE="multipart/form-data; boundary=boundary",
        **{"wsgi.input": UnreadableBody()},
    )

    assert response.status_code == 403


@pytest.mark.parametrize("url_name", ["upload", "import_annotations"])
def test_a_readers_upload_over_the_limit_gets_413_unread(reader_client, url_name):
    response = post_unread(reader_client, reverse(url_name), settings.MAX_UPLOAD_REQUEST_BYTES + 1)

    body = response.content.decode()
    assert response.status_code == 413
    assert f"up to {settings.MAX_UPLOAD_MB} MB each" in body
    assert f"{settings.MAX_UPLOAD_REQUEST_MB} MB in all" in body


def test_a_readers_other_pages_refuse_bodies_larger_than_form_data(reader_client, work):
    url = reverse("work_edit", args=[work.pk])

    response = post_unread(reader_client, url, settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    assert response.status_code == 413
    assert "more than this page accepts" in response.content.decode()


def test_a_normal_upload_still_works(reader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    client.get(reverse("upload"))
    files = [
        SimpleUploadedFile(f"{n}.txt", f"Story {n}, its first paragraph.\n".encode())
        for n in range(3)
    ]

    response = client.post(
        reverse("upload"),
        {"stories": files, "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )

    assert response.status_code == 200
    assert Work.objects.count() == 3
