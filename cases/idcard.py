"""公民身份号码 (GB 11643-1999): 18 characters, ISO 7064 MOD 11-2 check digit."""

import datetime as dt
import unicodedata
from dataclasses import dataclass

from cases import dates

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: dt.date
    gender: str  # "M" or "F"


class InvalidIdNumber(ValueError):
    pass


def normalize(raw: str) -> str:
    """Full-width digits and Ｘ (typed with a Chinese input method) become ASCII; spaces go."""
    return unicodedata.normalize("NFKC", raw or "").strip().upper().replace(" ", "")


def parse(raw: str) -> IdNumber:
    value = normalize(raw)
    if len(value) != 18 or not value.isascii() or not value[:17].isdigit() or value[17] not in "0123456789X":
        raise InvalidIdNumber("公民身份号码应为18位，前17位为数字，末位为数字或X")
    expected = _CHECK[sum(int(c) * w for c, w in zip(value[:17], _WEIGHTS, strict=True)) % 11]
    if value[17] != expected:
        raise InvalidIdNumber("公民身份号码校验位不正确")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise InvalidIdNumber("公民身份号码中的出生日期无效") from exc
    if not dates.in_range(birth):
        raise InvalidIdNumber(f"公民身份号码中的出生{dates.out_of_range_message(birth)}")
    return IdNumber(value, birth, "M" if int(value[16]) % 2 else "F")


def mask(value: str) -> str:
    """Shown to roles that may not see the full number: only the region code (the first 6) stays.
    The birth date, the sequence code and the check digit are hidden, so that with the birth date
    and gender shown beside it about 500 numbers remain possible."""
    if len(value) != 18:
        return "*" * len(value)
    return f"{value[:6]}{'*' * 12}"


def make(region: str, birth: dt.date, sequence: int, gender: str) -> str:
    """Build a valid number (demo data and tests). `sequence` 0–99; gender fixes the parity."""
    body = f"{region}{birth:%Y%m%d}{sequence % 100:02d}"
    digit = (sequence // 100 % 5) * 2 + (1 if gender == "M" else 0)
    body += str(digit)
    return body + _CHECK[sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True)) % 11]
