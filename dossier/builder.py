"""Build one person's archive (一人一档) on disk: a single PDF — cover, table of contents in the
《细则》's order with page numbers, one summary page per step, each uploaded scan placed as pages (PDF
pages kept via pypdf, JPG/PNG fitted to A4), the letters — and a .zip of the original files with a
manifest of each file's SHA-256.

Everything is written to temporary files in the target directory and renamed into place only when
complete, so a killed build leaves no file under a final name. Scans are read from disk one at a time
(never the whole file set in memory); a scan that is missing or cannot be read gets a page saying so in
the archive, and a line in the manifest, instead of failing the build. `content` (what the archive
holds) is read in a fixed number of queries; the generated pages are rendered with WeasyPrint.
"""

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from PIL import Image
from pypdf import PageObject, PdfReader, PdfWriter, Transformation

from cases import checklist, selectors, steps
from cases.digests import sha256_of
from cases.models import Case, EventKind
from cases.services.uploads import ALLOWED_UPLOADS
from reviews.letters import FONT
from reviews.models import LetterStatus
from reviews.selectors import letters_for_case
from reviews.wording import cn_date

A4 = (595.276, 841.89)  # points
TOC_ROWS = 34  # lines of the table of contents on one page (a first guess; the layout checks it)
IMAGE_SUFFIXES = {suffix for suffix, kind in ALLOWED_UPLOADS.items() if kind != "PDF"}  # what uploads take
Progress = Callable[[int, str], None]
BUILD_PREFIX = ".build-"  # a build's working folder, beside its files
STALE_WORK = dt.timedelta(days=1)  # what a killed build left, removed by sweep_stale after this


@dataclass
class Scan:
    """An uploaded file placed in the archive: its pages, or a page saying why it could not be."""

    material: object  # cases.Material
    label: str  # what the table of contents calls it
    problem: str = ""  # why it is not placed (a message page takes its place)
    pages: int = 0  # pages it takes in the archive
    pdf_path: Path | None = None  # a PDF of its pages (the upload itself, or an image fitted to A4)
    toc_page: int = 0  # its first page in the archive (1-based)

    @property
    def anchor(self) -> str:
        return f"bad-{self.material.pk}"


@dataclass
class Section:
    """A step's summary page and its scans, or the letters, in the table of contents' order."""

    anchor: str
    title: str
    summary: dict | None = None  # what the summary page shows (None: no generated page)
    scans: list[Scan] = field(default_factory=list)
    letters: list = field(default_factory=list)  # reviews.Letter rendered
    first_page: int = 0  # in the archive (1-based), set when laid out
    generated_pages: int = 0


@dataclass
class Built:
    pdf_path: Path
    zip_path: Path
    pdf_sha256: str
    zip_sha256: str
    pages: int
    notes: list[str]


# ---- what the archive holds ---------------------------------------------------------------------


def content(case: Case) -> tuple[dict, list[Section]]:
    """The cover's facts and the sections in the 细则's order (a fixed number of queries)."""
    person = case.person_on_file
    records = {r.step: r for r in selectors.case_records(case)}
    materials = selectors.case_materials(case)
    waivers = selectors.case_waivers(case)
    votes = {(v.step, v.meeting_id): v for v in case.votes.all()}
    warned: dict[str, list] = {}
    for event in selectors.case_events(case):
        if event.kind == EventKind.STEP and event.warnings and event.step not in warned:
            warned[event.step] = event.warnings
    sections = []
    for step in steps.STEPS:
        record = records.get(step.code)
        if record is None:
            continue
        items = checklist.checklist(step, materials, waivers)
        scans = [Scan(m, f"{item.spec.title}（{m.original_name}）") for item in items for m in item.scans]
        scans += [
            Scan(m, f"{m.title}（{m.original_name}）")
            for m in materials
            if m.step == step.code and not m.item
        ]
        vote = votes.get((step.code, record.meeting_id)) if record.meeting_id else None
        sections.append(
            Section(
                anchor=f"s-{step.code}",
                title=f"{step.number}. {step.name}",
                summary={
                    "step": step,
                    "record": record,
                    "people": list(record.recorded_people.all()),
                    "vote": vote,
                    "warnings": warned.get(step.code, []),
                    "items": items,
                },
                scans=scans,
            )
        )
    loose = [m for m in materials if not m.step]
    if loose:
        sections.append(
            Section(
                "s-other",
                "其他材料",
                {"other": True},
                [Scan(m, f"{m.title}（{m.original_name}）") for m in loose],
            )
        )
    letters = [x for x in letters_for_case(case) if x.status == LetterStatus.RENDERED and x.pdf]
    if letters:
        sections.append(Section("s-letters", "批复、回执", {"letters": letters}, letters=letters))
    cover = {
        "case": case,
        "person": person,
        "branch": case.branch,
        "missing": [(s, m) for s, m in _missing(sections, case)],
        "made_on": cn_date(timezone.localdate()),
    }
    return cover, sections


