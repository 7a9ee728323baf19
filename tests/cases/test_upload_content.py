"""Scans are checked by opening them: a PDF must parse and have a page and no password, a JPG must
decode within the pixel limit, a PNG must be within it with its chunks intact (and be a PNG: its
content decides, its name must agree). A file that only looks right in its first bytes is refused with a
Chinese reason, and nothing is stored, on every upload path (materials and meeting minutes)."""

import io
import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from cases.models import CaseEvent, Material, Meeting
from demo.journey import advance
from tests import factories as f

pytestmark = pytest.mark.django_db


def pdf_bytes(pages=1, password="") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def noisy_jpg() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 60).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


def jpg_claiming(width: int, height: int) -> bytes:
    """A small JPG whose header (SOF0) claims another size: a decompression bomb's shape."""
    data = noisy_jpg()
    at = data.index(b"\xff\xc0")
    return data[: at + 5] + struct.pack(">HH", height, width) + data[at + 9 :]


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def png_bytes(size=(400, 300)) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(buffer, "PNG")
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose IHDR claims another size (its CRC made right): a decompression bomb's shape."""
    import zlib

    data = png_bytes((40, 30))
    ihdr = b"IHDR" + struct.pack(">II", width, height) + data[24:29]
    return data[:12] + ihdr + struct.pack(">I", zlib.crc32(ihdr)) + data[33:]


BAD_PNGS = {
    "fake-png": (lambda: upload("fake.png", b"GIF89a" + b"A" * 500), "内容与扩展名不符，不是有效的 PNG 文件"),
    "text-as-png": (lambda: upload("notes.png", "会议记录".encode() * 50), "不是有效的 PNG 文件"),
    "png-header-only": (
        lambda: upload("cut.png", b"\x89PNG\r\n\x1a\n" + b"A" * 500),
        "无法作为 PNG 图片打开",
    ),
    "truncated-png": (lambda: upload("cut.png", png_bytes()[:20000]), "无法作为 PNG 图片打开"),
    "altered-png": (
        lambda: upload("bad.png", (lambda d: d[:5000] + bytes([d[5000] ^ 0xFF]) + d[5001:])(png_bytes())),
        "无法作为 PNG 图片打开",
    ),
    "png-named-jpg": (
        lambda: upload("scan.jpg", png_bytes()),
        "内容是 PNG 文件，与扩展名不符：请将扩展名改为 .png",
    ),
    "jpg-named-png": (
        lambda: upload("scan.png", noisy_jpg()),
        "内容是 JPG 文件，与扩展名不符：请将扩展名改为 .jpg",
    ),
    "bomb-png": (lambda: upload("bomb.png", png_claiming(65000, 65000)), "像素过多"),
    "too-many-pixels-png": (lambda: upload("huge.png", png_claiming(12000, 9000)), "像素过多（12000×9000）"),
}


BAD_SCANS = {
    "zero-page-pdf": (lambda: upload("blank.pdf", pdf_bytes(pages=0)), "没有任何页面"),
    "encrypted-pdf": (lambda: upload("locked.pdf", pdf_bytes(password="123")), "设置了密码（已加密）"),
    "truncated-pdf": (lambda: upload("cut.pdf", pdf_bytes()[:300]), "无法作为 PDF 打开"),
    "pdf-header-only": (lambda: upload("fake.pdf", b"%PDF-1.7\n" + b"A" * 500), "无法作为 PDF 打开"),
    "truncated-jpg": (lambda: upload("cut.jpg", noisy_jpg()[:20000]), "无法作为 JPG 图片打开"),
    "jpg-header-only": (
        lambda: upload("fake.jpg", b"\xff\xd8\xff\xe0" + b"A" * 500),
        "无法作为 JPG 图片打开",
    ),
    "bomb-jpg": (lambda: upload("bomb.jpg", jpg_claiming(65000, 65000)), "像素过多"),
    "too-many-pixels": (lambda: upload("huge.jpg", jpg_claiming(12000, 9000)), "像素过多（12000×9000）"),
    **BAD_PNGS,  # what a file is comes from its content; then its name must say the same
}


@pytest.fixture
def secretary_client(client, secretary):
    client.force_login(secretary)
    return client


@pytest.mark.parametrize(("make", "reason"), BAD_SCANS.values(), ids=BAD_SCANS.keys())
def test_it_refuses_a_material_that_does_not_open_and_stores_nothing(
    secretary_client, case, unchanged, make, reason
):
    with unchanged(case):
        response = secretary_client.post(
            reverse("cases:upload", args=[case.pk]), {"title": "申请书", "file": make()}, follow=True
        )
    assert reason in response.content.decode()
    assert not Material.objects.exists()
    assert not CaseEvent.objects.filter(kind="material").exists()


