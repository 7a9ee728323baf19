"""The plan form: every field of a plan, with the checks a person can act on (in Chinese)."""

from django import forms

from cases.counting import MEASURES
from plans.models import TARGET_FIELDS, Plan, TargetMode
from plans.services import PLAN_FIELDS


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = PLAN_FIELDS
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            css = "form-select" if isinstance(f.widget, forms.Select) else "form-control"
            f.widget.attrs.setdefault("class", css)
        for measure in MEASURES:
            self.fields[f"{measure.key}_mode"].help_text = measure.rule
            self.fields[f"{measure.key}_percent"].widget.attrs.update({"min": 0, "max": 100})

    @property
    def target_rows(self):
        """(measure, mode field, percent field) for the form's table of targets."""
        return [(m, self[f"{m.key}_mode"], self[f"{m.key}_percent"]) for m in MEASURES]

    @property
    def other_fields(self):
        return [self[name] for name in PLAN_FIELDS if name not in TARGET_FIELDS]

    def clean(self):
        data = super().clean()
        for measure in MEASURES:
            mode, percent = data.get(f"{measure.key}_mode"), data.get(f"{measure.key}_percent")
            if mode in (TargetMode.AT_LEAST, TargetMode.ABOUT) and percent is None:
                self.add_error(
                    f"{measure.key}_percent", f"设定了「{measure.label}」目标，请填写占比（0–100）"
                )
        low, high = data.get("min_activists_per_branch"), data.get("max_activists_per_branch")
        if low is not None and high is not None and low > high:
            self.add_error("max_activists_per_branch", f"上限 {high} 不能少于至少培养数 {low}")
        return data
