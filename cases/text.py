"""Single-line text: names and the other short fields printed in letters, rosters and exports
(姓名, 民族, 联系电话, 工作单位及职务, 谈话人, 党小组, 材料名称, roster members' names).

Such a field holds one line of visible text: no line breaks (also U+2028/U+2029), tabs, other control
characters, or invisible formatting characters (zero-width spaces, byte-order marks, bidi overrides
that make a name print differently from how it reads on screen). Pure: no project imports, so the
forms, the write path (cases/services/text_fields.py), the import cells and the roster (branches)
all use this one rule.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# Cc control (\\t \\n \\r \\x00 …), Cf format (zero-width, BOM, bidi), Cs surrogates, Zl/Zp separators.
# Private-use and unassigned code points stay allowed: rare characters in names (生僻字) live there.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def first_refused_character(value: str) -> tuple[int, str] | None:
    """(1-based position, character) of the first character a single line may not hold."""
    for position, char in enumerate(value, start=1):
        if unicodedata.category(char) in REFUSED_CATEGORIES:
            return position, char
    return None


def single_line_problem(value, label: str = "") -> str | None:
    """The Chinese reason `value` is not one line of visible text, or None when it is."""
    if not isinstance(value, str):
        return None
    found = first_refused_character(value)
    if found is None:
        return None
    position, char = found
    what = (
        "换行符"
        if char in "\r\n\u2028\u2029\x0b\x0c\x85"
        else "制表符"
        if char == "\t"
        else "不可见的控制字符"
    )
    return (
        f"{label}只能填写一行文字，不能包含换行符、制表符或其他不可见的控制字符"
        f"（第 {position} 个字符是{what} U+{ord(char):04X}）"
    )


@deconstructible
class SingleLineValidator:
    """For form and model fields: the field's label is shown beside the message already."""

    def __call__(self, value):
        problem = single_line_problem(value)
        if problem:
            raise ValidationError(problem, code="single_line")

    def __eq__(self, other):
        return isinstance(other, SingleLineValidator)


validate_single_line = SingleLineValidator()
