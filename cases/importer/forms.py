"""The two forms of the browser import: the upload, and the confirmation after the preview."""

from django import forms

from cases.models import ImportMode


class UploadForm(forms.Form):
    file = forms.FileField(
        label="导入文件（.xlsx，不超过 10 MB、10000 行）",
        widget=forms.FileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
        error_messages={"required": "请选择要导入的 Excel 文件", "empty": "文件是空的"},
    )


class ConfirmForm(forms.Form):
    mode = forms.ChoiceField(
        label="导入方式",
        choices=ImportMode.choices,
        widget=forms.RadioSelect,
        initial=ImportMode.ALL_OR_NOTHING,
        error_messages={"required": "请选择导入方式"},
    )
    warning_reason = forms.CharField(
        label="预警说明（记录在每个被预警的步骤上）",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, *args, needs_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_reason = needs_reason

    def clean(self):
        data = super().clean()
        if self.needs_reason and not (data.get("warning_reason") or "").strip():
            self.add_error("warning_reason", "有预警的行须填写一条预警说明后才能导入")
        return data
