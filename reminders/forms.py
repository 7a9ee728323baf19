"""The notifications page's filters and the 「我的提醒设置」 form (Chinese messages)."""

from django import forms

from cases.web import StyledForm, date_field
from reminders.models import Threshold


class NoticeFilterForm(StyledForm):
    unread = forms.BooleanField(
        label="只看未读", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    kind = forms.ChoiceField(
        label="提醒类型",
        required=False,
        choices=[("", "全部")] + Threshold.choices,
        error_messages={"invalid_choice": "提醒类型不正确"},
    )
    org = forms.TypedChoiceField(
        label="组织",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "请从列表中选择组织"},
    )
    due_from = date_field("到期日自", required=False)
    due_to = date_field("到期日至", required=False)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.orgs = {o.pk: o for o in orgs}
        self.fields["org"].choices = [("", "全部")] + [(o.pk, o.name) for o in orgs]

    def clean(self):
        data = super().clean()
        if data.get("due_from") and data.get("due_to") and data["due_from"] > data["due_to"]:
            self.add_error("due_to", "结束日期不能早于开始日期")
        return data

    def filter(self, notices):
        """The user's notices narrowed by the valid filters (invalid ones are ignored and shown)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("unread"):
            notices = notices.filter(read_at__isnull=True)
        if data.get("kind"):
            notices = notices.filter(threshold=data["kind"])
        if data.get("org") in self.orgs:
            notices = notices.filter(deadline__org__path__startswith=self.orgs[data["org"]].path)
        if data.get("due_from"):
            notices = notices.filter(due_on__gte=data["due_from"])
        if data.get("due_to"):
            notices = notices.filter(due_on__lte=data["due_to"])
        return notices


class PreferenceForm(StyledForm):
    email = forms.EmailField(
        label="接收提醒的电子邮箱",
        required=False,
        max_length=254,
        error_messages={"invalid": "请输入有效的电子邮箱地址，例如 name@example.com"},
    )
    email_opt_out = forms.BooleanField(label="不接收每日提醒邮件（站内提醒照常显示）", required=False)
