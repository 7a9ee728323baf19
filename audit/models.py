"""The audit's own records: the seal of rows that are history, the checkpoints of every case's
event trail, and the verifier's runs.

Interface for other apps:
- `SealedHistoryRow` (abstract): the base of every field-history model — a SealedRow that also
  records who acted as the events record it: the address (history_ip), the role and organization
  acted in and the door the change came through (history_role, history_org, history_source;
  audit.history stamps them).
- `SealedRow` (abstract): a row sealed when written (HMAC of all its columns but the id and the seal
  itself, audit.keys). Field-history models take it as their base (`HistoricalRecords(bases=
  [SealedHistoryRow], m2m_bases=[SealedRow])`), so do read logs; `save()`, `objects.bulk_create()` and
  cases.bulk_rows seal; audit.verify finds any row changed since.
- `SealCheckpoint` + `CheckpointEntry`: after every clean full verification, the head (number of
  events and last seal) of each case whose trail grew, in a keyed chain of checkpoints: a later
  trail must extend it, so removing a case's last events or its whole trail shows.
- `VerifyRun`: when verification ran, over what, its result and the first broken link (a screen
  shows "last verified" from the newest row).
"""

import datetime as dt
import decimal
import functools
import json
import uuid

from django.conf import settings as django_settings
from django.db import models
from django.utils import timezone

from audit import keys

SEAL_FIELDS = ("seal_key", "seal")


def _canonical(field, value):
    if value is None:
        return None
    if isinstance(field, models.JSONField):  # as the column gives it back: dates become text
        return json.loads(json.dumps(value, cls=field.encoder))
    value = field.to_python(value)  # as the column gives it back: "5" for 5 in a text column
    if isinstance(value, dt.datetime):
        return _instant(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)  # a FieldFile, an IP object: its stored text


# Columns added to a sealed table after rows were sealed: table → {attname: the value the rows
# sealed before hold}. While a row holds that value the column is left out of its payload, so the
# earlier seals still match; any other value is covered (and a change to or from it shows).
ADDED_COLUMNS: dict[str, dict[str, object]] = {}


def sealed_since(table: str, columns: dict[str, object]) -> None:
    """Declare columns added to the sealed table `table` (the app's models call this at import)."""
    ADDED_COLUMNS.setdefault(table, {}).update(columns)


def _instant(value: dt.datetime) -> str:
    return (value.astimezone(dt.UTC) if value.tzinfo else value).isoformat()


def _canonicalizer(field):
    """`_canonical` for one field, answering the value types its column gives back (text in a text
    column, an int in an integer one, a date, a datetime) without to_python, which returns those
    unchanged: what the seal covers is the same, at a fraction of the cost for every row sealed or
    verified."""
    generic = functools.partial(_canonical, field)
    if isinstance(field, models.JSONField):
        return generic
    target = field.target_field if field.is_relation else field
    to_python = type(target).to_python
    if to_python in (models.CharField.to_python, models.TextField.to_python):
        native, answer = str, None
    elif to_python is models.IntegerField.to_python:
        native, answer = int, None
    elif to_python is models.BooleanField.to_python:
        native, answer = bool, None
    elif to_python is models.DateField.to_python:
        native, answer = dt.date, dt.date.isoformat
    elif to_python is models.DateTimeField.to_python:
        native, answer = dt.datetime, _instant
    else:
        return generic

    def canonical(value):
        if value is None:
            return None
        if type(value) is native:  # exact type: a bool is not taken for an int, a datetime for a date
            return value if answer is None else answer(value)
        return generic(value)

    return canonical


_PAYLOAD_FIELDS: dict = {}


def _payload_fields(model) -> list:
    """(attname, canonicalizer) of each column a seal covers, computed once per model."""
    fields = _PAYLOAD_FIELDS.get(model)
    if fields is None:
        fields = _PAYLOAD_FIELDS[model] = [
            (f.attname, _canonicalizer(f))
            for f in model._meta.concrete_fields
            if not f.primary_key and f.attname not in SEAL_FIELDS
        ]
    return fields


