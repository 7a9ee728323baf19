"""The materials checklist of a case, step by step (steps.Step.materials): each item present (its
scans), waived (with the reason) or missing. Pure: built from rows the caller already read, so the
case page and the archive (dossier) read it without a query of their own."""

from dataclasses import dataclass, field

from cases import steps

PRESENT, WAIVED, MISSING, OPTIONAL = "present", "waived", "missing", "optional"
STATE_LABELS = {PRESENT: "已上传", WAIVED: "免交", MISSING: "缺少", OPTIONAL: "可选，未上传"}


@dataclass
class ChecklistItem:
    step: steps.Step
    spec: steps.MaterialSpec
    state: str
    scans: list = field(default_factory=list)  # cases.Material rows filed as this item
    waiver: object = None  # cases.MaterialWaiver

    @property
    def key(self) -> str:
        return f"{self.step.code}:{self.spec.key}"

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


def checklist(step: steps.Step, materials: list, waivers: list) -> list[ChecklistItem]:
    """One step's items: `materials` and `waivers` are the case's (any step; filtered here)."""
    items = []
    for spec in step.materials:
        scans = [m for m in materials if m.step == step.code and m.item == spec.key]
        waiver = next((w for w in waivers if w.step == step.code and w.item == spec.key), None)
        if scans:
            state = PRESENT
        elif waiver is not None:
            state = WAIVED
        else:
            state = MISSING if spec.required else OPTIONAL
        items.append(ChecklistItem(step, spec, state, scans, waiver))
    return items


def on_file(materials: list, waivers: list) -> set[str]:
    """The checklist items ("step:item") the case holds (what CaseFacts.materials keeps)."""
    return {f"{m.step}:{m.item}" for m in materials if m.item} | {f"{w.step}:{w.item}" for w in waivers}
