"""Logging filters named in settings.LOGGING.

DropForbiddenTraceback: django.request logs every refused request (PermissionDenied → 403) with the
exception's traceback. A refusal is the product working as intended, not an error: keep the one-line
warning (path and status) and drop the traceback, so probing does not flood the log with stack dumps.
"""

import logging


class DropForbiddenTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
