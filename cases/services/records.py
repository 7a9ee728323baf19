"""Meetings, 公示 and materials: the records steps lean on, each written once, audited."""

import datetime as dt

from cases import steps
from cases.models import AccessPurpose, Case, EventKind, Material, Publicity, SensitiveAccess
from cases.permissions import Act, act_answer
from cases.rules import PublicityFacts
from cases.services.actors import as_actor, granted, writes
from cases.services.errors import InvalidInput, refuse_out_of_range, refuse_problems
from cases.services.events import record_event
from cases.services.step_service import lock_case
from cases.services.summary import refresh_summary
from cases.services.uploads import validate_upload


def build_publicity(
    *,
    case: Case,
    start_on: dt.date,
    end_on: dt.date,
    user,
    venue="",
    objections=0,
    objections_resolved=True,
    note="",
) -> Publicity:
    """A checked, unsaved 公示 record."""
    refuse_out_of_range(start_on, end_on)
    refuse_problems(PublicityFacts(start_on, end_on).problems())
    publicity = Publicity(
        case=case,
        start_on=start_on,
        end_on=end_on,
        venue=venue,
        objections=objections,
        objections_resolved=objections_resolved,
        note=note,
        recorded_by=user,
    )
    publicity._history_user = user
    return publicity


def publicity_event(publicity: Publicity, grant) -> dict:
    """The fields of the CaseEvent that records a 公示."""
    return {
        "kind": EventKind.PUBLICITY,
        "step": "target_filing",
        "summary": f"发展对象公示 {publicity.start_on} 至 {publicity.end_on}，异议 {publicity.objections} 件"
        + ("" if publicity.objections_resolved else "（未处理完毕）"),
        "occurred_on": publicity.start_on,
        "role": grant.recorded_role,
        "org": grant.org,
        "note": publicity.note,
    }


@writes
def record_publicity(*, case: Case, start_on: dt.date, end_on: dt.date, actor, **details) -> Publicity:
    """details: venue, objections, objections_resolved, note."""
    actor = as_actor(actor)
    lock_case(case)
    grant = granted(act_answer(actor.user, case, Act.PUBLICITY))
    publicity = build_publicity(case=case, start_on=start_on, end_on=end_on, user=actor.user, **details)
    publicity.save()
    refresh_summary(case, actor.user, reason="登记公示")
    record_event(case=case, actor=actor, **publicity_event(publicity, grant))
    return publicity


@writes
def upload_material(*, case: Case, title: str, upload, actor, step: str = "", item: str = "") -> Material:
    """A scan filed under a step, as one of its checklist items (`item`, steps.MaterialSpec.key) or
    as an extra scan (item blank); a checklist item keeps the summary column materials_missing."""
    actor = as_actor(actor)
    lock_case(case)
    grant = granted(act_answer(actor.user, case, Act.UPLOAD))
    sha = validate_upload(upload)
    if step and step not in steps.BY_CODE:
        raise InvalidInput("所属步骤无效")
    spec = None
    if item:
        if not step:
            raise InvalidInput("请选择材料所属的步骤")
        spec = steps.material_spec(step, item)
        if spec is None:
            raise InvalidInput("所选材料不在该步骤的材料清单中")
    material = Material(
        case=case,
        step=step,
        item=item,
        title=(title or (spec.title if spec else "") or upload.name)[:100],
        original_name=upload.name[:255],
        size=upload.size,
        sha256=sha,
        uploaded_by=actor.user,
    )
    material.file.save(upload.name, upload, save=False)
    material.save()
    if spec is not None:
        refresh_summary(case, actor.user, reason=f"上传材料：{spec.title}")
    record_event(
        case=case,
        actor=actor,
        kind=EventKind.MATERIAL,
        step=step,
        summary=f"上传材料「{material.title}」（{upload.size // 1024} KB，SHA-256 {sha[:12]}…）",
        role=grant.recorded_role,
        org=grant.org,
    )
    return material


def reveal_id_number(*, case: Case, actor) -> str:
    """Only branch and committee officers see the full number, and every view is logged."""
    actor = as_actor(actor)
    granted(act_answer(actor.user, case, Act.REVEAL_ID))
    SensitiveAccess.objects.create(case=case, user=actor.user, ip=actor.ip, purpose=AccessPurpose.REVEAL)
    return case.person_on_file.id_number


def record_unmasked_export(*, export_id: int, user, ip: str | None, case_ids: list[int]) -> None:
    """One access row per case an export showed with the full number (who may is decided by the
    export, through cases.permissions.can_see_full_id); `export_id` names its imports.ExportLog."""
    SensitiveAccess.objects.bulk_create(
        (
            SensitiveAccess(case_id=pk, user=user, ip=ip, purpose=AccessPurpose.EXPORT, export_id=export_id)
            for pk in case_ids
        ),
        batch_size=1000,
    )
