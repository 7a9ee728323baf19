"""The seal's keys: HMAC-SHA256 keys from the environment, never stored in the database.

`AUDIT_HMAC_KEYS` maps a key id to its secret; the key named by `AUDIT_HMAC_SIGNING_KEY` (by
default the first listed) seals new rows, and every listed key verifies the rows it sealed, so a
key is rotated by listing a new one first and keeping the old ones. A forger with write access to
the database but not these secrets cannot compute a seal."""

import hashlib
import hmac

from django.conf import settings

DEV_KEY_ID = "dev"
DEV_SECRET = "dev-insecure-audit-key-change-me"  # flagged by `check --deploy` (audit.checks)


class UnknownKey(KeyError):
    """A row names a key id this installation does not hold."""


def _ring() -> dict[str, str]:
    return settings.AUDIT_HMAC_KEYS


def signing_key_id() -> str:
    return settings.AUDIT_HMAC_SIGNING_KEY or next(iter(_ring()))


def mac(key_id: str, message: str) -> str:
    """The hex HMAC of `message` under the key `key_id` (UnknownKey when it is not held)."""
    try:
        secret = _ring()[key_id]
    except KeyError:
        raise UnknownKey(key_id) from None
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def sign(message: str) -> tuple[str, str]:
    """(key id, seal) of `message` under the signing key."""
    key_id = signing_key_id()
    return key_id, mac(key_id, message)


def matches(key_id: str, message: str, seal: str) -> bool:
    return hmac.compare_digest(mac(key_id, message), seal)
