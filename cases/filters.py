"""The case list's filters, read from the query string in one place for the list page and its
Excel export (imports:export_cases). A value that names nothing — an unknown stage, a branch out
of sight, "²" as a branch id, a NUL byte in the search — is dropped, never passed to a query."""

from django import forms

from cases import selectors, steps
from cases.models import Outcome, Stage

SEARCH_LENGTH = 50
OUTCOMES = [("open", "进行中"), ("all", "全部"), *[(o.value, o.label) for o in Outcome if o]]


class CaseListFilters(forms.Form):
    q = forms.CharField(required=False)
    stage = forms.ChoiceField(choices=[("", "全部阶段"), *Stage.choices], required=False)
    step = forms.ChoiceField(choices=[("", "全部步骤"), *steps.CHOICES], required=False)
    branch = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    outcome = forms.ChoiceField(choices=OUTCOMES, required=False)
    overdue = forms.BooleanField(required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        self.branches = selectors.visible_branches(user)
        self.fields["branch"].choices = [("", "全部党支部"), *((b.pk, b.name) for b in self.branches)]
        self.is_valid()  # fields with errors are left out of cleaned_data and fall back below

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:SEARCH_LENGTH].strip()

    def _value(self, name: str, default):
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value

    def chosen_branch(self):
        pk = self._value("branch", None)
        return next((b for b in self.branches if b.pk == pk), None)

    def shown(self) -> dict:
        """The filters as the page shows them (the form's current values)."""
        branch = self.chosen_branch()
        return {
            "q": self._value("q", ""),
            "stage": self._value("stage", ""),
            "step": self._value("step", ""),
            "branch": branch.pk if branch else "",
            "overdue": bool(self._value("overdue", False)),
            "outcome": self._value("outcome", "open"),
        }

    def selection(self) -> dict:
        """The keyword arguments of cases.selectors.case_list (without user and today)."""
        shown = self.shown()
        return {
            **shown,
            "branch": self.chosen_branch(),
            "outcome": "" if shown["outcome"] == "all" else shown["outcome"],
        }
