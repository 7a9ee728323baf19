from cases.rules.engine import blocks, evaluate, warnings
from cases.rules.facts import Attempt, CaseFacts, MeetingFacts, MemberFacts, PublicityFacts, VoteFacts
from cases.rules.findings import Finding

__all__ = [
    "Attempt",
    "CaseFacts",
    "Finding",
    "MeetingFacts",
    "MemberFacts",
    "PublicityFacts",
    "VoteFacts",
    "blocks",
    "evaluate",
    "warnings",
]
