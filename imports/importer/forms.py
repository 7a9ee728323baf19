"""The two forms of the browser import: the upload, and the confirmation after the preview."""

from django import forms

from imports.importer import limits
from imports.models import ImportMode


class UploadForm(forms.Form):
    file = forms.FileField(
        widget=forms.FileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
        error_messages={"required": "请选择要导入的 Excel 文件", "empty": "文件是空的"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        within = limits.current()
        self.fields["file"].label = f"导入文件（.xlsx，不超过 {within.megabytes}、{within.rows} 行）"


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
        error_messages={"required": "有预警的行须填写一条预警说明后才能导入"},
    )

    def __init__(self, *args, needs_reason: bool = False, has_invalid_rows: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warning_reason"].required = needs_reason
        if has_invalid_rows:  # "all or nothing" would import nothing: offer the mode that does something
            self.fields["mode"].initial = ImportMode.VALID_ONLY
