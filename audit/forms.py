"""The audit browser's filters (one form for the page and its exports) and their resolution into
what the tables are narrowed by (audit.tabs): organization ids under the chosen subtree, the people
and users a search names, the date range as times."""

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from audit.tabs import Scope, Tab
from branches.models import Organization, OrgKind
from cases import idcard, steps
from cases.models import EventSource, Person
from cases.web import StyledForm, date_field

SEARCH_LENGTH = 50
_SEARCH_ERRORS = {
    "max_length": f"不能超过 {SEARCH_LENGTH} 个字",
    "null_characters_not_allowed": "不能包含空字符",
}
_CHOICE_ERRORS = {"invalid_choice": "没有这一项，请从列表中选择"}


def orgs_in(scope: Scope) -> list[Organization]:
    """Every organization under the scope's grants, in tree order (one query)."""
    under = Q(pk__in=[])
    for org in scope.orgs:
        under |= Q(path__startswith=org.path)
    return list(Organization.objects.filter(under).only("pk", "name", "path", "kind").order_by("path"))


def looks_like_id_number(value: str) -> bool:
    value = idcard.normalize(value)
    return len(value) == 18 and value[:17].isdigit()


class AuditFilterForm(StyledForm):
    org = forms.TypedChoiceField(
        label="组织（含下级）",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "所选组织不存在或不在您的范围内"},
    )
    person = forms.CharField(
        label="人员（姓名、拼音首字母或公民身份号码）",
        required=False,
        max_length=SEARCH_LENGTH,
        error_messages=_SEARCH_ERRORS,
    )
    user = forms.CharField(
        label="操作人（用户名或姓名）",
        required=False,
        max_length=SEARCH_LENGTH,
        error_messages=_SEARCH_ERRORS,
    )
    kind = forms.ChoiceField(label="类型", required=False, error_messages=_CHOICE_ERRORS)
    step = forms.ChoiceField(
        label="步骤",
        required=False,
        choices=[("", "全部步骤"), *steps.CHOICES],
        error_messages=_CHOICE_ERRORS,
    )
    source = forms.ChoiceField(
        label="来源",
        required=False,
        choices=[("", "全部来源"), *EventSource.choices],
        error_messages=_CHOICE_ERRORS,
    )
    since = date_field("起始日期", required=False)
    until = date_field("截止日期", required=False)
    warnings = forms.BooleanField(label="仅含预警", required=False)

    def __init__(self, data=None, *, tab: Tab, orgs: list[Organization]):
        super().__init__(data)
        self.tab = tab
        self.orgs = orgs
        depth0 = min((o.path.count("/") for o in orgs), default=0)
        self.fields["org"].choices = [
            ("", "全部"),
            *((o.pk, "　" * (o.path.count("/") - depth0) + o.name) for o in orgs),
        ]
        self.fields["kind"].choices = [("", "全部类型"), *tab.kinds]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "截止日期不能早于起始日期")
        return data

    @property
    def error_list(self) -> list[str]:
        return [
            f"{self.fields[name].label}：{message}" if name in self.fields else message
            for name, messages in self.errors.items()
            for message in messages
        ]

    def resolved(self, scope: Scope) -> dict:
        """What the tables are narrowed by (audit.tabs reads these keys)."""
        data = self.cleaned_data
        chosen = next((o for o in self.orgs if o.pk == data.get("org")), None)
        orgs = [o for o in self.orgs if chosen is None or o.path.startswith(chosen.path)]
        return {
            "county": scope.county,
            "org": chosen,
            "org_ids": [o.pk for o in orgs],
            "branch_ids": [o.pk for o in orgs if o.kind == OrgKind.BRANCH],
            "person_ids": _people(data["person"]) if data.get("person") else None,
            "user_ids": _users(data["user"]) if data.get("user") else None,
            "kind": data.get("kind") or "",
            "step": data.get("step") or "",
            "source": data.get("source") or "",
            "since": _start_of(data.get("since")),
            "until": _start_of(data["until"] + dt.timedelta(days=1)) if data.get("until") else None,
            "warnings": bool(data.get("warnings")),
        }

    def applied(self) -> dict:
        """The filters as an export log keeps them: JSON-safe, a 公民身份号码 masked."""
        applied = {"tab": self.tab.key}
        for name, value in self.cleaned_data.items():
            if value in (None, "", False):
                continue
            if name == "person" and looks_like_id_number(value):
                value = idcard.mask(idcard.normalize(value))
            applied[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return applied


def _start_of(day: dt.date | None):
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _people(value: str):
    """People a search names: a 公民身份号码 exactly (never shown back), else a name or initials."""
    if looks_like_id_number(value):
        return Person.objects.filter(id_number=idcard.normalize(value)).values("pk")
    return Person.objects.filter(Q(name__contains=value) | Q(name_initials__startswith=value.lower())).values(
        "pk"
    )


def _users(value: str):
    return (
        get_user_model()
        .objects.filter(Q(username=value) | Q(first_name__contains=value) | Q(last_name__contains=value))
        .values("pk")
    )
