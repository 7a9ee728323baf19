"""What a letter rested on, frozen at issue and recomputed at verification with the same code.

A snapshot holds, for one person, the name and the state of the records the letter answered (the
decision and the records its words rest on): date, whether still current, data, meeting and vote.
Comparing the stored snapshot with a fresh one tells whether anything changed since the letter.
"""

import hashlib
import json

from cases.models import Case, StepRecord, Vote

# The records a letter's words rest on, besides the decision itself.
BASIS_STEPS = {
    "activist_filing": ("activist_selection",),
    "target_filing": ("target_selection",),
    "pre_review": (),
    "admission_approval": ("admission_meeting",),
    "conversion_approval": ("conversion_meeting",),
    "admission_filing": ("admission_approval",),
    "target_selection": ("activist_selection",),
    "conversion_application": (),
}


def basis_records(case: Case, decision: StepRecord) -> dict[str, StepRecord]:
    """The latest record of each basis step dated on or before the decision (a conversion meeting
    stops being current once an extension is approved, so "current" is not the test)."""
    found = {}
    for code in BASIS_STEPS.get(decision.step, ()):
        record = case.records.filter(step=code, on__lte=decision.on).order_by("-pk").first()
        if record is not None:
            found[code] = record
    return found


def take(case: Case, record_ids: dict[str, int]) -> dict:
    """The snapshot of `case` for the given records (step code → record id), read fresh."""
    return take_many([(case, record_ids)])[0]


def take_many(wanted: list[tuple[Case, dict[str, int]]]) -> list[dict]:
    """Snapshots of several cases (a letter's entries) in two queries."""
    ids = [pk for _, record_ids in wanted for pk in record_ids.values()]
    records = {r.pk: r for r in StepRecord.objects.filter(pk__in=ids)}
    meetings = {r.meeting_id for r in records.values() if r.meeting_id}
    votes = {
        (v.case_id, v.meeting_id, v.step): v
        for v in Vote.objects.filter(case__in=[case for case, _ in wanted], meeting__in=meetings)
    }
    snapshots = []
    for case, record_ids in wanted:
        state = {}
        for code, pk in record_ids.items():
            record = records.get(pk)
            state[code] = _record_state(record, votes) if record else None
        snapshots.append({"name": case.person.name, "records": state})
    return snapshots


def _record_state(record: StepRecord, votes: dict) -> dict:
    vote = votes.get((record.case_id, record.meeting_id, record.step))
    return {
        "id": record.pk,
        "on": record.on.isoformat(),
        "is_current": record.is_current,
        "data": record.data,
        "meeting": record.meeting_id,
        "vote": [vote.yes, vote.no, vote.abstain, vote.written_yes, vote.written_no] if vote else None,
    }


def record_ids(snapshot: dict) -> dict[str, int]:
    return {code: state["id"] for code, state in snapshot.get("records", {}).items() if state}


def fingerprint(snapshot: dict) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


STEP_LABELS = {
    "activist_selection": "确定入党积极分子",
    "activist_filing": "积极分子备案",
    "target_selection": "确定发展对象",
    "target_filing": "发展对象备案",
    "pre_review": "预审",
    "admission_meeting": "支部大会讨论接收",
    "admission_approval": "党委审批接收",
    "conversion_meeting": "支部大会讨论转正",
    "conversion_approval": "党委审批转正",
}


def differences(then: dict, now: dict) -> list[str]:
    """Plain-language changes between two snapshots of one person (empty: nothing changed)."""
    changes = []
    if then.get("name") != now.get("name"):
        changes.append(f"姓名由「{then.get('name')}」变更为「{now.get('name')}」")
    for code, old in then.get("records", {}).items():
        label = STEP_LABELS.get(code, code)
        new = now.get("records", {}).get(code)
        if old is None:
            continue
        if new is None:
            changes.append(f"「{label}」记录已不存在")
            continue
        if old["on"] != new["on"]:
            changes.append(f"「{label}」日期由 {old['on']} 变为 {new['on']}")
        if old["is_current"] and not new["is_current"]:
            changes.append(f"「{label}」记录已被后续决定取代")
        if old["data"] != new["data"]:
            changes.append(f"「{label}」记录内容已变化")
        if old["meeting"] != new["meeting"] or old["vote"] != new["vote"]:
            changes.append(f"「{label}」会议或表决记录已变化")
    return changes
