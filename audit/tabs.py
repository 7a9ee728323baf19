"""The audit browser's four tabs as data: which tables each reads, how the scope and the filters
narrow each table, and how a page of its rows is shown (AuditRow) — in Chinese, by the models'
verbose names and shown_value, never internal codes, 公民身份号码 masked.

Scope: the organizations of the user's audit grants (cases.permissions.audit_orgs) and everything
below them. Case rows (events, case/person/step history, reveals, downloads) belong to the case's
branch; organization and grant history to the organization; exports to the users holding a grant
there. County-wide rows (holidays, rule settings, exports and reads of no case) are the county's:
shown to the organization department's auditors only, and only while no organization is chosen.

Filters that do not apply to a table (a step for a grant, "仅含预警" for a field change) exclude
that table rather than being ignored: the rows shown always satisfy every filter given. Field and
configuration changes show who acted as events do (role, organization, address, source: the
history_* columns of audit.models.SealedHistoryRow), and the source filter keeps theirs; a row
written before those columns existed has no source, so a source chosen leaves it out.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import ForeignKey, OuterRef, Subquery
from django.utils import timezone
from guardian.models import UserObjectPermission

from audit.feed import Source
from audit.models import SEAL_FIELDS, ReadRecord
from branches.models import Delegation, Organization, Role, role_text
from cases import steps
from cases.idcard import mask
from cases.models import (
    Case,
    CaseEvent,
    EventKind,
    EventSource,
    Holiday,
    Meeting,
    Person,
    RuleSettings,
    SensitiveAccess,
    StepRecord,
)
from cases.selectors import HISTORY_HIDDEN_FIELDS, shown_value
from imports.models import ExportLog

EMPTY = "（空）"
HISTORY_TYPES = [("+", "新建"), ("~", "修改"), ("-", "删除")]
_TYPE_LABEL = dict(HISTORY_TYPES)
_STEP_LABEL = dict(steps.CHOICES)
_EVENT_KIND = dict(EventKind.choices)
_EVENT_SOURCE = dict(EventSource.choices)


@dataclass(frozen=True)
class Scope:
    """What the user audits: the organizations of their grants (and all below), and whether they
    audit the county as a whole (an organization department's auditor)."""

    orgs: tuple[Organization, ...]
    county: bool


@dataclass
class AuditRow:
    at: dt.datetime
    kind: str
    who: str = ""
    role: str = ""
    org: str = ""
    ip: str = ""
    source: str = ""
    subject: str = ""
    case_id: int | None = None
    step: str = ""
    origin: str = ""  # the source (table) key and id of the row: its page (audit.feed sets them)
    pk: int | None = None
    summary: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)

    @property
    def at_iso(self) -> str:
        return timezone.localtime(self.at).isoformat()

    @property
    def at_text(self) -> str:
        """The time as the browser and the exports write it (here, not with the template's date
        filter, which costs more)."""
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M:%S}"


def _who(user) -> str:
    if user is None:
        return "系统"
    return user.get_full_name() or user.get_username()


def _case_label(case) -> str:
    return f"{case.person.name}（{case.branch.name}）"


def _in_time(qs, time: str, f: dict):
    if f.get("since"):
        qs = qs.filter(**{f"{time}__gte": f["since"]})
    if f.get("until"):
        qs = qs.filter(**{f"{time}__lt": f["until"]})
    return qs


def _refuses(f: dict, *names: str) -> bool:
    """A filter this table cannot satisfy is set: the table is left out."""
    return any(f.get(name) for name in names)


def _cases_in(f: dict):
    qs = Case.objects.filter(branch_id__in=f["branch_ids"])
    if f.get("case_ids") is not None:
        qs = qs.filter(pk__in=f["case_ids"])
    if f.get("person_ids") is not None:
        qs = qs.filter(person_id__in=f["person_ids"])
    return qs


# ---- 案例事件 -------------------------------------------------------------------------------------


