"""The archive file: a .tar.gz of the dump, the media files and manifest.json, each file's SHA-256
taken while it is copied in; and the check that an archive is whole before anything is restored."""

import hashlib
import io
import json
import os
import tarfile
import zlib
from pathlib import Path

from cases.backup import BackupError
from cases.digests import sha256_of

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"


class _Hashing:
    """Reads a file through, keeping the SHA-256 of what was read."""

    def __init__(self, stream):
        self.stream, self.sha256 = stream, hashlib.sha256()

    def read(self, size=-1):
        data = self.stream.read(size)
        self.sha256.update(data)
        return data


def media_files(root: Path) -> list[str]:
    """Every regular file under `root`, as a POSIX path relative to it (the name a FileField stores)."""
    if not root.is_dir():
        return []
    return sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and not p.is_symlink()
    )


class Writer:
    """Adds files to a new archive, written as `<dest>.part` and renamed only once finished; on an
    error inside its `with` block the part is removed."""

    def __init__(self, dest: Path):
        self.dest, self.part = dest, dest.with_name(dest.name + ".part")

    def __enter__(self):
        self.tar = tarfile.open(self.part, "w:gz", compresslevel=6)  # noqa: SIM115 - closed by finish/__exit__
        return self

    def __exit__(self, kind, error, traceback):
        if kind is not None:
            self.tar.close()
            self.part.unlink(missing_ok=True)

    def add_file(self, path: Path, name: str) -> dict:
        info = self.tar.gettarinfo(str(path), arcname=name)
        with path.open("rb") as stream:
            reader = _Hashing(stream)
            self.tar.addfile(info, reader)
        return {"sha256": reader.sha256.hexdigest(), "size": info.size}

    def finish(self, manifest: dict) -> None:
        data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime = len(data), int(manifest["created_at_epoch"])
        self.tar.addfile(info, io.BytesIO(data))
        self.tar.close()
        os.replace(self.part, self.dest)


def unpack(archive: Path, into: Path) -> dict:
    """Extract `archive` into `into` and return its manifest, or refuse (BackupError) when anything in
    it is missing, extra or not byte for byte what the manifest says."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(into, filter="data")
        manifest = json.loads((into / MANIFEST).read_text())
        database, media = manifest["database"], manifest["media"]
    except FileNotFoundError as exc:
        raise BackupError(f"备份文件不完整：缺少 {Path(exc.filename).name}") from exc
    except (OSError, EOFError, zlib.error, tarfile.TarError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"无法读取备份文件 {archive.name}：{exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份文件格式版本 {manifest.get('format')} 不受支持（本程序为 {FORMAT}）")
    expected = {database["file"]: database, **{f"{MEDIA}/{name}": entry for name, entry in media.items()}}
    present = {name for name in media_files(into) if name != MANIFEST}
    problems = [f"缺少 {name}" for name in sorted(expected.keys() - present)]
    problems += [f"多出清单之外的 {name}" for name in sorted(present - expected.keys())]
    problems += [
        f"{name} 的内容与清单不符"
        for name in sorted(expected.keys() & present)
        if sha256_of(into / name) != expected[name]["sha256"]
    ]
    if problems:
        shown = "；".join(problems[:10]) + (f"；等共 {len(problems)} 处" if len(problems) > 10 else "")
        raise BackupError(f"备份文件已损坏或被改动，拒绝恢复：{shown}")
    return manifest
