from cases import dates
from cases.rules import Finding, Problem


class StepNotAllowed(Exception):
    """The step cannot be done now for a reason that is not a rule (already done, case closed…)."""


class StepBlocked(Exception):
    def __init__(self, findings: list[Finding]):
        super().__init__("；".join(str(f) for f in findings))
        self.findings = findings


class WarningsNeedReason(Exception):
    """Warnings let a step through only with a recorded reason (记录说明)."""

    def __init__(self, findings: list[Finding]):
        super().__init__("；".join(str(f) for f in findings))
        self.findings = findings


class InvalidInput(Exception):
    """Input that cannot be recorded (duplicate ID number, bad upload…), with a Chinese message."""


def refuse_out_of_range(*days) -> None:
    """Every service's guard on the dates it is given (the forms and the importer refuse them
    first): outside cases.dates' range, date arithmetic could leave the calendar."""
    for day in days:
        if day is not None and not dates.in_range(day):
            raise InvalidInput(dates.out_of_range_message(day))


def refuse_problems(problems: list[Problem]) -> None:
    """Every service's guard on the facts it is given (their `problems()`; the forms, the importer
    and the desk refuse the same problems first, next to the field they are about)."""
    if problems:
        raise InvalidInput("；".join(map(str, problems)))
