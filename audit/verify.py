"""Verification of the whole audit trail, in bounded memory: every case's event chain (numbers,
links, keyed seals) against the newest checkpoint of its head, the checkpoint chain itself, and
the seal of every sealed row (field history, configuration history, read logs).

A full run that finds nothing wrong seals a new checkpoint of the heads that moved; a run that
finds something names the first broken link and writes no checkpoint (nothing tampered is sealed).
"""

import datetime as dt
import hashlib
import hmac
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter

from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit import keys
from audit.models import CheckpointEntry, SealCheckpoint, VerifyResult, VerifyRun, is_sealed, seal_payload
from cases.models import CaseEvent

logger = logging.getLogger(__name__)

CHUNK = 5000
KEPT_PROBLEMS = 100


@dataclass(frozen=True)
class Broken:
    """One broken link: where (table and row, or case and event number) and what is wrong."""

    where: str
    what: str

    def __str__(self):
        return f"{self.where}：{self.what}"


@dataclass
class Report:
    scope: str
    checked: Counter = field(default_factory=Counter)
    problems: list[Broken] = field(default_factory=list)
    count: int = 0
    checkpoint: int | None = None

    @property
    def ok(self) -> bool:
        return self.count == 0

    def add(self, where: str, what: str) -> None:
        self.count += 1
        if len(self.problems) < KEPT_PROBLEMS:
            self.problems.append(Broken(where, what))

    @property
    def first(self) -> Broken | None:
        return self.problems[0] if self.problems else None


@dataclass(frozen=True)
class Head:
    case_id: int
    count: int
    last_mac: str
    checkpoint: int


def verify_audit(
    *, case_id: int | None = None, since: dt.date | None = None, until: dt.date | None = None
) -> Report:
    """Verify (everything, one case, or what was written in a date range) and record the run."""
    started = timezone.now()
    full = case_id is None and since is None and until is None
    scope = "全部" if full else _scope_label(case_id, since, until)
    report = Report(scope=scope)
    try:
        with transaction.atomic():
            _check_checkpoints(report)
            sink = _CheckpointWriter(report) if full else None
            _check_trails(report, _events(case_id, since, until), _heads(case_id, since, until), sink)
            if case_id is None:
                _check_sealed_rows(report, since, until)
            if sink is not None and report.ok:
                report.checkpoint = sink.close()
            elif sink is not None:
                transaction.set_rollback(True)  # nothing tampered is sealed into a checkpoint
    except IntegrityError:  # another run sealed the same checkpoint number first: its seal stands
        report.checkpoint = None
    _record(report, started)
    return report


def _scope_label(case_id, since, until) -> str:
    parts = [f"案例 {case_id}"] if case_id is not None else []
    if since or until:
        parts.append(f"{since or '…'} 至 {until or '…'}")
    return "，".join(parts)


def _record(report: Report, started) -> None:
    result = VerifyResult.INTACT if report.ok else VerifyResult.BROKEN
    VerifyRun.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        scope=report.scope,
        result=result,
        checked=dict(report.checked),
        problems=report.count,
        first_broken=str(report.first or ""),
        checkpoint=report.checkpoint,
    )
    if report.ok:
        logger.info("审计核验完好（%s）：%s", report.scope, dict(report.checked))
    else:
        logger.error("审计核验发现 %s 处篡改（%s），第一处：%s", report.count, report.scope, report.first)


# -- the checkpoint chain ------------------------------------------------------------------------


def _check_checkpoints(report: Report) -> None:
    previous, expected = "", 0
    for checkpoint in SealCheckpoint.objects.order_by("number").iterator():
        expected += 1
        where = f"检查点 {checkpoint.number}"
        report.checked["检查点"] += 1
        if checkpoint.number != expected:
            report.add(f"检查点 {expected}", "缺失（被删除）")
            expected = checkpoint.number
        if checkpoint.prev_mac != previous:
            report.add(where, "与上一检查点的链接断开")
        digest, entries = _entries_digest(checkpoint.number)
        if (digest, entries) != (checkpoint.digest, checkpoint.entries):
            report.add(where, "条目被改动、增加或删除")
        if not _matches(checkpoint.key_id, checkpoint.payload(), checkpoint.mac):
            report.add(where, "内容与封印不符")
        previous = checkpoint.mac


def _entries_digest(number: int) -> tuple[str, int]:
    sha, n = hashlib.sha256(), 0
    for entry in CheckpointEntry.objects.filter(checkpoint=number).order_by("case_id").iterator(CHUNK):
        sha.update(entry.line().encode())
        n += 1
    return sha.hexdigest(), n


class _CheckpointWriter:
    """Entries of the next checkpoint, written in batches as the trails are read (case order)."""

    def __init__(self, report: Report):
        last = SealCheckpoint.objects.order_by("-number").first()
        self.number = last.number + 1 if last else 1
        self.prev_mac = last.mac if last else ""
        self.sha, self.count, self.batch = hashlib.sha256(), 0, []

    def add(self, case_id: int, count: int, last_mac: str) -> None:
        entry = CheckpointEntry(checkpoint=self.number, case_id=case_id, count=count, last_mac=last_mac)
        self.sha.update(entry.line().encode())
        self.count += 1
        self.batch.append(entry)
        if len(self.batch) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        CheckpointEntry.objects.bulk_create(self.batch)
        self.batch = []

    def close(self) -> int | None:
        if not self.count:
            return None  # no trail moved since the last checkpoint
        self._flush()
        checkpoint = SealCheckpoint(
            number=self.number,
            created_at=timezone.now(),
            entries=self.count,
            digest=self.sha.hexdigest(),
            prev_mac=self.prev_mac,
        )
        checkpoint.key_id, checkpoint.mac = keys.sign(checkpoint.payload())
        checkpoint.save()
        return self.number


