"""Forms of the statistics boards: the period of the flow and a follow-up on a branch's colour."""

import datetime as dt

from django import forms
from django.utils import timezone

from stats.models import Action, Colour, FollowUp

MAX_MONTHS = 60


def _month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise forms.ValidationError("请按“年-月”填写，例如 2026-01") from None


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value):
        value = super().to_python(value)
        return _month(value) if value else None


class PeriodForm(forms.Form):
    """The months the flow covers (default: the twelve months to this one)."""

    start = MonthField(label="起始月份", required=False)
    end = MonthField(label="截止月份", required=False)

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """(first day of the first month, last day of the last month)."""
        data = self.cleaned_data if self.is_valid() else {}
        end_month = data.get("end") or today.replace(day=1)
        start = data.get("start")
        if start is None:
            year, month = divmod(end_month.year * 12 + end_month.month - 1 - 11, 12)
            start = dt.date(year, month + 1, 1)
        end = (end_month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        return start, end

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError("起始月份不能晚于截止月份")
            if (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
                raise forms.ValidationError(f"一次最多统计 {MAX_MONTHS} 个月")
        return data


class FollowUpForm(forms.ModelForm):
    colour = forms.ChoiceField(label="针对颜色", choices=[c for c in Colour.choices if c[0]])
    action = forms.ChoiceField(label="措施", choices=Action.choices)
    on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = FollowUp
        fields = ["colour", "action", "what", "on", "done"]
        widgets = {"what": forms.Textarea(attrs={"rows": 2, "maxlength": 500})}
        labels = {"what": "具体内容（做了什么）", "done": "已落实"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what"].error_messages["required"] = "请填写具体内容"
        for name, bound in self.fields.items():
            css = {"done": "form-check-input", "colour": "form-select", "action": "form-select"}
            bound.widget.attrs.setdefault("class", css.get(name, "form-control"))

    def clean_what(self):
        what = self.cleaned_data["what"].strip()
        if not what:
            raise forms.ValidationError("请填写具体内容")
        if len(what) > 500:
            raise forms.ValidationError("具体内容不超过500字")
        return what

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError("日期不能晚于今天")
        return on


class DoneForm(forms.Form):
    on = forms.DateField(label="落实日期", widget=forms.DateInput(attrs={"type": "date"}))
