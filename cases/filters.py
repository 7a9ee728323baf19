"""The lists' filters, one django-filter FilterSet per list, read from the query string once and
fed to the page, its htmx rows and its export (NetBox's pattern): the selector gives the scoped
base queryset, the FilterSet narrows it.

ListFilterSet is what every list's FilterSet shares: a value that names nothing — an unknown
stage, a branch out of sight, "²" or twenty digits as a branch id, a NUL byte in a search, a
malformed date — is a form error the page shows, and then the list is empty (the export refuses):
never ignored silently, never passed to a query. CaseFilterSet is the case list's."""

import django_filters
from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from cases import reports, steps
from cases.models import Case, Outcome, Stage
from cases.web import date_field

SEARCH_LENGTH = 50
ALL_OUTCOMES = "all"
OUTCOMES = [("open", "进行中"), (ALL_OUTCOMES, "全部"), *[(o.value, o.label) for o in Outcome if o]]


def search_filter(label: str, method: str) -> django_filters.CharFilter:
    """A search box: at most SEARCH_LENGTH characters, no NUL byte (PostgreSQL refuses one)."""
    return django_filters.CharFilter(
        label=label,
        method=method,
        max_length=SEARCH_LENGTH,
        error_messages={
            "max_length": f"不能超过 {SEARCH_LENGTH} 个字",
            "null_characters_not_allowed": "不能包含空字符",
        },
    )


def choice_filter(label: str, choices, empty_label=None, **kwargs) -> django_filters.ChoiceFilter:
    """One of `choices`; `empty_label` names the blank choice (all), None when there is none."""
    return django_filters.ChoiceFilter(
        label=label,
        choices=choices,
        empty_label=empty_label,
        error_messages={"invalid_choice": "没有这一项，请从列表中选择"},
        **kwargs,
    )


def branch_filter(field_name: str) -> django_filters.TypedChoiceFilter:
    """A branch the user sees, by id; its choices are given per request (ListFilterSet.offer_branches)."""
    return django_filters.TypedChoiceFilter(
        label="党支部",
        field_name=field_name,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "所选党支部不存在或不在您的范围内"},
    )


class DayFilter(django_filters.DateFilter):
    """A date typed YYYY-MM-DD within the product's range, as every form takes it (date_field)."""

    field_class = staticmethod(date_field)


class CheckboxFilter(django_filters.BooleanFilter):
    """A ticked box: on when sent with any value, off when absent (not 「是/否/未知」)."""

    field_class = forms.BooleanField


class ListFilterSet(django_filters.FilterSet):
    """What every list's FilterSet shares: defaults, the empty answer to invalid filters, and the
    filters as the export logs them and the page's links keep them."""

    defaults: dict[str, str] = {}

    def __init__(self, data=None, queryset=None, **kwargs):
        self.given = data.copy() if isinstance(data, QueryDict) else QueryDict(mutable=True)
        if data is not None and not isinstance(data, QueryDict):
            self.given.update(data)
        self.given.pop("page", None)
        data = self.given.copy()
        for name, value in self.defaults.items():
            if not data.get(name):
                data[name] = value
        super().__init__(data, queryset, **kwargs)

    def offer_branches(self, branches) -> None:
        self.branches = list(branches)
        self.form.fields["branch"].choices = [("", "全部党支部"), *((b.pk, b.name) for b in self.branches)]

    def filter_queryset(self, queryset):
        if not self.form.is_valid():
            return queryset.none()
        return super().filter_queryset(queryset)

    @property
    def error_list(self) -> list[str]:
        """「字段：错误」 for each invalid filter, as the page and its htmx rows show them."""
        return [
            f"{self.form.fields[name].label}：{message}" if name in self.form.fields else message
            for name, messages in self.form.errors.items()
            for message in messages
        ]

    def applied(self) -> dict:
        """The filters that took effect, JSON-safe (ExportLog.filters): ids, ISO dates, strings."""
        if not self.form.is_valid():
            return {}
        return {
            name: value.isoformat() if hasattr(value, "isoformat") else value
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "", False)
        }

    def described(self) -> list[str]:
        """The filters that took effect in words (「阶段：发展对象」, 「仅看逾期」), for a printed title."""
        words = []
        for name, value in self.applied().items():
            field = self.form.fields[name]
            if value is True:
                words.append(str(field.label))
                continue
            shown = dict((str(k), v) for k, v in getattr(field, "choices", ())).get(str(value), value)
            words.append(f"{field.label}：{shown}")
        return words

    def query(self) -> str:
        """The query string as given, without the page number, for links that keep the filters."""
        return self.given.urlencode()


class CaseFilterSet(ListFilterSet):
    """The case list (cases:list), its htmx rows and its Excel export (imports:export_cases)."""

    q = search_filter("姓名或拼音首字母", "search")
    stage = choice_filter("阶段", Stage.choices, "全部阶段")
    step = choice_filter("下一步", steps.CHOICES, "全部步骤", field_name="next_step")
    branch = branch_filter("branch_id")
    outcome = choice_filter("状态", OUTCOMES, method="by_outcome")
    report = choice_filter("报送", reports.CHOICES, "全部报送状态", method="by_report")
    overdue = CheckboxFilter(label="仅看逾期", method="past_due")
    incomplete = CheckboxFilter(label="材料不全", method="materials_incomplete")

    defaults = {"outcome": "open"}

    class Meta:
        model = Case
        fields = ()

    def __init__(self, data=None, queryset=None, *, branches, today=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.today = today or timezone.localdate()
        self.offer_branches(branches)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(person__name__contains=value) | Q(person__name_initials__startswith=value.lower())
        )

    def by_outcome(self, queryset, name, value):
        if value == ALL_OUTCOMES:
            return queryset
        return queryset.filter(outcome="" if value == "open" else value)

    def by_report(self, queryset, name, value):
        """待上级办理 / 已退回 (cases.reports)."""
        return reports.with_report(queryset, value) if value else queryset

    def past_due(self, queryset, name, value):
        """Overdue is past the due date (next_due), never past an earliest date (next_earliest)."""
        return queryset.filter(next_due__lt=self.today) if value else queryset

    def materials_incomplete(self, queryset, name, value):
        """Files lacking a required material of a step done (the summary column materials_missing)."""
        return queryset.filter(materials_missing__gt=0) if value else queryset