def _events(f: dict):
    qs = CaseEvent.objects.filter(case__branch_id__in=f["branch_ids"])
    if f.get("case_ids") is not None:
        qs = qs.filter(case_id__in=f["case_ids"])
    if f.get("person_ids") is not None:
        qs = qs.filter(case__person_id__in=f["person_ids"])
    if f.get("user_ids") is not None:
        qs = qs.filter(actor_id__in=f["user_ids"])
    for name in ("kind", "step", "source"):
        if f.get(name):
            qs = qs.filter(**{name: f[name]})
    if f.get("warnings"):
        qs = qs.exclude(warnings=[])
    return _in_time(qs, "created_at", f).select_related("actor", "org", "case__person", "case__branch")


def _present_events(events) -> list[AuditRow]:
    return [
        AuditRow(
            at=e.created_at,
            kind=_EVENT_KIND.get(e.kind, e.kind),
            who=_who(e.actor),
            role=role_text(e.role),
            org=e.org.name if e.org else "",
            ip=e.ip or "",
            source=_EVENT_SOURCE.get(e.source, e.source),
            subject=_case_label(e.case),
            case_id=e.case_id,
            step=_STEP_LABEL.get(e.step, ""),
            summary=e.summary + (f"；{e.note}" if e.note and e.kind != EventKind.STEP else ""),
            warnings=[w for w in e.warnings if isinstance(w, dict)],
        )
        for e in events
    ]


# ---- field history (simple-history rows, shown as before / after) -------------------------------


def _history(model):
    return model.history.model


def _with_previous(qs):
    """Each historical row with the id of the version before it (one indexed lookup per row)."""
    earlier = qs.model.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
    return qs.annotate(prev_hid=Subquery(earlier.order_by("-history_id").values("history_id")[:1]))


def _by_user_and_source(qs, f: dict):
    if f.get("user_ids") is not None:
        qs = qs.filter(history_user_id__in=f["user_ids"])
    if f.get("source"):  # rows written before the column existed have none: never of a source
        qs = qs.filter(history_source=f["source"])
    return qs


def _acting(r, names) -> dict:
    """Who acted, as a field-history row records it (audit.models.SealedHistoryRow), in the
    AuditRow's terms: as events show theirs."""
    org = names.get((Organization, r.history_org_id), "") if r.history_org_id else ""
    return {
        "who": _who(r.history_user),
        "role": role_text(r.history_role) if r.history_role else "",
        "org": org,
        "ip": r.history_ip or "",
        "source": _EVENT_SOURCE.get(r.history_source, r.history_source),
    }


def _history_common(qs, f: dict):
    qs = _by_user_and_source(qs, f)
    if f.get("kind"):
        qs = qs.filter(history_type=f["kind"])
    return _with_previous(_in_time(qs, "history_date", f)).select_related("history_user")


def _label_of(obj) -> str:
    if isinstance(obj, Case):
        return _case_label(obj)
    if isinstance(obj, get_user_model()):
        return _who(obj)
    if hasattr(obj, "name") and isinstance(obj.name, str):
        return obj.name
    return str(obj)


_RELATED = {Case: ("person", "branch"), Meeting: ("org",)}


def _related_names(rows) -> dict:
    """{(related model, id): label} for every foreign key value of these (historical) rows, the
    organization acted in (history_org) with the rest: one query per related model."""
    wanted: dict = {}
    for f in type(rows[0])._meta.concrete_fields:
        if isinstance(f, ForeignKey) and f.name != "history_user":
            ids = {getattr(r, f.attname) for r in rows} - {None}
            if ids:
                wanted.setdefault(f.related_model, set()).update(ids)
    names = {}
    for related, ids in wanted.items():
        if related is ContentType:
            continue
        qs = related._default_manager.select_related(*_RELATED.get(related, ()))
        names.update({(related, pk): _label_of(obj) for pk, obj in qs.in_bulk(ids).items()})
    return names