# -- the event trails ----------------------------------------------------------------------------


def _cases_in_range(since, until):
    events = CaseEvent.objects.all()
    if since:
        events = events.filter(created_at__date__gte=since)
    if until:
        events = events.filter(created_at__date__lte=until)
    return events.values("case_id")


def _events(case_id, since, until) -> Iterator[CaseEvent]:
    events = CaseEvent.objects.all()
    if case_id is not None:
        events = events.filter(case_id=case_id)
    if since or until:
        events = events.filter(case_id__in=_cases_in_range(since, until))
    return events.order_by("case_id", "seq", "pk").iterator(CHUNK)


def _heads(case_id, since, until) -> Iterator[Head]:
    """The newest checkpointed head of each case, in case order."""
    entries = CheckpointEntry.objects.all()
    if case_id is not None:
        entries = entries.filter(case_id=case_id)
    if since or until:
        entries = entries.filter(case_id__in=_cases_in_range(since, until))
    rows = entries.order_by("case_id", "-checkpoint").values_list(
        "case_id", "count", "last_mac", "checkpoint"
    )
    # SQLite has no isolation between a read and writes on one connection: read the heads first.
    rows = list(rows) if connection.vendor == "sqlite" else rows.iterator(CHUNK)
    for _, group in groupby(rows, key=lambda row: row[0]):
        yield Head(*next(group))


def _check_trails(report: Report, events, heads, sink: _CheckpointWriter | None) -> None:
    heads = iter(heads)
    head = next(heads, None)
    for case_id, trail in groupby(events, key=attrgetter("case_id")):
        while head is not None and head.case_id < case_id:
            _all_gone(report, head)
            head = next(heads, None)
        mine = head if head is not None and head.case_id == case_id else None
        if mine is not None:
            head = next(heads, None)
        count, last_mac = _check_trail(report, case_id, trail, mine)
        if sink is not None and (mine is None or (mine.count, mine.last_mac) != (count, last_mac)):
            sink.add(case_id, count, last_mac)
    while head is not None:
        _all_gone(report, head)
        head = next(heads, None)


def _all_gone(report: Report, head: Head) -> None:
    report.add(
        f"案例 {head.case_id}",
        f"全部事件缺失（检查点 {head.checkpoint} 时有 {head.count} 条）：案例或其历史被删除",
    )


def _check_trail(report: Report, case_id: int, trail, head: Head | None) -> tuple[int, str]:
    """(events, last seal) of one case's trail; its first broken link reported."""
    seq, previous, sealed_at_head, broken = 0, "", None, False
    for event in trail:
        report.checked["案例事件"] += 1
        if broken:
            continue
        seq += 1
        where = f"案例 {case_id} 第 {seq} 条事件（#{event.pk}）"
        if event.seq != seq:
            what = "序号重复或顺序被改动" if event.seq < seq else f"序号为 {event.seq}：此前的事件被删除"
            report.add(where, what)
            broken = True
        elif event.prev_hash != previous:
            report.add(where, "与上一条事件的链接断开（有事件被插入、删除或改动）")
            broken = True
        elif not _matches(event.key_id, event.payload(), event.hash):
            report.add(
                where,
                "内容与封印不符（被改动）" if event.key_id in _ring() else f"未知封印密钥「{event.key_id}」",
            )
            broken = True
        previous = event.hash
        if head is not None and seq == head.count:
            sealed_at_head = event.hash
    if head is not None and not broken:
        if seq < head.count:
            report.add(
                f"案例 {case_id}",
                f"末尾 {head.count - seq} 条事件缺失（检查点 {head.checkpoint} 时有 {head.count} 条，现有 {seq} 条）",
            )
        elif sealed_at_head != head.last_mac:
            report.add(
                f"案例 {case_id} 第 {head.count} 条事件", f"与检查点 {head.checkpoint} 不符（历史被替换）"
            )
    return seq, previous


# -- sealed rows: field history, configuration history, read logs ---------------------------------


def sealed_models() -> list:
    return sorted((m for m in apps.get_models() if is_sealed(m)), key=lambda m: m._meta.db_table)


def _check_sealed_rows(report: Report, since, until) -> None:
    for model in sealed_models():
        rows = model.objects.all()
        when = _time_field(model)
        if since and when:
            rows = rows.filter(**{f"{when}__date__gte": since})
        if until and when:
            rows = rows.filter(**{f"{when}__date__lte": until})
        names = [f.attname for f in model._meta.concrete_fields]
        pk = model._meta.pk.attname
        label = table_label(model)
        for values in rows.order_by(pk).values(*names).iterator(CHUNK):
            report.checked[label] += 1
            if not _matches(values["seal_key"], seal_payload(model, values), values["seal"]):
                report.add(f"{label} #{values[pk]}", "内容与封印不符（被改动或伪造）")


def table_label(model) -> str:
    """A sealed table in Chinese: "党组织的历史", "敏感信息查看记录"."""
    original = getattr(model, "instance_type", None)
    return f"{original._meta.verbose_name}的历史" if original else str(model._meta.verbose_name)


def _time_field(model) -> str | None:
    for name in ("history_date", "at", "created_at"):
        if any(f.name == name for f in model._meta.concrete_fields):
            return name
    return None


def _ring() -> dict:
    from django.conf import settings

    return settings.AUDIT_HMAC_KEYS


def _matches(key_id: str, payload: str, seal: str) -> bool:
    try:
        return hmac.compare_digest(keys.mac(key_id, payload), seal)
    except keys.UnknownKey:
        return False