def _missing(sections: list[Section], case: Case):
    done = {s.summary["step"].code for s in sections if s.summary and "step" in s.summary}
    held = {
        i.key
        for s in sections
        if s.summary and "items" in s.summary
        for i in s.summary["items"]
        if i.state in (checklist.PRESENT, checklist.WAIVED)
    }
    return [(s, m) for s, m in steps.required_materials(done) if f"{s.code}:{m.key}" not in held]


# ---- scans --------------------------------------------------------------------------------------


def prepare_scan(scan: Scan, workdir: Path) -> None:
    """Open the upload from disk: count a PDF's pages, fit an image to an A4 page; a file that is
    missing, damaged or locked gets `problem` (and one message page) instead."""
    material = scan.material
    try:
        path = Path(material.file.path)
    except (ValueError, NotImplementedError):
        path = None
    name = material.original_name
    if path is None or not path.exists():
        scan.problem, scan.pages = f"扫描件「{name}」的文件不存在（可能已被移动或删除），未能放入档案。", 1
        return
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            reader = PdfReader(path)
            if reader.is_encrypted:
                raise ValueError("encrypted")
            scan.pages = len(reader.pages)
            if scan.pages == 0:
                raise ValueError("no pages")
            scan.pdf_path = path
        elif suffix in IMAGE_SUFFIXES:
            scan.pdf_path = _image_on_a4(path, workdir / f"img-{material.pk}.pdf")
            scan.pages = 1
        else:
            raise ValueError(f"unsupported {suffix}")
    except Exception:  # pypdf and Pillow raise many kinds on damaged data
        scan.pdf_path = None
        scan.problem = f"扫描件「{name}」已损坏或无法打开（SHA-256 {material.sha256[:12]}…），未能放入档案；原件见压缩包。"
        scan.pages = 1


