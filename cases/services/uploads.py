"""Uploaded scans (materials, meeting minutes): PDF, JPG or PNG within the size limit. What a file is
comes from its content (its first bytes), never from its name: the name's extension must then say
the same (the archive reads a stored scan by it, dossier.builder), and the file must open — a PDF
must parse (pypdf) and have at least one page and no password, a JPG must decode (Pillow) within a
pixel limit, a PNG must be within that limit with every chunk intact (CRCs checked, no decoding).

The one validator of every scan upload path (records.upload_material, meetings.check_meeting); a
request whose body is too big never gets this far (config/upload_limit.py refuses it unread).
"""

import warnings

from django.conf import settings
from PIL import Image
from pypdf import PdfReader

from cases.digests import sha256_of
from cases.services.errors import InvalidInput

# What the content is (its first bytes) → its name in messages; the extensions allowed for each.
KINDS = {b"%PDF-": "PDF", b"\xff\xd8\xff": "JPG", b"\x89PNG\r\n\x1a\n": "PNG"}
ALLOWED_UPLOADS = {".pdf": "PDF", ".jpg": "JPG", ".jpeg": "JPG", ".png": "PNG"}
IMAGE_FORMATS = {"JPG": "JPEG", "PNG": "PNG"}  # Pillow's names


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{n / 1024:.1f} KB"


def sniff(head: bytes) -> str | None:
    """The kind of a file from its first bytes (KINDS), or None."""
    return next((kind for magic, kind in KINDS.items() if head.startswith(magic)), None)


def validate_upload(upload) -> str:
    """PDF, JPG or PNG scans only, within the size limit, that open; returns the SHA-256 of the content."""
    name = upload.name or ""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise InvalidInput(f"文件「{name}」大小 {_size(upload.size)}，超过上限 {_size(limit)}")
    upload.seek(0)
    kind = sniff(upload.read(8))
    upload.seek(0)
    named = ALLOWED_UPLOADS.get(suffix)
    if named is None:
        raise InvalidInput(f"文件「{name}」格式不支持：只能上传 PDF、JPG 或 PNG 扫描件")
    if kind is None:
        raise InvalidInput(f"文件「{name}」内容与扩展名不符，不是有效的 {named} 文件")
    if kind != named:
        raise InvalidInput(
            f"文件「{name}」内容是 {kind} 文件，与扩展名不符：请将扩展名改为 .{kind.lower()} 后上传"
        )
    if kind == "PDF":
        _open_pdf(upload, name)
    else:
        _decode_image(upload, name, kind)
    return sha256_of(upload)


def _open_pdf(upload, name: str) -> None:
    try:
        reader = PdfReader(upload)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except Exception as exc:  # pypdf raises many kinds (PdfReadError, ValueError, KeyError…) on damage
        raise InvalidInput(
            f"文件「{name}」无法作为 PDF 打开（文件已损坏或不完整），请重新扫描或另存为 PDF 后上传"
        ) from exc
    if encrypted:
        raise InvalidInput(f"文件「{name}」设置了密码（已加密），无法查阅：请取消密码后重新上传")
    if pages == 0:
        raise InvalidInput(f"文件「{name}」是没有任何页面的 PDF，请上传扫描件本身")


def _decode_image(upload, name: str, kind: str) -> None:
    """The header gives the size, checked against the pixel limit before any decoding; then a JPG is
    decoded in full at 1/8 scale (JPEG draft mode): cheap, yet every byte of the compressed data is
    read, so a truncated or damaged scan is refused (Pillow's verify() checks nothing for JPEG:
    load() does); a PNG has no draft mode, so its chunks are read through with their CRCs checked
    (verify()) — a truncated or altered PNG is refused without holding its pixels."""
    limit = settings.MAX_UPLOAD_IMAGE_PIXELS
    damaged = f"文件「{name}」无法作为 {kind} 图片打开（文件已损坏或不完整），请重新扫描后上传"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit is lower
            with Image.open(upload) as image:
                found, (width, height) = image.format, image.size
                if found == IMAGE_FORMATS[kind] and width * height <= limit:
                    if found == "JPEG":
                        image.draft("RGB", (max(width // 8, 1), max(height // 8, 1)))
                        image.load()
                    else:
                        image.verify()
    except Image.DecompressionBombError as exc:  # beyond twice Pillow's own limit: not even opened
        raise InvalidInput(_too_many_pixels(name, "超过图像库的安全上限", limit)) from exc
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError… on damaged data
        raise InvalidInput(damaged) from exc
    if found != IMAGE_FORMATS[kind]:
        raise InvalidInput(f"文件「{name}」内容与扩展名不符，不是有效的 {kind} 文件")
    if width * height > limit:
        raise InvalidInput(_too_many_pixels(name, f"{width}×{height}", limit))


def _too_many_pixels(name: str, pixels: str, limit: int) -> str:
    return (
        f"图片「{name}」像素过多（{pixels}），超过上限 {limit // 1_000_000} 百万像素："
        "请以较低分辨率（如 300 dpi）重新扫描后上传"
    )
