"""A .zip written as it is sent (zipfile on an unseekable sink): files are copied in chunks and each
chunk is handed on at once, so a bundle of hundreds of archives never sits in memory."""

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

CHUNK = 1024 * 1024


class _Sink(io.RawIOBase):
    """Collects what zipfile writes; tell()/seek() are unsupported, so zipfile streams (data
    descriptors after each member)."""

    def __init__(self):
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


class ZipStream:
    def __init__(self):
        self.sink = _Sink()
        self.zip = zipfile.ZipFile(self.sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True)

    def _flush(self) -> Iterator[bytes]:
        data = self.sink.drain()
        if data:
            yield data

    def add_file(self, path: Path, arcname: str) -> Iterator[bytes]:
        with path.open("rb") as source, self.zip.open(arcname, "w", force_zip64=True) as member:
            while chunk := source.read(CHUNK):
                member.write(chunk)
                yield from self._flush()
        yield from self._flush()

    def add_bytes(self, data: bytes, arcname: str) -> Iterator[bytes]:
        self.zip.writestr(arcname, data)
        yield from self._flush()

    def close(self) -> Iterator[bytes]:
        self.zip.close()
        yield from self._flush()
