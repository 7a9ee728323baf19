"""Assemble what the case page shows, in a fixed number of queries whatever the case holds."""

import datetime as dt
from dataclasses import dataclass, field
from html import escape

from django.utils import timezone
from django.utils.safestring import mark_safe

from branches.permissions import person_name
from branches.selectors import review_chain
from cases import checklist, permissions, reports, selectors, standing, steps
from cases.context import RuleContext, case_facts
from cases.idcard import mask
from cases.models import EntryKind, EventKind
from cases.rules import deadlines
from cases.services.periodic import COUNTED
from cases.web import address_prefix

# The dated entries (考察, 思想汇报) each step keeps, and the deadline that counts them.
ENTRY_DEADLINES = [(step, d) for (step, _entry), d in COUNTED.items()]
ENTRY_STEPS = {step for step, _ in ENTRY_DEADLINES}


@dataclass
class StepRow:
    status: standing.StepStatus
    record: object = None
    warnings: list | None = None
    can_act: bool = False
    needs_submission: bool = False  # the branch must still submit this upward
    pending: object = None  # the pending submission, if any
    materials: list = field(default_factory=list)
    checklist: list = field(default_factory=list)  # checklist.ChecklistItem of a step done
    panels: list = field(default_factory=list)  # what other apps offer on the pending report
    entries: list = field(default_factory=list)  # its dated 考察 / 思想汇报 (steps 6 and 21)
    entry_kinds: list = field(default_factory=list)  # (value, label) the user may record now

    @property
    def step(self):
        return self.status.step


def _periodic(case, facts, may) -> tuple[dict, dict]:
    """The dated entries per step (one query, whatever the case holds), and per step the kinds the
    user may record now: the step has started and is not recorded, and the policy lets the user
    (permissions.Act.ENTRY)."""
    started = {step for step, d in ENTRY_DEADLINES if deadlines.start_of(d, facts) is not None}
    by_step: dict[str, list] = {}
    for entry in selectors.case_periodic_entries(case):
        by_step.setdefault(entry.step, []).append(entry)
    kinds: dict[str, list] = {}
    if may[permissions.Act.ENTRY]:
        for step, d in ENTRY_DEADLINES:
            if step in started and step not in facts.done:
                kinds.setdefault(step, []).append((d.counts, EntryKind(d.counts).label))
    return by_step, kinds


def case_page(case, user, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    person = case.person_on_file
    records = selectors.case_records(case)
    publicities = selectors.case_publicities(case)
    submissions = selectors.case_submissions(case)
    events = selectors.case_events(case)
    rules = RuleContext.current(today)
    materials = selectors.case_materials(case)
    waivers = selectors.case_waivers(case)
    facts = case_facts(
        case, records=records, publicities=publicities, materials=checklist.on_file(materials, waivers)
    )
    statuses = standing.step_statuses(facts, rules)
    by_step = {r.step: r for r in records}
    warnings_by_step = {}
    for event in events:
        if event.kind == EventKind.STEP and event.warnings and event.step not in warnings_by_step:
            warnings_by_step[event.step] = event.warnings
    may = permissions.allowed_actions(user, case, submissions)
    materials_by_step = {}
    for item in materials:
        materials_by_step.setdefault(item.step, []).append(item)
    entries_by_step, entry_kinds = _periodic(case, facts, may)
    rows = []
    for status in statuses:
        step = status.step
        row = StepRow(
            status=status,
            record=by_step.get(step.code),
            warnings=warnings_by_step.get(step.code),
            materials=[m for m in materials_by_step.get(step.code, []) if not m.item],
            checklist=checklist.checklist(step, materials, waivers) if status.state == "done" else [],
            entries=entries_by_step.get(step.code, []),
            entry_kinds=entry_kinds.get(step.code, []),
        )
        if status.state != "done" and case.is_open:
            row.can_act = bool(may[step.code])
            if step.submitted:
                row.pending = permissions.pending_report(submissions, step.code)
                row.needs_submission = row.pending is None
        rows.append(row)
    current_stage = case.stage_number
    missing = facts.missing_materials()
    return {
        "case": case,
        "person": person,
        "rows": rows,
        "stages": [
            (
                n,
                name,
                "done"
                if n < current_stage or not case.next_step
                else ("current" if n == current_stage else "todo"),
            )
            for n, name in steps.STAGE_NAMES.items()
        ],
        "masked_id": mask(person.id_number),
        "may": {act: may[act] for act in permissions.CASE_ACTS},
        "events": _timeline(events),
        "loose_materials": materials_by_step.get("", []),
        "material_prefix": address_prefix("cases:material"),  # + id + "/": a scan's address
        "missing": missing,
        # the upload form's checklist items, and the one it offers first: the first missing
        "upload_items": [
            (item.key, f"{row.step.number}. {item.spec.title}（{item.label}）")
            for row in rows
            for item in row.checklist
        ],
        "upload_item": next((f"{s.code}:{m.key}" for s, m in missing), ""),
        "publicities": publicities,
        "needs_publicity": _needs_publicity(facts, rules),
        "returned": reports.returned_submissions(submissions),
        "reports": reports.report_states(submissions),
        "history": selectors.field_history(case, user),
        "review_chain": review_chain(case.branch),
        "rules_2026_confirmed": rules.settings_row.rules_2026_confirmed,
        "today": today,
    }


def _timeline(events: list) -> list:
    """The events, each written out here as its timeline item (event.html), every stored value
    escaped (html.escape): through the template language, or format_html's lazy-aware escaping,
    the 50-odd events of a case cost more than the rest of the column around them."""
    for event in events:
        local = timezone.localtime(event.created_at)
        where = "".join(
            [
                f"（代{escape(event.acting_for)}办理）" if event.acting_for else "",
                f" · {escape(event.org.name)}" if event.org else "",
                f" · {escape(event.ip)}" if event.ip else "",
                f" · {escape(event.get_source_display())}",
            ]
        )
        warnings = "".join(
            f'<div><span class="badge badge-warn">{escape(str(w.get("code", "")))}</span> '
            f"{escape(str(w.get('message', '')))}；说明：{escape(str(w.get('reason', '')))}</div>\n"
            for w in event.warnings
        )
        note = f"<div>{escape(event.note)}</div>\n" if event.note and event.kind != EventKind.STEP else ""
        event.html = mark_safe(  # every stored value above is escaped; the rest is this markup
            f'<li><time datetime="{local.isoformat()}">{local:%Y-%m-%d %H:%M}</time>\n'
            f'<span class="fw-semibold">{escape(event.summary)}</span>\n'
            f'<div class="text-muted">{escape(person_name(event.actor))}{where}</div>\n{warnings}{note}</li>'
        )
    return events


def _needs_publicity(facts, rules: RuleContext) -> bool:
    agreed = facts.done.get("target_filing")
    return bool(agreed and rules.is_2026(agreed))
