"""The SHA-256 of a file's content, read in chunks (hashlib.file_digest): a material's upload, a
stored import workbook, a backup's media files and a letter's PDF are all fingerprinted here."""

import hashlib
from pathlib import Path


def sha256_of(source) -> str:
    """The hex SHA-256 of a path's content, or of a binary file object's whole content (read from
    its start and left at its start, so the caller can read it again)."""
    if isinstance(source, str | Path):
        with Path(source).open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    source.seek(0)
    digest = hashlib.file_digest(source, "sha256").hexdigest()
    source.seek(0)
    return digest