def _shown(model, f, value, names) -> str:
    if value is None or value == "":
        return EMPTY
    if f.name == "id_number":
        return mask(str(value))
    if isinstance(f, ForeignKey):
        return names.get((f.related_model, value), f"#{value}")
    value = shown_value(f, value)
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict) and model is StepRecord:
        return "；".join(f"{k}：{v}" for k, v in steps.data_display(value)) or EMPTY
    return str(value)


def _diff(model, row, before, names) -> list[tuple[str, str, str]]:
    changes = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name in HISTORY_HIDDEN_FIELDS or f.name in SEAL_FIELDS:
            continue
        if f.name.startswith("history_") or f.name in ("created_at", "is_current"):
            continue
        new = getattr(row, f.attname, None)
        old = getattr(before, f.attname, None) if before is not None else None
        if row.history_type == "-":
            new, old = None, new
        if old == new or (before is None and row.history_type == "+" and new in (None, "", False)):
            continue
        changes.append((str(f.verbose_name), _shown(model, f, old, names), _shown(model, f, new, names)))
    return changes


def _present_history(model, subject):
    """Rows of `model`'s history with their change (before / after) and `subject(row, names)`."""

    def present(rows) -> list[AuditRow]:
        hist = rows[0].__class__
        before = hist.objects.in_bulk([r.prev_hid for r in rows if r.prev_hid], field_name="history_id")
        lookup = [*rows, *before.values()]
        names = _related_names(lookup)
        result = []
        for r in rows:
            changes = _diff(model, r, before.get(r.prev_hid), names)
            result.append(
                AuditRow(
                    at=r.history_date,
                    kind=f"{model._meta.verbose_name}·{_TYPE_LABEL.get(r.history_type, r.history_type)}",
                    **_acting(r, names),
                    subject=subject(r, names),
                    case_id=r.id if model is Case else getattr(r, "case_id", None),
                    summary=r.history_change_reason or "",
                    step=_STEP_LABEL.get(getattr(r, "step", ""), ""),
                    changes=changes,
                )
            )
        return result

    return present


def _case_history(f):
    if _refuses(f, "step", "warnings"):
        return None
    qs = _history(Case).objects.filter(branch_id__in=f["branch_ids"])
    if f.get("case_ids") is not None:
        qs = qs.filter(id__in=f["case_ids"])
    if f.get("person_ids") is not None:
        qs = qs.filter(person_id__in=f["person_ids"])
    return _history_common(qs, f)


def _person_history(f):
    if _refuses(f, "step", "warnings"):
        return None
    qs = _history(Person).objects.filter(id__in=_cases_in(f).values("person_id"))
    return _history_common(qs, f)


def _step_history(f):
    if _refuses(f, "warnings"):
        return None
    qs = _history(StepRecord).objects.filter(case_id__in=_cases_in(f).values("pk"))
    if f.get("step"):
        qs = qs.filter(step=f["step"])
    return _history_common(qs, f)


def _case_subject(r, names):
    return f"{names.get((Person, r.person_id), '')}（{names.get((Organization, r.branch_id), '')}）"


def _step_subject(r, names):
    return names.get((Case, r.case_id), "")


# ---- configuration history ------------------------------------------------------------------------


def _county_only(f: dict) -> bool:
    return f["county"] and not f.get("org")


def _config_common(qs, f: dict, key: str):
    if _refuses(f, "person_ids", "case_ids", "step", "warnings") or f.get("kind") not in (None, "", key):
        return None
    qs = _by_user_and_source(qs, f)
    return _with_previous(_in_time(qs, "history_date", f)).select_related("history_user")


def _org_history(f):
    return _config_common(_history(Organization).objects.filter(id__in=f["org_ids"]), f, "organization")


def _org_ct_id() -> int:
    return ContentType.objects.get_for_model(Organization).pk


def _grants_on(model, f: dict):
    """Grant rows (live or historical) on the organizations in scope."""
    return model.objects.filter(content_type_id=_org_ct_id(), object_pk__in=[str(pk) for pk in f["org_ids"]])