def added_columns(model) -> dict[str, object]:
    """The columns added to `model`'s table after rows were sealed, with the value earlier rows hold."""
    added = ADDED_COLUMNS.get(model._meta.db_table, {})
    if issubclass(model, SealedHistoryRow):
        added = {**HISTORY_COLUMNS_ADDED, **added}
    return added


def seal_payload(model, values: dict) -> str:
    """What a row's seal covers: every column but its id and the seal, by attname (an added column
    holding its earlier value left out: ADDED_COLUMNS)."""
    fields = {attname: canonical(values.get(attname)) for attname, canonical in _payload_fields(model)}
    for attname, empty in added_columns(model).items():
        # (a migration that seals rows before the column exists gives no value for it)
        if attname in fields and (attname not in values or fields[attname] == empty):
            del fields[attname]
    return json.dumps({"table": model._meta.db_table, **fields}, ensure_ascii=False, sort_keys=True)


class SealingManager(models.Manager):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.apply_seal()
        return super().bulk_create(objs, *args, **kwargs)


class SealedRow(models.Model):
    """A row of history: sealed when written, never changed (the database refuses, audit.triggers).
    Its time columns take `default=timezone.now`, never auto_now(_add): the insert would set those
    after the seal was computed."""

    seal_key = models.CharField("封印密钥", max_length=20, blank=True, editable=False)
    seal = models.CharField("封印", max_length=64, blank=True, editable=False)

    objects = SealingManager()

    class Meta:
        abstract = True

    def seal_values(self) -> dict:
        return {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}

    def apply_seal(self) -> None:
        self.seal_key, self.seal = keys.sign(seal_payload(type(self), self.seal_values()))

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("历史记录只能追加，不能修改。")
        self.apply_seal()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("历史记录只能追加，不能删除。")


class EventSource(models.TextChoices):
    """Through which door a write came (cases.services.Actor.source), shown in the audit browser:
    a form of the case file, an import, the committee's desk (审批台: reviews' decisions, reports,
    letters), the admin, a system job (a Celery task acting on its own), a command, a transfer.
    Recorded by case events (cases.CaseEvent.source) and field-history rows (history_source), so it
    lives here, below both; cases.models names it too."""

    WEB = "web", "表单"
    IMPORT = "import", "导入"
    DESK = "desk", "审批台"
    ADMIN = "admin", "管理后台"
    SYSTEM = "system", "系统任务"
    COMMAND = "command", "命令"
    TRANSFER = "transfer", "转入"


# Columns every field-history table gained after its rows were first sealed (see ADDED_COLUMNS).
HISTORY_COLUMNS_ADDED = {"history_ip": None, "history_role": "", "history_org_id": None, "history_source": ""}


