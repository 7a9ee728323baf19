"""The desk's forms: the decision form of a queue, whose required fields follow the action, and the
forward and return of one report from the case page (the lists' filters: reviews.filters)."""

import re

from django import forms

from cases.models import Meeting
from cases.rules import MeetingFacts, ReturnFacts, VoteFacts
from cases.rules.tally import proposed
from cases.text import validate_single_line
from cases.web import StyledForm, count_field, date_field
from config.converters import object_id
from reviews.queues import ACTION_LABELS, Action, Queue
from reviews.services import MeetingSpec

MAX_VOTES = 999
VOTE_COUNT = re.compile(rf"[0-9]{{1,{len(str(MAX_VOTES))}}}")  # 0 … MAX_VOTES, checked below too
TALLY_KINDS = ("yes", "no", "abstain")


class DecisionForm(forms.Form):
    action = forms.ChoiceField(label="操作", error_messages={"invalid_choice": "该队列不能办理此操作"})
    ids = forms.CharField(required=False)  # read with getlist in clean_ids
    on = date_field("办理日期", required=False)
    meeting = forms.ModelChoiceField(
        label="选择已登记的党委会",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="（新登记党委会）",
        error_messages={"invalid_choice": "所选党委会不存在或不属于本党委"},
    )
    held_on = date_field("党委会日期", required=False)
    entitled = count_field("应到会党委委员人数", required=False, max_value=99)
    present = count_field("实到会党委委员人数", required=False, max_value=99)
    talker = forms.CharField(
        label="谈话人（党委委员或组织员）", max_length=50, required=False, validators=[validate_single_line]
    )
    opinion = forms.CharField(label="审议意见", max_length=1000, required=False, initial="同意上报")
    reason = forms.CharField(
        label="退回理由（党支部可见）",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )
    warning_reason = forms.CharField(
        label="预警说明（特殊情况理由，适用于有预警的人员）",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )

    def __init__(self, *args, queue: Queue, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.queue = queue
        self.fields["action"].choices = [(a, ACTION_LABELS[a]) for a in queue.actions]
        self.fields["meeting"].queryset = Meeting.objects.filter(pk__in=[m.pk for m in meetings])
        self.fields["meeting"].label_from_instance = lambda m: (
            f"{m.held_on} 党委会（应到{m.entitled}，实到{m.present}）"
        )

    def clean_ids(self):
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else self.data.get("ids", [])
        ids = list(dict.fromkeys(object_id(v) for v in raw))
        if None in ids:
            raise forms.ValidationError("所选事项无效")
        if not ids:
            raise forms.ValidationError("请至少勾选一项")
        return ids

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == Action.RETURN and "reason" in data:  # absent: already refused (too long)
            for problem in ReturnFacts(data["reason"]).problems():
                self.add_error(problem.part, problem.message)
        if action == Action.TALK and not (data.get("talker") or "").strip():
            self.add_error("talker", "请填写谈话人")
        if action in (
            Action.ACKNOWLEDGE,
            Action.PASS,
            Action.TALK,
            Action.FILE,
            Action.FORWARD,
        ) and not data.get("on"):
            self.add_error("on", "请填写办理日期")
        if action == Action.APPROVE:
            data["votes"] = self._votes(data.get("ids") or [], self._meeting_facts(data))
        return data

    def _meeting_facts(self, data) -> MeetingFacts | None:
        """The 党委会 deciding: the one chosen, or the one typed here (refused where impossible)."""
        if meeting := data.get("meeting"):
            return MeetingFacts(meeting.entitled, meeting.present)
        for name in ("held_on", "entitled", "present"):
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, "请登记党委会，或选择已登记的党委会")
        if data.get("entitled") is None or data.get("present") is None:
            return None
        facts = MeetingFacts(data["entitled"], data["present"])
        impossible = facts.problems()
        for problem in impossible:
            self.add_error(problem.part, problem.message)
        return None if impossible else facts

    def new_meeting(self) -> MeetingSpec | None:
        d = self.cleaned_data
        if d.get("meeting") or d.get("action") != Action.APPROVE:
            return None
        return MeetingSpec(held_on=d["held_on"], entitled=d["entitled"], present=d["present"])

    def votes(self) -> dict[int, VoteFacts]:
        return self.cleaned_data.get("votes") or {}

    def tally(self, pk: int, kind: str) -> str:
        """The tally typed (or proposed) for one row, to show it again."""
        return self.data.get(f"{kind}_{pk}", "")

    def _votes(self, ids, meeting: MeetingFacts | None) -> dict[int, VoteFacts]:
        """Per-person tallies typed in the rows (cases.rules.tally: a tally is recorded for every
        person). Blank rows get the proposal — every member present votes yes — filled in and
        shown, and nothing is decided until the officer submits what the page shows."""
        votes, unreadable, blank = {}, False, []
        for pk in ids:
            raw = [self.data.get(f"{k}_{pk}", "").strip() for k in TALLY_KINDS]
            if not any(raw):
                blank.append(pk)
            elif all(VOTE_COUNT.fullmatch(v or "0") and int(v or 0) <= MAX_VOTES for v in raw):
                votes[pk] = VoteFacts(**{k: int(v or 0) for k, v in zip(TALLY_KINDS, raw, strict=True)})
            else:
                unreadable = True
        if unreadable:
            self.add_error(None, f"表决票数须为 0–{MAX_VOTES} 的整数")
        if meeting is None:
            return votes
        for problem in dict.fromkeys(str(p) for v in votes.values() for p in meeting.problems(v)):
            self.add_error(None, f"表决票数有误：{problem}")
        if blank:
            self._propose(blank, proposed(meeting))
        return votes

    def _propose(self, pks, tally: VoteFacts) -> None:
        self.data = self.data.copy()
        for pk in pks:
            for kind in TALLY_KINDS:
                self.data[f"{kind}_{pk}"] = str(getattr(tally, kind))
        self.add_error(
            None,
            f"已为 {len(pks)} 名未填写表决票数的同志按实到人数预填（赞成 {tally.yes} 票、反对 0 票、弃权 0 票），"
            "请核对后再次提交",
        )


class ForwardForm(StyledForm):
    """审议同意并上报 of one report: the reviewing organization's opinion."""

    opinion = forms.CharField(label="审议意见", max_length=1000, required=False, initial="同意上报")


class ReturnForm(StyledForm):
    """The reason one report is sent back to the branch (ReturnFacts: there must be one)."""

    reason = forms.CharField(
        label="理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000, required=False
    )

    def clean(self):
        data = super().clean()
        if "reason" in data:  # absent: already refused (too long)
            for problem in ReturnFacts(data["reason"]).problems():
                self.add_error(problem.part, problem.message)
        return data


class PublicityNoticeForm(StyledForm):
    """出具公示 from the case page: which 公示 and from which day (its end comes from the table)."""

    step = forms.ChoiceField(
        label="公示事项",
        choices=[],
        error_messages={"invalid_choice": "没有这种公示。"},
    )
    start_on = date_field("公示开始日期")

    def __init__(self, *args, offered: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = list((offered or {}).items())