def _grant_history(f):
    qs = _grants_on(_history(UserObjectPermission), f)
    return _config_common(qs, f, "grant")


def _delegation_history(f):
    return _config_common(_history(Delegation).objects.filter(org_id__in=f["org_ids"]), f, "delegation")


def _delegation_subject(r, names) -> str:
    User = get_user_model()
    delegate, delegator = names.get((User, r.delegate_id), ""), names.get((User, r.delegator_id), "")
    return f"{delegate} 代 {delegator}（{names.get((Organization, r.org_id), '')}）"


def _holiday_history(f):
    return _config_common(_history(Holiday).objects.all(), f, "holiday") if _county_only(f) else None


def _rules_history(f):
    return _config_common(_history(RuleSettings).objects.all(), f, "rules") if _county_only(f) else None


def _present_grants(rows) -> list[AuditRow]:
    org_ids = {int(r.object_pk) for r in rows if r.object_pk.isdigit()}
    orgs = Organization.objects.in_bulk(org_ids | {r.history_org_id for r in rows} - {None})
    names = {(Organization, pk): org.name for pk, org in orgs.items()}
    users = get_user_model().objects.in_bulk({r.user_id for r in rows})
    roles = {f"role_{role.value}": role.label for role in Role}
    codenames = dict(
        Permission.objects.filter(pk__in={r.permission_id for r in rows}).values_list("pk", "codename")
    )
    result = []
    for r in rows:
        org = orgs.get(int(r.object_pk)) if r.object_pk.isdigit() else None
        role = roles.get(codenames.get(r.permission_id, ""), codenames.get(r.permission_id, ""))
        verb = {"+": "授予", "-": "撤销"}.get(r.history_type, "修改")
        holder = _who(users.get(r.user_id))
        result.append(
            AuditRow(
                at=r.history_date,
                kind=f"角色授权·{_TYPE_LABEL.get(r.history_type, '')}",
                **_acting(r, names),  # the organization acted in; the one granted on is the summary's
                subject=holder,
                summary=f"{verb}{holder}「{role}」角色（{org.name if org else r.object_pk}）"
                + (f"；理由：{r.history_change_reason}" if r.history_change_reason else ""),
            )
        )
    return result


CONFIG_KINDS = [
    ("organization", "党组织"),
    ("grant", "角色授权"),
    ("delegation", "代理"),
    ("holiday", "工作日历"),
    ("rules", "规则设置"),
]


# ---- 查阅记录 -------------------------------------------------------------------------------------


def _reads_common(qs, f: dict, time: str, kinds: tuple[str, ...], kind_field: str | None):
    if _refuses(f, "step", "warnings"):
        return None
    if f.get("kind"):
        if f["kind"] not in kinds:
            return None
        if kind_field:
            qs = qs.filter(**{kind_field: f["kind"]})
    if f.get("user_ids") is not None:
        qs = qs.filter(user_id__in=f["user_ids"])
    return _in_time(qs, time, f).select_related("user")


def _sensitive(f):
    if f.get("source"):
        return None
    qs = SensitiveAccess.objects.filter(case__in=_cases_in(f)).select_related("case__person", "case__branch")
    return _reads_common(qs, f, "at", ("reveal", "export"), "purpose")


def _read_records(f):
    if f.get("source"):
        return None
    qs = ReadRecord.objects.filter(case_id__in=_cases_in(f).values("pk"))
    return _reads_common(qs, f, "at", ("letter", "material"), "kind")


def _exports(f):
    if (
        f.get("person_ids") is not None
        or f.get("case_ids") is not None
        or f.get("source") not in (None, "", "web", "command")
    ):
        return None
    qs = ExportLog.objects.all()
    if not _county_only(f):
        qs = qs.filter(user_id__in=_grants_on(UserObjectPermission, f).values("user_id"))
    if f.get("source"):
        qs = qs.filter(source=f["source"])
    return _reads_common(qs, f, "created_at", ("exportlog",), None)