class SealedHistoryRow(SealedRow):
    """A field-history row (simple-history): sealed like every row of history, and stamped with who
    acted, as a case event records it (audit.history.stamp_acting: the acting context a service set,
    else the request's; the bulk writer from its actor) — the address the change came from (empty
    for a command or a system job), the role (as cases.CaseEvent.role records it, 「代某某办理」
    included) and the organization acted in (blank when no grant is resolvable: a superuser in the
    admin, a system job), and the door (cases.models.EventSource: form, import, desk, admin, system
    job…). Rows written before a column existed hold its HISTORY_COLUMNS_ADDED value."""

    history_ip = models.GenericIPAddressField("IP 地址", null=True, blank=True, editable=False)
    history_role = models.CharField("角色", max_length=30, blank=True, editable=False)
    # A foreign key like cases.CaseEvent.org: the organization acted in must outlive nothing it
    # names (PROTECT), and the audit browser reads its name with the row's other keys, in bulk.
    history_org = models.ForeignKey(
        "branches.Organization",
        verbose_name="组织",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history_source = models.CharField(
        "来源", max_length=20, blank=True, editable=False, choices=EventSource.choices
    )

    class Meta:
        abstract = True


def seal_row(model, row: dict) -> dict:
    """The same seal for a row written as a dict of columns (cases.bulk_rows)."""
    key_id, seal = keys.sign(seal_payload(model, row))
    return row | {"seal_key": key_id, "seal": seal}


def is_sealed(model) -> bool:
    return issubclass(model, SealedRow)


class SealCheckpoint(models.Model):
    """One link of the checkpoint chain: its entries (in case order) and the one before it, sealed."""

    number = models.PositiveIntegerField("编号", unique=True)
    created_at = models.DateTimeField("时间")
    entries = models.PositiveIntegerField("案例数")
    digest = models.CharField("条目摘要", max_length=64)
    prev_mac = models.CharField("前一检查点 MAC", max_length=64, blank=True)
    key_id = models.CharField("封印密钥", max_length=20)
    mac = models.CharField("MAC", max_length=64)

    class Meta:
        verbose_name = "封印检查点"
        verbose_name_plural = "封印检查点（只读）"
        ordering = ["number"]

    def __str__(self):
        return f"检查点 {self.number}"

    def payload(self) -> str:
        return json.dumps(
            [
                self.number,
                self.created_at.astimezone(dt.UTC).isoformat(),
                self.entries,
                self.digest,
                self.prev_mac,
            ]
        )


class CheckpointEntry(models.Model):
    """A case's head at a checkpoint: its trail had `count` events, the last sealed `last_mac`.
    The case is an id, not a foreign key: the entry must outlive a case someone deletes."""

    checkpoint = models.PositiveIntegerField("检查点编号")
    case_id = models.BigIntegerField("案例编号")
    count = models.PositiveIntegerField("事件数")
    last_mac = models.CharField("最后 MAC", max_length=64)

    class Meta:
        verbose_name = "检查点条目"
        verbose_name_plural = "检查点条目（只读）"
        constraints = [
            models.UniqueConstraint(fields=["case_id", "checkpoint"], name="one_entry_per_case_checkpoint")
        ]
        indexes = [models.Index(fields=["checkpoint", "case_id"])]

    def line(self) -> str:
        return f"{self.case_id}:{self.count}:{self.last_mac}\n"


class VerifyResult(models.TextChoices):
    INTACT = "intact", "完好"
    BROKEN = "broken", "发现篡改"
    ERROR = "error", "未能完成"


class VerifyRun(models.Model):
    """One run of verify_audit: the newest says when the audit trail was last verified."""

    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间")
    scope = models.CharField("范围", max_length=200)
    result = models.CharField("结果", max_length=10, choices=VerifyResult.choices)
    checked = models.JSONField("核对行数", default=dict)
    problems = models.PositiveIntegerField("问题数", default=0)
    first_broken = models.TextField("第一处断链", blank=True)
    checkpoint = models.PositiveIntegerField("写入的检查点", null=True, blank=True)

    class Meta:
        verbose_name = "审计核验记录"
        verbose_name_plural = "审计核验记录（只读）"
        ordering = ["-started_at", "-pk"]
        get_latest_by = "started_at"

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_result_display()}"


class ReadKind(models.TextChoices):
    LETTER = "letter", "下载批复/回执"
    MATERIAL = "material", "下载材料"
    ARCHIVE = "archive", "下载一人一档"
    MINUTES = "minutes", "下载会议记录"


class ReadRecord(SealedRow):
    """A read that matters (a letter or a material downloaded): who, what, when, from where. Written
    before the file is served; when it cannot be written, the read is refused (audit.reads).
    Reveals of a 公民身份号码 are cases.SensitiveAccess and exports imports.ExportLog, sealed alike."""

    user = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, verbose_name="查阅人", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("查阅内容", max_length=20, choices=ReadKind.choices)
    object_id = models.BigIntegerField("对象编号")
    what = models.CharField("对象", max_length=300)
    case_id = models.BigIntegerField("案例编号", null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    at = models.DateTimeField("时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "查阅记录"
        verbose_name_plural = "查阅记录（只读）"
        ordering = ["-at", "-pk"]


__all__ = [
    "EventSource",
    "ReadKind",
    "ReadRecord",
    "CheckpointEntry",
    "SealCheckpoint",
    "SealedHistoryRow",
    "SealedRow",
    "VerifyResult",
    "VerifyRun",
    "is_sealed",
    "seal_payload",
    "seal_row",
    "sealed_since",
]
