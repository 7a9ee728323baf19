import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """A rule not met. E-codes block; W-codes let the step through only with a recorded reason."""

    code: str
    message: str
    date: dt.date | None = None  # the earliest date the step becomes possible, or when it was due

    @property
    def blocks(self) -> bool:
        return self.code.startswith("E")

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "date": self.date.isoformat() if self.date else None,
        }

    def __str__(self):
        return f"{self.code} {self.message}"
