"""The desk's writes: deciding queue items (through cases.services), issuing letters in the same
transaction, and rendering them after commit. Views, tasks, commands and the admin call these."""

from reviews.services.decisions import BatchResult, ItemResult, MeetingSpec, decide_batch
from reviews.services.issuing import issue_letter, issue_letters, issue_publicity_notice, next_serial
from reviews.services.rendering import (
    mark_letter_failed,
    queue_render,
    regenerate_letter,
    render_letter,
    render_outstanding_letters,
    rescue_stuck_letters,
)

__all__ = [
    "BatchResult",
    "ItemResult",
    "MeetingSpec",
    "decide_batch",
    "issue_letter",
    "issue_letters",
    "issue_publicity_notice",
    "mark_letter_failed",
    "next_serial",
    "queue_render",
    "regenerate_letter",
    "render_letter",
    "render_outstanding_letters",
    "rescue_stuck_letters",
]