def _present_sensitive(rows):
    return [
        AuditRow(
            at=r.at,
            kind=r.get_purpose_display(),
            who=_who(r.user),
            ip=r.ip or "",
            subject=_case_label(r.case),
            case_id=r.case_id,
            summary=f"导出记录 #{r.export_id}" if r.export_id else "",
        )
        for r in rows
    ]


def _present_reads(rows):
    return [
        AuditRow(
            at=r.at,
            kind=r.get_kind_display(),
            who=_who(r.user),
            ip=r.ip or "",
            subject=r.what,
            case_id=r.case_id,
        )
        for r in rows
    ]


def _filters_text(filters: dict) -> str:
    """An export's filters as users read them: each by its form label, a tab by its name."""
    if not filters:
        return "无筛选"
    labels = _filter_labels()
    shown = {"tab": lambda v: TABS[v].label if v in TABS else v, "format": str.upper}
    return "；".join(f"{labels.get(k, k)}={shown.get(k, lambda v: v)(v)}" for k, v in filters.items())


def _filter_labels() -> dict[str, str]:
    """The labels of the filters an export log may keep: the audit browser's and the case list's."""
    from audit.forms import AuditFilterForm  # the form reads this module's tabs
    from cases.filters import CaseFilterSet

    fields = {**CaseFilterSet.base_filters, **AuditFilterForm.base_fields}
    return {"tab": "标签页", "format": "格式"} | {name: str(f.label) for name, f in fields.items() if f.label}


def _present_exports(rows):
    return [
        AuditRow(
            at=r.created_at,
            kind=f"导出{r.get_kind_display()}",
            who=_who(r.user),
            ip=r.ip or "",
            source={"web": "网页", "command": "命令"}.get(r.source, r.source),
            summary=f"{r.row_count} 行；{_filters_text(r.filters)}"
            + ("；含完整公民身份号码" if r.full_id_numbers else ""),
        )
        for r in rows
    ]


READ_KINDS = [
    ("reveal", "查看完整号码"),
    ("export", "导出完整号码"),
    ("letter", "下载批复/回执"),
    ("material", "下载材料"),
    ("exportlog", "导出"),
]


# ---- the tabs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    sources: tuple[Source, ...]
    kinds: list[tuple[str, str]]


def _hs(key, rank, rows, present):
    return Source(key, rank, "history_date", "history_id", rows, present)


TABS = {
    tab.key: tab
    for tab in (
        Tab(
            "events",
            "案例事件",
            (Source("event", 0, "created_at", "id", _events, _present_events),),
            list(EventKind.choices),
        ),
        Tab(
            "fields",
            "字段变更",
            (
                _hs("case", 0, _case_history, _present_history(Case, _case_subject)),
                _hs("person", 1, _person_history, _present_history(Person, lambda r, n: r.name)),
                _hs("step", 2, _step_history, _present_history(StepRecord, _step_subject)),
            ),
            HISTORY_TYPES,
        ),
        Tab(
            "config",
            "配置变更",
            (
                _hs("organization", 0, _org_history, _present_history(Organization, lambda r, n: r.name)),
                _hs("grant", 1, _grant_history, _present_grants),
                _hs("delegation", 2, _delegation_history, _present_history(Delegation, _delegation_subject)),
                _hs("holiday", 3, _holiday_history, _present_history(Holiday, lambda r, n: str(r.date))),
                _hs("rules", 4, _rules_history, _present_history(RuleSettings, lambda r, n: "规则设置")),
            ),
            CONFIG_KINDS,
        ),
        Tab(
            "reads",
            "查阅记录",
            (
                Source("sensitive", 0, "at", "id", _sensitive, _present_sensitive),
                Source("read", 1, "at", "id", _read_records, _present_reads),
                Source("export", 2, "created_at", "id", _exports, _present_exports),
            ),
            READ_KINDS,
        ),
    )
}
