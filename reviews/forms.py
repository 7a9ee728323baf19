"""The desk's decision form, whose required fields follow the action (the lists' filters: reviews.filters)."""

import re

from django import forms

from cases.forms import count_field, date_field
from cases.models import Meeting
from cases.rules import VoteFacts
from cases.text import validate_single_line
from config.converters import object_id
from reviews.queues import ACTION_LABELS, Action, Queue
from reviews.services import MeetingSpec

MAX_VOTES = 999
VOTE_COUNT = re.compile(r"[0-9]{1,3}")


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
        if action == Action.RETURN and not (data.get("reason") or "").strip():
            self.add_error("reason", "退回须填写理由，理由党支部可见")
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
        if action == Action.APPROVE and not data.get("meeting"):
            for name in ("held_on", "entitled", "present"):
                if data.get(name) in (None, ""):
                    self.add_error(name, "请登记党委会，或选择已登记的党委会")
            entitled, present = data.get("entitled"), data.get("present")
            if entitled is not None and present is not None:
                if entitled <= 0:
                    self.add_error("entitled", "应到会人数须大于零")
                elif present > entitled:
                    self.add_error("present", f"实到人数 {present} 不能多于应到人数 {entitled}")
        if action == Action.APPROVE:
            data["votes"] = self._votes(data.get("ids") or [])
        return data

    def new_meeting(self) -> MeetingSpec | None:
        d = self.cleaned_data
        if d.get("meeting") or d.get("action") != Action.APPROVE:
            return None
        return MeetingSpec(held_on=d["held_on"], entitled=d["entitled"], present=d["present"])

    def votes(self) -> dict[int, VoteFacts]:
        return self.cleaned_data.get("votes") or {}

    def _votes(self, ids) -> dict[int, VoteFacts]:
        """Per-person tallies typed in the rows; a blank row means every member present voted yes."""
        votes, problems = {}, []
        for pk in ids:
            raw = [self.data.get(f"{k}_{pk}", "").strip() for k in ("yes", "no", "abstain")]
            if not any(raw):
                continue
            if not all(VOTE_COUNT.fullmatch(v or "0") for v in raw):
                problems.append(pk)
                continue
            yes, no, abstain = (int(v or 0) for v in raw)
            votes[pk] = VoteFacts(yes=yes, no=no, abstain=abstain)
        if problems:
            self.add_error(None, f"表决票数须为 0–{MAX_VOTES} 的整数")
        return votes
