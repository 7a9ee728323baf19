"""The report's organization and period, from the address (bad values: a clear message, defaults)."""

from django import forms
from django.utils import timezone

from partystats.selectors import HALF, PERIOD_KINDS, YEAR, Period


class PeriodForm(forms.Form):
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, required=False, error_messages={"invalid": "请填写年份"}
    )
    kind = forms.ChoiceField(label="报表期", choices=list(PERIOD_KINDS.items()), required=False)

    def period(self) -> Period:
        """The period asked for; the last finished one when none (or an invalid one) is."""
        today = timezone.localdate()
        default = Period(today.year - 1, YEAR) if today.month < 7 else Period(today.year, HALF)
        if not self.is_valid():
            return default
        year, kind = self.cleaned_data.get("year"), self.cleaned_data.get("kind")
        return Period(year or default.year, kind or (YEAR if year else default.kind))