@pytest.mark.parametrize(
    "make", [lambda: f.pdf_upload("scan.pdf", pages=3), lambda: f.jpg_upload("scan.jpg")]
)
def test_it_keeps_a_scan_that_opens(secretary_client, case, make):
    response = secretary_client.post(
        reverse("cases:upload", args=[case.pk]), {"title": "申请书", "file": make()}, follow=True
    )
    assert "材料已上传" in response.content.decode()
    material = Material.objects.get(case=case)
    assert material.file.read().startswith((b"%PDF-", b"\xff\xd8\xff"))


def test_it_applies_the_configured_pixel_limit(secretary_client, case, settings):
    settings.MAX_UPLOAD_IMAGE_PIXELS = 64 * 47
    response = secretary_client.post(
        reverse("cases:upload", args=[case.pk]),
        {"title": "照片", "file": f.jpg_upload("photo.jpg", size=(64, 48))},
        follow=True,
    )
    assert "像素过多（64×48）" in response.content.decode()
    assert not Material.objects.exists()


def test_it_refuses_encrypted_meeting_minutes_and_the_whole_step(secretary_client, case, crew, unchanged):
    advance(case, crew, until="initial_talk")
    meetings = Meeting.objects.count()
    data = {
        "on": "2023-03-11",
        "meeting_entitled": "5",
        "meeting_present": "5",
        "minutes": upload("minutes.pdf", pdf_bytes(password="x")),
    }
    with unchanged(case):
        response = secretary_client.post(reverse("cases:step", args=[case.pk, "activist_selection"]), data)
    assert response.status_code == 200
    assert "文件「minutes.pdf」设置了密码（已加密）" in response.content.decode()
    assert Meeting.objects.count() == meetings and not Material.objects.exists()


def test_a_refused_upload_keeps_what_was_typed(secretary_client, case):
    """The page comes back with the refusal next to the form, the name and step as typed; only the
    file has to be chosen again (a browser never refills a file input)."""
    response = secretary_client.post(
        reverse("cases:upload", args=[case.pk]),
        {"title": "谈话记录（补扫）", "step": "initial_talk", "file": upload("scan.pdf", b"not a pdf")},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="upload-error"' in page and "上传失败" in page
    assert 'value="谈话记录（补扫）"' in page
    assert '<option value="initial_talk" selected>' in page
    assert not Material.objects.exists()


def test_a_refused_upload_of_another_branch_case_is_404(client, case, outsider):
    client.force_login(outsider)
    response = client.post(
        reverse("cases:upload", args=[case.pk]), {"title": "x", "file": upload("scan.pdf", b"%PDF-")}
    )
    assert response.status_code == 404


def test_it_keeps_a_png_that_opens_filed_as_a_png(secretary_client, case):
    made = f.png_upload("照片.PNG", mode="RGBA")
    content = made.read()
    made.seek(0)
    response = secretary_client.post(
        reverse("cases:upload", args=[case.pk]), {"title": "入党申请书", "file": made}, follow=True
    )
    assert "材料已上传" in response.content.decode()
    material = Material.objects.get(case=case)
    assert material.file.name.lower().endswith(".png") and material.file.read() == content
    assert material.sha256 == __import__("hashlib").sha256(content).hexdigest()


def test_an_oversized_png_is_refused_by_the_same_limit(secretary_client, case, settings, unchanged):
    settings.MAX_UPLOAD_BYTES = 64 * 1024
    big = f.png_upload("big.png", pad_to=80 * 1024)
    assert big.size > settings.MAX_UPLOAD_BYTES
    with unchanged(case):
        response = secretary_client.post(
            reverse("cases:upload", args=[case.pk]), {"title": "照片", "file": big}, follow=True
        )
    assert (
        "文件「big.png」大小" in response.content.decode() and "超过上限 64.0 KB" in response.content.decode()
    )
    assert not Material.objects.exists()
    small = f.png_upload("small.png", pad_to=32 * 1024)
    secretary_client.post(reverse("cases:upload", args=[case.pk]), {"title": "照片", "file": small})
    assert Material.objects.filter(case=case).count() == 1


def test_png_meeting_minutes_are_kept_with_the_step(secretary_client, case, crew):
    advance(case, crew, until="initial_talk")
    data = {
        "on": "2023-03-11",
        "meeting_entitled": "5",
        "meeting_present": "5",
        "minutes": f.png_upload("minutes.png"),
    }
    response = secretary_client.post(reverse("cases:step", args=[case.pk, "activist_selection"]), data)
    assert response.status_code == 302
    meeting = Meeting.objects.filter(minutes__endswith=".png").get()
    assert meeting.minutes.read().startswith(b"\x89PNG")
