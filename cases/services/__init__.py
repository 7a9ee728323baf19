"""The only write path of the case file. Every function locks, checks, writes and audits in one
transaction; views, the admin, commands, tasks and the importer call these and nothing else."""

from cases.services.actors import Actor, acting_as, as_actor
from cases.services.backfill import Backfill, backfill_cases
from cases.services.errors import (
    InvalidInput,
    StepBlocked,
    StepNotAllowed,
    WarningsNeedReason,
    refuse_out_of_range,
    refuse_problems,
)
from cases.services.letters import (
    record_letter_issued,
    record_letter_regenerated,
    require_letter_grant,
)
from cases.services.lifecycle import close_case, open_case, outcome_act, transfer_case, update_person
from cases.services.materials import PAPER_ARCHIVE, waive_material
from cases.services.meetings import MeetingRecorded, meeting_of_day, record_meeting
from cases.services.periodic import record_periodic_entry
from cases.services.records import record_publicity, reveal_id_number, upload_material
from cases.services.step_decision import Authority, NewMeeting, StepInput, meeting_body
from cases.services.step_service import perform_step
from cases.services.submissions import forward, return_submission, submit
from cases.services.uploads import validate_upload

__all__ = [
    "Actor",
    "acting_as",
    "as_actor",
    "Authority",
    "Backfill",
    "backfill_cases",
    "InvalidInput",
    "MeetingRecorded",
    "meeting_of_day",
    "NewMeeting",
    "meeting_body",
    "StepBlocked",
    "StepInput",
    "StepNotAllowed",
    "WarningsNeedReason",
    "close_case",
    "forward",
    "open_case",
    "outcome_act",
    "perform_step",
    "record_letter_issued",
    "record_letter_regenerated",
    "record_meeting",
    "record_periodic_entry",
    "record_publicity",
    "refuse_out_of_range",
    "refuse_problems",
    "return_submission",
    "require_letter_grant",
    "reveal_id_number",
    "submit",
    "transfer_case",
    "update_person",
    "upload_material",
    "validate_upload",
    "waive_material",
    "PAPER_ARCHIVE",
]
