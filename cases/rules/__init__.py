from cases.rules.engine import blocks, evaluate, warnings
from cases.rules.facts import (
    Attempt,
    CaseFacts,
    MeetingFacts,
    MemberFacts,
    Problem,
    PublicityFacts,
    ReturnFacts,
    VoteFacts,
)
from cases.rules.findings import Finding

__all__ = [
    "Attempt",
    "CaseFacts",
    "Finding",
    "MeetingFacts",
    "MemberFacts",
    "Problem",
    "PublicityFacts",
    "ReturnFacts",
    "VoteFacts",
    "blocks",
    "evaluate",
    "warnings",
]
