"""The public verification of a letter: is it ours, what did it decide, has anything changed since?

What the page shows comes only from what was stored when the letter was issued (the letter's
wording, and each entry's name, decision and detail as printed). The records as they stand now are
read only to say *whether* something changed — never what it changed to: a person renamed, a date
corrected or a decision withdrawn since the letter stays with the case file, out of a page that
anyone holding the code can open."""

from dataclasses import dataclass

from cases.digests import sha256_of
from reviews import snapshots
from reviews.models import Letter, LetterStatus


@dataclass
class EntryCheck:
    name: str  # as printed
    decision: str
    detail: str
    changed: bool = False


@dataclass
class Verification:
    letter: Letter
    entries: list[EntryCheck]
    file_state: str  # "intact", "altered", "missing" or "pending"

    @property
    def unchanged(self) -> bool:
        return not any(e.changed for e in self.entries)


def file_state(letter: Letter) -> str:
    if letter.status != LetterStatus.RENDERED or not letter.pdf:
        return "pending"
    try:
        with letter.pdf.open("rb") as handle:
            digest = sha256_of(handle)
    except (FileNotFoundError, OSError):
        return "missing"
    return "intact" if digest == letter.sha256 else "altered"


def verify(letter: Letter) -> Verification:
    entries = list(letter.entries.select_related("case__person"))
    fresh = snapshots.take_many([(e.case, snapshots.record_ids(e.snapshot)) for e in entries])
    checks = []
    for entry, now in zip(entries, fresh, strict=True):
        changed = snapshots.fingerprint(entry.snapshot) != entry.fingerprint or bool(
            snapshots.differences(entry.snapshot, now)
        )
        checks.append(EntryCheck(entry.name, entry.decision, entry.detail, changed))
    return Verification(letter=letter, entries=checks, file_state=file_state(letter))
