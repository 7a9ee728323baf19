"""Forms: input validation with Chinese messages. Rules are judged by the write path, not here."""

import re
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from branches.models import Organization, OrgKind
from branches.selectors import roster
from cases import steps
from cases.ethnicities import ETHNICITIES, official_name
from cases.idcard import mask
from cases.models import (
    EDUCATION_CHOICES,
    PERSON_FIELDS,
    EntryKind,
    FrontlineKind,
    Gender,
    HonourLevel,
    Meeting,
    Outcome,
    PersonCategory,
    TitleLevel,
)
from cases.rules import MeetingFacts, PublicityFacts, VoteFacts
from cases.rules.checks import identity_findings
from cases.selectors import entitled_on
from cases.services import NewMeeting, StepInput
from cases.text import validate_single_line
from cases.web import StyledForm, count_field, date_field
from config.converters import object_id

NAME_PATTERN = re.compile(r"^[\u3400-\u9fffA-Za-z·• \u3000]{1,50}$")  # spaces, never line breaks
ONE_LINE = [validate_single_line]  # cases/text.py: no line breaks, tabs or invisible characters


def clean_person_name(value: str) -> str:
    value = (value or "").strip()
    if not NAME_PATTERN.match(value):
        raise forms.ValidationError("姓名只能包含汉字、字母和间隔号「·」，不超过50个字")
    return value


class DatalistInput(forms.TextInput):
    """A text input offering a list to pick from as one types (the browser's own search)."""

    def __init__(self, options, attrs=None):
        super().__init__(attrs)
        self.options = options

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or name}-options"
        field = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join("", '<option value="{}">', ((o,) for o in self.options))
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, options)


UNKNOWN = "待补充"


def yes_no_unknown(label: str) -> forms.TypedChoiceField:
    """是 / 否 / 待补充 (None): a fact not yet asked is not a 否."""
    return forms.TypedChoiceField(
        label=label,
        choices=[("", UNKNOWN), ("1", "是"), ("0", "否")],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
    )


class PersonFields(StyledForm):
    name = forms.CharField(label="姓名", max_length=50, validators=ONE_LINE)
    # Filled from the 公民身份号码 as it is typed (static/js/app.js); E02 still checks them here.
    gender = forms.ChoiceField(label="性别", choices=Gender.choices)
    ethnicity = forms.CharField(
        label="民族",
        max_length=20,
        initial="汉族",
        validators=ONE_LINE,
        widget=DatalistInput(ETHNICITIES, attrs={"autocomplete": "off"}),
        help_text="输入一两个字即可从56个民族中选择",
    )
    birth_date = date_field("出生日期")
    id_number = forms.CharField(
        label="公民身份号码",
        max_length=18,
        min_length=18,
        error_messages={"min_length": "E02 公民身份号码应为18位", "max_length": "E02 公民身份号码应为18位"},
        widget=forms.TextInput(
            attrs={
                "data-idcard": "",
                "data-birth-field": "id_birth_date",
                "data-gender-field": "id_gender",
                "autocomplete": "off",
                "inputmode": "text",
            }
        ),
        help_text="输入18位号码后，出生日期和性别自动填写",
    )
    education = forms.ChoiceField(
        label="学历",
        choices=[("", "请选择"), *EDUCATION_CHOICES],
        error_messages={"required": "请选择学历（原「高中/中专」请区分为「中专」或「高中/中技」）"},
    )
    is_league_member = forms.BooleanField(label="共青团员", required=False)
    is_frontline = forms.BooleanField(label="生产工作一线", required=False)
    phone = forms.RegexField(
        label="联系电话",
        regex=r"^[0-9\-+ ]{0,30}$",
        required=False,
        error_messages={"invalid": "联系电话只能包含数字、空格和“-”"},
    )
    workplace = forms.CharField(label="工作单位及职务", max_length=100, required=False, validators=ONE_LINE)
    # 党内统计 (partystats): chosen from lists; left at 「待补充」 they are counted as to be completed.
    category = forms.ChoiceField(
        label="人员类别", choices=[("", UNKNOWN), *PersonCategory.choices], required=False
    )
    is_migrant_worker = yes_no_unknown("农民工/外出务工经商人员")
    frontline_kind = forms.ChoiceField(
        label="一线类型（勾选生产工作一线时）", choices=[("", "—"), *FrontlineKind.choices], required=False
    )
    title_level = forms.ChoiceField(
        label="专业技术职务", choices=[("", UNKNOWN), *TitleLevel.choices], required=False
    )
    honour_level = forms.ChoiceField(
        label="先进模范人物", choices=[("", UNKNOWN), *HonourLevel.choices], required=False
    )
    is_dispatched = yes_no_unknown("劳务派遣工")
    is_taiwanese = yes_no_unknown("台湾省籍")

    def clean_name(self):
        return clean_person_name(self.cleaned_data["name"])

    def clean_ethnicity(self):
        value = official_name(self.cleaned_data["ethnicity"])
        if value is None:
            raise forms.ValidationError("请从列表中选择民族（56个民族的规范名称，例如“汉族”“土家族”）")
        return value

    def clean(self):
        data = super().clean()
        if data.get("frontline_kind") and not data.get("is_frontline"):
            self.add_error("frontline_kind", "选择一线类型时，请同时勾选「生产工作一线」")
        if data.get("id_number") and data.get("birth_date") and data.get("gender"):
            data["id_number"] = data["id_number"].strip().upper()
            problems = identity_findings(data["id_number"], data["birth_date"], data["gender"])
            if problems:
                self.add_error("id_number", "E02 " + "；".join(problems))
        return data


