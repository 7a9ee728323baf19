"""Forms of the account pages: the owner's own password change and the 6-digit code."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from branches.models import Role
from cases.web import StyledForm, date_field

REASON_LENGTH = 100  # simple-history's change reason


def person_label(user) -> str:
    name = user.get_full_name()
    return f"{name}（{user.get_username()}）" if name else user.get_username()


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj)


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        depth = obj.path.count("/") - 2
        return f"{'　' * max(depth, 0)}{obj.name}"


def reason_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=REASON_LENGTH,
        error_messages={
            "required": f"请填写{label}。",
            "max_length": f"{label}不能超过 {REASON_LENGTH} 个字。",
        },
    )


class BoundedUsername:
    """Refuses a username longer than any account's before it reaches authenticate(): Django sets the
    field's max_length after the validators are built, so an unbounded name went on to django-axes,
    whose record of the failure (255 characters) then broke on PostgreSQL."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "请输入用户名。"

    def clean_username(self):
        username = self.cleaned_data["username"]
        limit = self.username_field.max_length
        if limit and len(username) > limit:
            raise forms.ValidationError(f"用户名不能超过 {limit} 个字符。", code="max_length")
        return username


class LoginForm(BoundedUsername, AuthenticationForm):
    pass


class AdminLoginForm(BoundedUsername, AdminAuthenticationForm):
    pass


ROLE_CHOICES = [("", "（全部角色）"), *Role.choices]


class RoleFilterForm(StyledForm):
    q = forms.CharField(label="用户", required=False, max_length=50)
    org = OrgChoiceField(label="党组织（含下级）", queryset=None, required=False, empty_label="（全部组织）")
    role = forms.ChoiceField(label="角色", choices=ROLE_CHOICES, required=False)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class GrantForm(StyledForm):
    user = UserChoiceField(label="用户", queryset=None, empty_label="请选择用户")
    role = forms.ChoiceField(label="角色", choices=[("", "请选择角色"), *Role.choices])
    org = OrgChoiceField(label="党组织", queryset=None, empty_label="请选择党组织")
    reason = reason_field("授权理由")

    def __init__(self, *args, orgs, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["org"].queryset = orgs


class RevokeForm(StyledForm):
    reason = reason_field("撤销理由")


class EndDelegationForm(StyledForm):
    reason = reason_field("提前结束理由")


class DelegationForm(StyledForm):
    """An officer delegates one of their own grants (代理)."""

    grant = forms.ChoiceField(label="委托的角色")
    delegate = UserChoiceField(label="代理人", queryset=None, empty_label="请选择代理人")
    starts_on = date_field("代理开始日期")
    ends_on = date_field("代理结束日期")
    reason = reason_field("代理事由")

    def __init__(self, *args, grants, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.grants = {f"{g.role.value}:{g.org.pk}": g for g in grants}
        self.fields["grant"].choices = [("", "请选择角色")] + [
            (key, g.label) for key, g in self.grants.items()
        ]
        self.fields["delegate"].queryset = users

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "代理结束日期不能早于开始日期。")
        return cleaned

    def chosen_grant(self):
        return self.grants[self.cleaned_data["grant"]]


class OwnPasswordChangeForm(StyledForm, PasswordChangeForm):
    """Django's form (old password, Django's validators on the new one), and the new one must differ:
    keeping the password an admin chose would defeat the forced change."""

    def clean(self):
        cleaned = super().clean()
        old, new = cleaned.get("old_password"), cleaned.get("new_password1")
        if old and new and old == new:
            self.add_error("new_password1", "新密码不能与原密码相同。")
        return cleaned


class CodeForm(StyledForm):
    token = forms.CharField(
        label="验证码",
        max_length=12,
        error_messages={"required": "请输入验证器上显示的 6 位数字。"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())  # "123 456" as some apps show it
        if len(token) != 6 or not token.isascii() or not token.isdigit():
            raise forms.ValidationError("验证码是 6 位数字，请核对后重新输入。")
        return token
