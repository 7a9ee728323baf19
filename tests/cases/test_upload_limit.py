"""A request whose Content-Length is beyond any upload is refused from the header alone: the body is
never parsed or stored, nothing is written, and the user reads 文件过大 — a full page, or for an
htmx form a message above the form."""

import io

import pytest
from django.conf import settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from cases.models import CaseEvent, Material
from tests import factories as f

pytestmark = pytest.mark.django_db

FIFTY_GB = 50 * 1024**3


class UnreadableBody(io.RawIOBase):
    """A body that must not be touched: reading it fails the test."""

    touched = False

    def read(self, size=-1):
        UnreadableBody.touched = True
        raise AssertionError("the request body was read")

    readline = read


@pytest.fixture
def secretary_client(client, secretary):
    client.force_login(secretary)
    return client


def post_declaring(client, url: str, length: int, **headers):
    """A small multipart form whose Content-Length header claims `length` bytes."""
    UnreadableBody.touched = False
    return client.post(
        url,
        {"title": "申请书", "file": f.pdf_upload()},
        headers=headers,
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableBody()},
    )


def test_it_refuses_a_huge_upload_from_its_length_without_reading_it(secretary_client, case):
    response = post_declaring(secretary_client, reverse("cases:upload", args=[case.pk]), FIFTY_GB)
    assert response.status_code == 413
    body = response.content.decode()
    assert "文件过大" in body and "约 51200.0 MB，超过上限 10 MB" in body
    assert response["Connection"] == "close"  # too big to read and throw away
    assert not UnreadableBody.touched
    assert not Material.objects.exists() and not CaseEvent.objects.filter(kind="material").exists()


def test_it_tells_an_htmx_form_above_the_form_with_a_status_htmx_swaps(secretary_client, case):
    url = reverse("cases:step", args=[case.pk, "initial_talk"])
    response = post_declaring(secretary_client, url, FIFTY_GB, **{"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Reswap"] == "beforebegin"
    assert 'class="alert alert-danger"' in response.content.decode()
    assert "文件过大，未上传" in response.content.decode()
    assert not UnreadableBody.touched
    assert not CaseEvent.objects.filter(case=case, step="initial_talk").exists()


def test_it_refuses_an_oversized_import_before_the_importer_sees_it(client, secretary):
    client.force_login(secretary)
    response = post_declaring(client, reverse("imports:upload"), FIFTY_GB, **{"HX-Request": "true"})
    assert "文件过大" in response.content.decode()
    assert not UnreadableBody.touched


def test_it_reads_and_discards_a_moderately_oversized_body_so_the_browser_gets_the_page(
    secretary_client, case, settings
):
    settings.MAX_UPLOAD_REQUEST_BYTES = 100_000
    body = encode_multipart(BOUNDARY, {"title": "申请书", "file": f.pdf_upload(pad_to=200_000)})
    stream = io.BytesIO(body)
    response = secretary_client.generic(
        "POST",
        reverse("cases:upload", args=[case.pk]),
        body,
        content_type=MULTIPART_CONTENT,
        **{"wsgi.input": stream},
    )
    assert response.status_code == 413 and "文件过大" in response.content.decode()
    assert stream.tell() == len(body)  # read to the end, thrown away
    assert not response.has_header("Connection")
    assert not Material.objects.exists()


def test_it_lets_an_upload_at_the_limit_through_to_the_form(secretary_client, case, settings):
    upload = f.pdf_upload(pad_to=50_000)
    body = encode_multipart(BOUNDARY, {"title": "申请书", "file": upload})
    settings.MAX_UPLOAD_REQUEST_BYTES = len(body)
    upload.seek(0)
    secretary_client.post(reverse("cases:upload", args=[case.pk]), {"title": "申请书", "file": upload})
    assert Material.objects.filter(case=case).count() == 1


def test_the_limit_admits_the_largest_scan_and_the_largest_import_workbook():
    largest_file = max(settings.MAX_UPLOAD_BYTES, settings.IMPORT_MAX_FILE_BYTES)
    assert largest_file + 64 * 1024 <= settings.MAX_UPLOAD_REQUEST_BYTES
