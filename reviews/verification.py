"""The public verification of a letter: is it ours, what did it decide, has anything changed since?"""

import hashlib
from dataclasses import dataclass, field

from reviews import snapshots
from reviews.models import Letter, LetterStatus


@dataclass
class EntryCheck:
    name: str
    decision: str
    detail: str
    changes: list[str] = field(default_factory=list)


@dataclass
class Verification:
    letter: Letter
    entries: list[EntryCheck]
    file_state: str  # "intact", "altered", "missing" or "pending"

    @property
    def unchanged(self) -> bool:
        return not any(e.changes for e in self.entries)


def file_state(letter: Letter) -> str:
    if letter.status != LetterStatus.RENDERED or not letter.pdf:
        return "pending"
    try:
        with letter.pdf.open("rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
    except (FileNotFoundError, OSError):
        return "missing"
    return "intact" if digest == letter.sha256 else "altered"


def verify(letter: Letter) -> Verification:
    entries = list(letter.entries.select_related("case__person"))
    fresh = snapshots.take_many([(e.case, snapshots.record_ids(e.snapshot)) for e in entries])
    checks = []
    for entry, now in zip(entries, fresh, strict=True):
        changes = []
        if snapshots.fingerprint(entry.snapshot) != entry.fingerprint:
            changes.append("发文登记的记录快照与其校验值不一致")
        changes += snapshots.differences(entry.snapshot, now)
        checks.append(EntryCheck(entry.name, entry.decision, entry.detail, changes))
    return Verification(letter=letter, entries=checks, file_state=file_state(letter))