class CaseCreateForm(PersonFields):
    branch = forms.ModelChoiceField(
        label="所在党支部",
        queryset=Organization.objects.none(),
        error_messages={"required": "请选择党支部", "invalid_choice": "请选择本人有权限的党支部"},
    )
    applied_on = date_field("递交入党申请书日期")
    league_recommended_on = date_field("团组织推优日期", required=False)
    leaving_unit_on = date_field("预计离开工作学习单位日期", required=False)
    note = forms.CharField(
        label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    # The 公民身份号码 right after the name: 性别 and 出生日期 follow from it.
    field_order = [
        "branch",
        "name",
        "id_number",
        *PERSON_FIELDS,
        "applied_on",
        "league_recommended_on",
        "leaving_unit_on",
        "note",
    ]

    def __init__(self, *args, branches=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches if branches is not None else Organization.objects.none()
        if branches is not None and len(branches) == 1:
            self.fields["branch"].initial = branches[0].pk

    def person(self) -> dict:
        return {k: self.cleaned_data[k] for k in PersonFields.base_fields}


class PersonEditForm(PersonFields):
    """The stored 公民身份号码 is never put into the page: the field starts empty (its masked form
    as a hint) and is changed only when a new number is typed."""

    league_recommended_on = date_field("团组织推优日期", required=False)
    leaving_unit_on = date_field("预计离开工作学习单位日期", required=False)
    special_development = forms.BooleanField(label="特殊情况下发展", required=False)
    reason = forms.CharField(
        label="修改原因（记入办理记录和修改历史）",
        max_length=200,
        validators=ONE_LINE,
        error_messages={"required": "请填写修改原因"},
    )

    def __init__(self, *args, current_id_number: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_id_number = current_id_number
        field = self.fields["id_number"]
        field.required = False
        field.initial = ""
        field.help_text = f"当前：{mask(current_id_number)}。不修改请留空；如需更正，请输入完整的18位号码。"

    def clean(self):
        data = super().clean()
        if not data.get("id_number") and data.get("birth_date") and data.get("gender"):
            problems = identity_findings(self.current_id_number, data["birth_date"], data["gender"])
            if problems:
                self.add_error(None, "E02 " + "；".join(problems))
        return data

    def person_changes(self) -> dict:
        changes = {k: self.cleaned_data[k] for k in PersonFields.base_fields}
        if not changes["id_number"]:
            del changes["id_number"]
        return changes


class ObjectsChoiceField(forms.ModelMultipleChoiceField):
    """Ticked rows by id; a value that is no id (config.converters: past 2^63 − 1, "²", "abc") is
    an invalid choice before any query (SQLite cannot even bind such a number)."""

    def clean(self, value):
        if isinstance(value, list | tuple) and any(object_id(v) is None for v in value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().clean(value)


def roster_label(member) -> str:
    sanction = f"，{member.get_sanction_display()}" if member.sanction else ""
    return f"{member.name}（{member.get_status_display()}{sanction}）"


# Where 应到 is asked again when the meeting's day changes: the form field holding the day, and
# the fields whose change asks (the meetings page: its organization and kind as well), what the
# request includes, and the name of the day among them.
ENTITLED_SOURCES = {
    "entitled": ("#id_held_on, #id_org, #id_body", "[name=held_on], [name=org], [name=body]", "held_on"),
    "meeting_entitled": ("#id_on", "[name=on]", "on"),
}


def entitled_field(name: str, *, initial=None, fixed: dict | None = None, required=True) -> forms.Field:
    """应到, prefilled from the roster on the meeting's day (cases.selectors.entitled_on), and asked
    again (htmx, cases:meeting_entitled) when the day — on the meetings page also the organization
    or the kind — changes; `fixed` are the query's values the form does not hold (a step form's
    branch and body)."""
    field = count_field("应到会有表决权人数", required=required, max_value=999, initial=initial)
    sources, include, _day = ENTITLED_SOURCES[name]
    query = urlencode({"name": name, **(fixed or {})})
    field.widget.attrs.update(
        {
            "hx-get": f"{reverse('cases:meeting_entitled')}?{query}",
            "hx-trigger": ", ".join(f"change from:{source}" for source in sources.split(", ")),
            "hx-include": include,
            # its own target: a step form's hx-target="this" would be inherited, and the answer
            # would replace the whole form
            "hx-target": "this",
            "hx-swap": "outerHTML",
        }
    )
    return field


class MeetingForm(StyledForm):
    """A meeting recorded on the meetings page (services.record_meeting refuses a second record of
    the same organization, kind and day); its minutes checked as every scan is (validate_upload)."""

    org = forms.ModelChoiceField(
        label="召开组织",
        queryset=Organization.objects.none(),
        empty_label="请选择",
        error_messages={"invalid_choice": "所选组织不在您的管理范围内"},
    )
    body = forms.ChoiceField(
        label="会议", choices=[("", "请选择")] + list(Meeting._meta.get_field("body").choices)
    )
    held_on = date_field("会议日期")
    entitled = count_field("应到会有表决权人数", max_value=999)  # entitled_field, once URLs are loaded
    present = count_field("实到会有表决权人数", max_value=999)
    minutes = forms.FileField(label="会议记录（PDF/JPG）", required=False)
    note = forms.CharField(
        label="备注",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = organizations
        entitled = self.fields["entitled"] = entitled_field(
            "entitled", initial=self.fields["entitled"].initial
        )
        entitled.widget.attrs["class"] = "form-control"
        self.order_fields(["org", "body", "held_on", "entitled", "present", "minutes", "note"])

    def clean(self):
        data = super().clean()
        counts = (data.get("entitled"), data.get("present"))
        if None not in counts:
            for problem in MeetingFacts(*counts).problems():
                self.add_error(problem.part, problem.message)  # its parts are this form's fields
        return data


def meeting_fields(*, body: str, committee_orgs, case=None, **_) -> dict[str, forms.Field]:
    """Pick the meeting already recorded (one meeting decides several cases, entered once on the
    meetings page or by the first step), or record it here with 应到 from the branch's roster."""
    fields = {}
    party = body == steps.Body.PARTY_COMMITTEE
    orgs = (committee_orgs or []) if party else ([case.branch] if case is not None else [])
    name = dict(Meeting._meta.get_field("body").choices).get(body, "会议")
    recent = Meeting.objects.filter(body=body, org__in=orgs).order_by("-held_on")
    # A choice field looks its value up in the queryset, which a slice would forbid.
    fields["existing_meeting"] = forms.ModelChoiceField(
        label=f"已登记的{name}（同一次会议研究多名同志时选择）",
        queryset=Meeting.objects.filter(pk__in=list(recent.values_list("pk", flat=True)[:30]))
        .select_related("org")
        .order_by("-held_on", "-pk"),
        required=False,
        empty_label=f"— 新登记本次{name} —",
        error_messages={"invalid_choice": "所选会议不存在或不属于本组织"},
    )
    fields["existing_meeting"].label_from_instance = lambda m: (
        f"{m.held_on} {m.org.name}{m.get_body_display()}（应到{m.entitled}，实到{m.present}）"
    )
    if body == steps.Body.BRANCH_ASSEMBLY and case is not None:
        fields["meeting_entitled"] = entitled_field(
            "meeting_entitled",
            initial=entitled_on(case.branch, body, timezone.localdate()),
            fixed={"org": case.branch.pk, "body": body},
            required=False,
        )
    else:
        fields["meeting_entitled"] = count_field("应到会有表决权人数", required=False)
    fields["meeting_present"] = count_field("实到会有表决权人数", required=False)
    fields["minutes"] = forms.FileField(label="会议记录（PDF/JPG/PNG）", required=False)
    return fields


def vote_fields(**_) -> dict[str, forms.Field]:
    return {
        "yes": count_field("赞成票"),
        "no": count_field("反对票", initial=0),
        "abstain": count_field("弃权票", initial=0),
        "written_yes": count_field("书面赞成意见", initial=0),
        "written_no": count_field("书面反对意见", initial=0),
    }


def roster_field(name: str, label: str):
    def build(*, case, **_) -> dict[str, forms.Field]:
        field = ObjectsChoiceField(
            label=label,
            queryset=roster(case.branch),
            widget=forms.CheckboxSelectMultiple,
            required=False,
            error_messages={"invalid_choice": "所选党员不在本支部名册中"},
        )
        field.label_from_instance = roster_label
        return {name: field}

    return build


# The parts of a record kept in rows of their own (Meeting, Vote, StepRecordPerson).
PART_FIELDS = {
    steps.Field.MEETING: meeting_fields,
    steps.Field.VOTE: vote_fields,
    steps.Field.CONTACTS: roster_field("contacts", "培养联系人（一至两名正式党员）"),
    steps.Field.INTRODUCERS: roster_field("introducers", "入党介绍人（两名正式党员）"),
}


def _text(f: steps.DataField) -> forms.Field:
    return forms.CharField(label=f.form_label, required=f.required, max_length=f.limit, validators=ONE_LINE)


def _code(f: steps.DataField) -> forms.Field:
    return forms.RegexField(
        label=f.form_label,
        required=f.required,
        regex=rf"^[A-Za-z0-9\-]{{1,{f.limit}}}$",
        error_messages={"invalid": "编号只能包含字母、数字和“-”"},
    )


def _count(f: steps.DataField) -> forms.Field:
    return count_field(f.form_label, required=f.required, max_value=f.limit)


def _choice(f: steps.DataField) -> forms.Field:
    return forms.ChoiceField(label=f.form_label, required=f.required, choices=f.choices.choices)


DATA_FIELD_KINDS = {
    steps.Kind.TEXT: _text,
    steps.Kind.CODE: _code,
    steps.Kind.COUNT: _count,
    steps.Kind.CHOICE: _choice,
}


def first_group_name(case) -> str:
    group = Organization.objects.filter(parent=case.branch, kind=OrgKind.GROUP).first()
    return group.name if group else ""


# Data keys whose form field starts from what the case's branch already has.
DATA_INITIALS = {"group": first_group_name}


def data_field(declared: steps.DataField) -> forms.Field:
    """The form field asking for one key of a step record's data, as cases.steps declares it."""
    return DATA_FIELD_KINDS[declared.kind](declared)


class StepForm(StyledForm):
    """Built from the step's definition: the date, then the parts its record keeps."""

    on = date_field("日期")
    note = forms.CharField(
        label="说明/备注", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    warning_reason = forms.CharField(
        label="预警说明（记录说明）", widget=forms.HiddenInput, required=False, max_length=1000
    )

    def __init__(self, *args, step: steps.Step, case, body: str = "", committee_orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.step, self.case = step, case
        for part in step.fields:
            if part in PART_FIELDS:
                self.fields.update(PART_FIELDS[part](case=case, body=body, committee_orgs=committee_orgs))
            else:
                for declared in steps.PART_DATA[part]:
                    self.fields[declared.key] = data_field(declared)
        for key, initial in DATA_INITIALS.items():
            if key in self.fields:
                self.fields[key].initial = initial(case)
        self.order_fields(
            ["on", *[n for n in self.fields if n not in ("on", "note", "warning_reason")], "note"]
        )
        if self.data.get("warning_reason"):
            self.ask_for_warning_reason()
        self.style_widgets()

    def clean(self):
        data = super().clean()
        if "meeting_entitled" in self.fields and not data.get("existing_meeting"):
            for name in ("meeting_entitled", "meeting_present"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, f"请填写{self.fields[name].label}")
        meeting = data.get("existing_meeting")
        if meeting and data.get("on") and meeting.held_on != data["on"]:
            self.add_error("existing_meeting", f"所选会议日期为 {meeting.held_on}，与办理日期不一致")
        self._refuse_impossible_tally(data)
        return data

    # The form field each part of MeetingFacts.problems() is about.
    TALLY_FIELDS = {
        "entitled": "meeting_entitled",
        "present": "meeting_present",
        "yes": "yes",
        "written": "written_yes",
    }

    def _refuse_impossible_tally(self, data) -> None:
        meeting = data.get("existing_meeting")
        counts = (
            (meeting.entitled, meeting.present)
            if meeting
            else (data.get("meeting_entitled"), data.get("meeting_present"))
        )
        if None in counts or ("yes" in self.fields and data.get("yes") is None):
            return  # not given, or already refused by its field
        vote = None
        if "yes" in self.fields:
            vote = VoteFacts(
                **{k: data.get(k) or 0 for k in ("yes", "no", "abstain", "written_yes", "written_no")}
            )
        for problem in MeetingFacts(*counts).problems(vote):
            self.add_error(self.TALLY_FIELDS[problem.part], problem.message)

    def ask_for_warning_reason(self):
        self.fields["warning_reason"].widget = forms.Textarea(attrs={"rows": 2, "class": "form-control"})

    def to_input(self) -> StepInput:
        d = self.cleaned_data
        F = steps.Field
        data = {f.key: d[f.key] for f in self.step.data_fields if f.key in d and d[f.key] not in (None, "")}
        given = StepInput(
            on=d["on"], note=d.get("note", ""), data=data, warning_reason=d.get("warning_reason", "")
        )
        if d.get("existing_meeting"):
            given.meeting = d["existing_meeting"]
        elif F.MEETING in self.step.fields:
            given.new_meeting = NewMeeting(
                entitled=d["meeting_entitled"], present=d["meeting_present"], minutes=d.get("minutes")
            )
        if F.VOTE in self.step.fields:
            given.vote = VoteFacts(
                yes=d["yes"],
                no=d["no"] or 0,
                abstain=d["abstain"] or 0,
                written_yes=d["written_yes"] or 0,
                written_no=d["written_no"] or 0,
            )
        if F.CONTACTS in self.step.fields:
            given.contacts = list(d["contacts"])
        if F.INTRODUCERS in self.step.fields:
            given.introducers = list(d["introducers"])
        return given


class PublicityForm(StyledForm):
    start_on = date_field("公示开始日期")
    end_on = date_field("公示结束日期")
    venue = forms.CharField(label="公示范围/地点", max_length=200, required=False, validators=ONE_LINE)
    objections = count_field("收到异议数", initial=0, max_value=999)
    objections_resolved = forms.BooleanField(
        label="异议均已核实处理（无异议也勾选）", required=False, initial=True
    )
    note = forms.CharField(label="公示结果", max_length=1000, required=False)

    def clean(self):
        data = super().clean()
        if data.get("start_on") and data.get("end_on"):
            for problem in PublicityFacts(data["start_on"], data["end_on"]).problems():
                self.add_error(problem.part, problem.message)
        return data


class PeriodicEntryForm(StyledForm):
    """One dated 考察 or 思想汇报 under step 6 or 21 (cases.services.record_periodic_entry judges it)."""

    entry = forms.ChoiceField(
        label="事项", choices=EntryKind.choices, error_messages={"invalid_choice": "请选择考察或思想汇报"}
    )
    on = date_field("日期")
    note = forms.CharField(label="说明", max_length=1000, required=False)


MATERIAL_ITEM_CHOICES = [
    ("", "—（清单外的其他材料）"),
    *(
        (key, f"{step.number}. {step.name} · {spec.title}")
        for key, (step, spec) in steps.MATERIAL_ITEMS.items()
    ),
]


class MaterialForm(StyledForm):
    """A scan: as a checklist item ("step:key", steps.MATERIAL_ITEMS) or an extra scan of a step."""

    title = forms.CharField(label="材料名称", max_length=100, validators=ONE_LINE, required=False)
    item = forms.ChoiceField(label="清单材料", choices=MATERIAL_ITEM_CHOICES, required=False)
    step = forms.ChoiceField(label="所属步骤", choices=[("", "—")] + steps.CHOICES, required=False)
    file = forms.FileField(
        label="文件（PDF/JPG/PNG，不超过10 MB）",
        error_messages={"required": "请选择文件", "empty": "文件为空"},
    )

    def clean(self):
        data = super().clean()
        if data.get("item"):
            step, spec = steps.MATERIAL_ITEMS[data["item"]]
            if data.get("step") and data["step"] != step.code:
                raise forms.ValidationError("所选清单材料不属于所选步骤")
            data["step"], data["item"] = step.code, spec.key
            data["title"] = data.get("title") or spec.title
        elif not data.get("title"):
            self.add_error("title", "请填写材料名称，或从清单中选择材料")
        return data


class WaiverForm(StyledForm):
    """A required material the file will not hold: which, and why (the reason is required)."""

    item = forms.ChoiceField(label="清单材料", choices=MATERIAL_ITEM_CHOICES[1:])
    reason = forms.CharField(
        label="免交理由",
        max_length=300,
        validators=ONE_LINE,
        error_messages={"required": "免交须填写理由"},
    )

    def clean(self):
        data = super().clean()
        if data.get("item"):
            step, spec = steps.MATERIAL_ITEMS[data["item"]]
            data["step"], data["item"] = step.code, spec.key
        return data


class Confirmed(forms.Form):
    """An irreversible action asks first: the first post shows what will happen (`consequence`) and
    posts the same values again with `confirmed`; only that second post reaches the service."""

    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    @property
    def needs_confirmation(self) -> bool:
        return not self.cleaned_data.get("confirmed")

    def service_arguments(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "confirmed"}

    def values_to_confirm(self) -> list[tuple[str, str]]:
        """The posted values, as hidden fields of the confirmation."""
        return [
            (field.html_name, "" if field.value() is None else str(field.value()))
            for field in self
            if field.name != "confirmed"
        ]


class OutcomeForm(StyledForm, Confirmed):
    outcome = forms.ChoiceField(
        label="结果",
        choices=[
            ("", "请选择"),
            *(
                (o.value, o.label)
                for o in (Outcome.WITHDRAWN, Outcome.DEACTIVATED, Outcome.ADMISSION_REJECTED)
            ),
        ],
        error_messages={"required": "请选择结果", "invalid_choice": "没有这一项，请从列表中选择"},
    )
    on = date_field("日期")
    reason = forms.CharField(
        label="说明（记入办理记录）",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": "请填写说明"},
    )

    def consequence(self, case) -> str:
        label = Outcome(self.cleaned_data["outcome"]).label
        return (
            f"将把{case.person.name}的案例登记为「{label}」（{self.cleaned_data['on']:%Y-%m-%d}），案例随即结束："
            "此后不能再办理任何步骤，已报送尚未办结的事项一并撤销。登记后不能撤回。"
        )


class TransferForm(StyledForm, Confirmed):
    """组织关系转出: to any other 党支部 (the receiving branch need not be in the user's scope). The
    branches are read only when the form is shown or posted, never with the case page."""

    to_branch = forms.ModelChoiceField(
        label="转入党支部",
        queryset=Organization.objects.none(),
        empty_label="请选择转入党支部",
        error_messages={"required": "请选择转入党支部", "invalid_choice": "所选党支部不存在，请重新选择"},
    )
    on = date_field("转出日期")
    reason = forms.CharField(
        label="转出原因（记入办理记录）", max_length=500, error_messages={"required": "请填写转出原因"}
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_branch"].queryset = (
            Organization.objects.filter(kind=OrgKind.BRANCH).exclude(pk=case.branch_id).order_by("path")
        )

    def consequence(self, case) -> str:
        to = self.cleaned_data["to_branch"].name
        return (
            f"将把{case.person.name}的组织关系于 {self.cleaned_data['on']:%Y-%m-%d} 转出至{to}：本支部的案例随即结束，"
            f"已报送尚未办结的事项一并撤销；{to}的案例带着已完成的步骤继续办理，培养时间连续计算。转出后不能撤回。"
        )


class SubmitForm(StyledForm):
    on = date_field("报送日期")
