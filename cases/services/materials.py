"""The checklist of a case's materials (steps.Step.materials): a required material the file will not
hold is waived here, with its reason, audited as a CaseEvent; the summary column materials_missing
follows in the same transaction. Uploads are records.upload_material."""

from cases import steps
from cases.models import Case, EventKind, MaterialWaiver
from cases.permissions import Act, act_answer
from cases.services.actors import as_actor, granted, writes
from cases.services.errors import InvalidInput, StepNotAllowed
from cases.services.events import record_event
from cases.services.step_service import lock_case
from cases.services.summary import refresh_summary

WAIVER_REASON_LENGTH = 300
# What the import records for each required material of the history it brings (cases.services.history).
PAPER_ARCHIVE = "历史材料纸质存档"


def checklist_item(step_code: str, item: str) -> tuple[steps.Step, steps.MaterialSpec]:
    """The declared checklist item, or InvalidInput in Chinese."""
    found = steps.MATERIAL_ITEMS.get(f"{step_code}:{item}")
    if found is None:
        raise InvalidInput("所选材料不在该步骤的材料清单中")
    return found


@writes
def waive_material(*, case: Case, step_code: str, item: str, reason: str, actor) -> MaterialWaiver:
    """Record that the file will not hold this material, and why (the reason is required)."""
    actor = as_actor(actor)
    lock_case(case)
    grant = granted(act_answer(actor.user, case, Act.WAIVE))
    step, spec = checklist_item(step_code, item)
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(f"「{spec.title}」免交须填写理由")
    if len(reason) > WAIVER_REASON_LENGTH:
        raise InvalidInput(f"免交理由不能超过 {WAIVER_REASON_LENGTH} 个字")
    if MaterialWaiver.objects.filter(case=case, step=step.code, item=spec.key).exists():
        raise StepNotAllowed(f"「{spec.title}」已登记免交")
    waiver = MaterialWaiver.objects.create(
        case=case, step=step.code, item=spec.key, reason=reason, waived_by=actor.user
    )
    refresh_summary(case, actor.user, reason=f"材料免交：{spec.title}")
    record_event(
        case=case,
        actor=actor,
        kind=EventKind.WAIVER,
        step=step.code,
        summary=f"材料免交：{step.number}. {spec.title}",
        role=grant.recorded_role,
        org=grant.org,
        note=reason,
    )
    return waiver
