"""Forms of the account pages: the owner's own password change and the 6-digit code."""

from django import forms
from django.contrib.auth.forms import PasswordChangeForm

from cases.web import StyledForm


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
