"""The second factor (TOTP with django-otp): who must have one, enrolling a phone, checking a code.

Anyone may enrol; once enrolled, every login asks for the 6-digit code. With settings.REQUIRE_2FA
(env DJANGO_REQUIRE_2FA) committee officers, the department and staff/superusers must enrol and
verify before they can use anything, the admin included (branches/gate.py sends them here).
A lost phone: an admin deletes the device (管理后台 → TOTP devices) and the user enrols again.
"""

from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from branches.models import Role
from branches.permissions import role_grants

ROLES_THAT_NEED_IT = frozenset({Role.COMMITTEE_OFFICER, Role.DEPARTMENT_AUDITOR})
DEVICE_NAME = "手机验证器"

WRONG_CODE = "验证码不正确或已过期，请输入验证器上当前显示的 6 位数字。"
TOO_MANY_WRONG = "验证码错误次数过多，请稍等片刻再试。"


def required_for(user) -> bool:
    """Must this user verify a code before using anything? Only when the setting is on."""
    if not settings.REQUIRE_2FA or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(grant.role in ROLES_THAT_NEED_IT for grant in role_grants(user))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_device(user) -> TOTPDevice:
    """The device being enrolled: its key is shown as a QR code until a code from it is confirmed.
    Kept unconfirmed in the database so that reloading the page shows the same key."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// address as inline SVG (no script, no data: URI, nothing fetched)."""
    qr = segno.make(device.config_url, error="m")
    return mark_safe(qr.svg_inline(scale=5, light="#fff", title="用验证器扫描此二维码"))  # segno's own markup


def key_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for an authenticator that cannot scan."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def check_code(device: TOTPDevice, token: str) -> str | None:
    """Verify a code against the device (throttled by django-otp: each failure doubles the wait).
    None when it matched, else the Chinese reason. Failures are committed, never rolled back."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            return TOO_MANY_WRONG
        if not device.verify_token(token):
            return WRONG_CODE
    return None


@transaction.atomic
def confirm_enrolment(device: TOTPDevice) -> TOTPDevice:
    """A code from the pending device matched: it becomes the user's second factor."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return device
