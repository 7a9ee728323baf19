"""The write path's check that a person's short text fields are single lines (cases/text.py):
refused with InvalidInput, whatever the caller (form, import, command) checked before."""

from cases.services.errors import InvalidInput
from cases.text import single_line_problem

PERSON_SINGLE_LINE = {"name": "姓名", "ethnicity": "民族", "phone": "联系电话", "workplace": "工作单位及职务"}


def require_single_line(values: dict, labels: dict[str, str] = PERSON_SINGLE_LINE) -> None:
    for field, label in labels.items():
        if problem := single_line_problem(values.get(field), label):
            raise InvalidInput(problem)
