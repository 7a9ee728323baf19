"""Uploaded scans (materials, meeting minutes): PDF or JPG within the size limit, checked by content."""

import hashlib

from django.conf import settings

from cases.services.errors import InvalidInput

ALLOWED_UPLOADS = {".pdf": b"%PDF-", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff"}


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{n / 1024:.1f} KB"


def validate_upload(upload) -> str:
    """PDF or JPG scans only, within the size limit; returns the SHA-256 of the content."""
    name = upload.name or ""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise InvalidInput(f"文件「{name}」大小 {_size(upload.size)}，超过上限 {_size(limit)}")
    if suffix not in ALLOWED_UPLOADS:
        raise InvalidInput(f"文件「{name}」格式不支持：只能上传 PDF 或 JPG 扫描件")
    upload.seek(0)
    head = upload.read(8)
    if not head.startswith(ALLOWED_UPLOADS[suffix]):
        raise InvalidInput(f"文件「{name}」内容与扩展名不符，不是有效的 {suffix[1:].upper()} 文件")
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