def _image_on_a4(path: Path, target: Path) -> Path:
    """The image as a one-page A4 PDF, scaled to fit the page with a 10 mm margin, centred."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(path) as image:
            image.load()
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            width, height = image.size
            margin = 28.35
            box_w, box_h = A4[0] - 2 * margin, A4[1] - 2 * margin
            scale = min(box_w / width, box_h / height)
            # Pillow's page is width*72/dpi points: choose the dpi that gives the fitted size.
            dpi = 72 / scale
            raw = target.with_suffix(".raw.pdf")
            image.save(raw, "PDF", resolution=dpi)
    placed = PdfReader(raw).pages[0]
    w, h = float(placed.mediabox.width), float(placed.mediabox.height)
    page = PageObject.create_blank_page(width=A4[0], height=A4[1])
    page.merge_transformed_page(placed, Transformation().translate((A4[0] - w) / 2, (A4[1] - h) / 2))
    writer = PdfWriter()
    writer.add_page(page)
    with target.open("wb") as out:
        writer.write(out)
    raw.unlink(missing_ok=True)
    return target


# ---- generated pages ----------------------------------------------------------------------------


class RenderFailed(Exception):
    pass


def _render(template: str, context: dict, target: Path) -> tuple[int, dict[str, int]]:
    """Render a template to `target` (PDF) in a child process (dossier.pdf_render); its page count
    and the 0-based page of each anchor id."""
    html = render_to_string(template, {**context, "font": FONT})
    done = subprocess.run(
        [sys.executable, "-m", "dossier.pdf_render", str(target)],
        input=html.encode("utf-8"),
        capture_output=True,
        cwd=settings.BASE_DIR,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RenderFailed(f"页面生成失败：{done.stderr.decode('utf-8', 'replace')[-500:]}")
    result = json.loads(done.stdout)
    return result["pages"], result["anchors"]


def lay_out(cover: dict, sections: list[Section], workdir: Path) -> tuple[Path, Path, dict]:
    """Render the body (summary pages and message pages) and the front (cover and table of
    contents, whose page numbers depend on its own length); return both PDFs and the body's page
    of each anchor."""
    body_path, front_path = workdir / "body.pdf", workdir / "front.pdf"
    body_pages, anchors = _render("dossier/pdf/body.html", {"sections": sections, **cover}, body_path)
    ordered = sorted(anchors.values()) + [body_pages]
    for section in sections:
        if section.summary is not None:
            start = anchors[section.anchor]
            section.generated_pages = next(p for p in ordered if p > start) - start
    rows = len(sections) + sum(len(s.scans) + len(s.letters) for s in sections)
    front_pages = 1 + max(1, -(-rows // TOC_ROWS))  # the cover, and a guess at the contents' length
    for _ in range(4):  # the table of contents' own length moves every number after it
        page = front_pages + 1
        for section in sections:
            section.first_page = page
            page += section.generated_pages
            for scan in section.scans:
                scan.toc_page, page = page, page + scan.pages
            for letter in section.letters:
                letter.toc_page, page = page, page + _letter_pages(letter)
        context = {"sections": sections, "total": page - 1, **cover}
        rendered, _ = _render("dossier/pdf/front.html", context, front_path)
        if rendered == front_pages:
            break
        front_pages = rendered
    return front_path, body_path, anchors


def _letter_pages(letter) -> int:
    if not hasattr(letter, "_archive_pages"):
        try:
            letter._archive_pages = len(PdfReader(letter.pdf.path).pages)
        except Exception:
            letter._archive_pages = 0
    return letter._archive_pages


# ---- the files ----------------------------------------------------------------------------------


def _part(target: Path) -> Path:
    """A temporary name beside the target: never offered, renamed over the target when complete."""
    return target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")


def _commit(part: Path, target: Path) -> None:
    with part.open("rb") as stream:
        os.fsync(stream.fileno())
    os.replace(part, target)


def build(case: Case, target_dir: Path, stem: str, progress: Progress) -> Built:
    """Write <stem>.pdf and <stem>.zip into `target_dir` (each via a temporary name). A build that
    fails leaves nothing behind: its temporary files and a PDF already renamed are removed (a killed
    worker cannot; `sweep_stale` removes what it left)."""
    target_dir.mkdir(parents=True, exist_ok=True)
    pdf_target, zip_target = target_dir / f"{stem}.pdf", target_dir / f"{stem}.zip"
    pdf_part, zip_part = _part(pdf_target), _part(zip_target)
    try:
        return _build(case, target_dir, pdf_target, zip_target, pdf_part, zip_part, progress)
    except Exception:  # a killed worker runs nothing more: sweep_stale removes what it left
        for path in (pdf_part, zip_part, pdf_target, zip_target):
            path.unlink(missing_ok=True)
        raise


def _build(case, target_dir, pdf_target, zip_target, pdf_part, zip_part, progress) -> Built:
    progress(5, "读取档案内容")
    cover, sections = content(case)
    scans = [s for section in sections for s in section.scans]
    notes: list[str] = []
    with tempfile.TemporaryDirectory(dir=target_dir, prefix=BUILD_PREFIX) as tmp:
        workdir = Path(tmp)
        for n, scan in enumerate(scans, start=1):
            prepare_scan(scan, workdir)
            if scan.problem:
                notes.append(scan.problem)
            progress(5 + 25 * n // max(len(scans), 1), f"检查扫描件 {n}/{len(scans)}")
        progress(35, "生成封面、目录和步骤摘要")
        front_path, body_path, anchors = lay_out(cover, sections, workdir)
        progress(50, "合并扫描件")
        pages = _assemble(sections, front_path, body_path, anchors, pdf_part, progress)
        _commit(pdf_part, pdf_target)
    progress(85, "打包原件并计算 SHA-256")
    _write_zip(case, cover, sections, pdf_target, zip_part, notes)
    _commit(zip_part, zip_target)
    progress(100, "已完成")
    return Built(pdf_target, zip_target, sha256_of(pdf_target), sha256_of(zip_target), pages, notes)


def sweep_stale(root: Path, older_than: dt.timedelta = STALE_WORK) -> list[Path]:
    """Remove what killed builds left under `root` (the archives' folder): temporary files
    (.<name>.<hex>.part) and working folders (.build-…) untouched for longer than `older_than` — a
    build in progress touches its files far more often (the task's hard limit is 30 minutes).
    Returns what was removed."""
    if not root.is_dir():
        return []
    cutoff = time.time() - older_than.total_seconds()
    removed = []
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            is_part = path.is_file() and path.name.startswith(".") and path.name.endswith(".part")
            is_work = path.is_dir() and path.name.startswith(BUILD_PREFIX)
            try:
                if not (is_part or is_work) or path.stat().st_mtime >= cutoff:
                    continue
                if is_work:
                    shutil.rmtree(path)
                else:
                    path.unlink()
            except FileNotFoundError:  # removed meanwhile (its build finished or failed)
                continue
            removed.append(path)
    return removed


def _assemble(sections, front_path: Path, body_path: Path, anchors: dict, target: Path, progress) -> int:
    writer = PdfWriter()
    front = PdfReader(front_path)
    for page in front.pages:
        writer.add_page(page)
    body = PdfReader(body_path)
    total = sum(len(s.scans) for s in sections) or 1
    placed = 0
    for section in sections:
        outline = writer.add_outline_item(section.title, len(writer.pages))
        if section.summary is not None:
            start = anchors[section.anchor]
            for number in range(start, start + section.generated_pages):
                writer.add_page(body.pages[number])
        for scan in section.scans:
            writer.add_outline_item(scan.label, len(writer.pages), parent=outline)
            if scan.problem:
                writer.add_page(body.pages[anchors[scan.anchor]])
            else:
                for page in PdfReader(scan.pdf_path).pages:
                    writer.add_page(page)
            placed += 1
            progress(50 + 30 * placed // total, f"合并扫描件 {placed}/{total}")
        for letter in section.letters:
            writer.add_outline_item(
                f"{letter.get_kind_display()} {letter.number}", len(writer.pages), parent=outline
            )
            try:
                for page in PdfReader(letter.pdf.path).pages:
                    writer.add_page(page)
            except Exception:  # a letter file gone: its line in the table of contents says 0 pages
                continue
    writer.add_metadata({"/Title": "一人一档", "/Producer": "发展党员全程纪实"})
    with target.open("wb") as out:
        writer.write(out)
    return len(writer.pages)


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_name(text: str) -> str:
    return _UNSAFE.sub("_", text).strip(" .") or "file"


def _write_zip(case, cover, sections, pdf_path: Path, target: Path, notes: list[str]) -> None:
    """The archive PDF, each original upload and each letter, stored (they are compressed already),
    and 清单.csv: each file's path, size and SHA-256 (and whether it matches the upload's)."""
    rows = [("文件", "大小（字节）", "SHA-256", "说明")]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.write(pdf_path, "档案.pdf")
        rows.append(
            (
                "档案.pdf",
                pdf_path.stat().st_size,
                sha256_of(pdf_path),
                "一人一档（封面、目录、步骤摘要、扫描件、批复）",
            )
        )
        used: set[str] = set()
        for section in sections:
            folder = safe_name(section.title)
            for scan in section.scans:
                m = scan.material
                arcname = _unique(f"材料/{folder}/{m.pk}-{safe_name(m.original_name)}", used)
                try:
                    path = Path(m.file.path)
                    digest = sha256_of(path)
                except (OSError, ValueError):
                    rows.append((arcname, m.size, m.sha256, "文件不存在，未放入压缩包"))
                    continue
                zf.write(path, arcname)
                note = "" if digest == m.sha256 else f"与上传时记录的 SHA-256（{m.sha256}）不一致"
                rows.append((arcname, path.stat().st_size, digest, note))
            for letter in section.letters:
                arcname = _unique(f"批复回执/{safe_name(letter.number)}.pdf", used)
                try:
                    path = Path(letter.pdf.path)
                    digest = sha256_of(path)
                except (OSError, ValueError):
                    rows.append((arcname, 0, "", "文件不存在，未放入压缩包"))
                    continue
                zf.write(path, arcname)
                rows.append((arcname, path.stat().st_size, digest, letter.title))
        text = io.StringIO()
        csv.writer(text).writerows(rows)
        for note in notes:
            text.write(f"# {note}\n")
        zf.writestr("清单.csv", "\ufeff" + text.getvalue(), compress_type=zipfile.ZIP_DEFLATED)


def _unique(name: str, used: set[str]) -> str:
    base, n = name, 1
    while name in used:
        n += 1
        stem, dot, ext = base.rpartition(".")
        name = f"{stem}-{n}.{ext}" if dot else f"{base}-{n}"
    used.add(name)
    return name


def archives_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "dossiers"


def archive_dir(case_id: int) -> Path:
    return archives_root() / str(case_id)


__all__ = ["Built", "archive_dir", "archives_root", "build", "content", "safe_name", "sweep_stale"]
