"""`check --deploy` flags a seal key that is the development default or too short."""

from django.conf import settings
from django.core import checks

from audit import keys

MIN_SECRET_LENGTH = 32


@checks.register(checks.Tags.security, deploy=True)
def seal_key_check(app_configs, **kwargs):
    ring = settings.AUDIT_HMAC_KEYS
    key_id = keys.signing_key_id()
    if key_id not in ring:
        return [checks.Error(f"AUDIT_HMAC_SIGNING_KEY「{key_id}」不在 AUDIT_HMAC_KEYS 中。", id="audit.E001")]
    weak = [
        kid for kid, secret in ring.items() if secret == keys.DEV_SECRET or len(secret) < MIN_SECRET_LENGTH
    ]
    if weak:
        return [
            checks.Warning(
                "审计封印密钥是开发默认值或太短（至少 32 个字符）：" + "、".join(weak),
                hint="设置 AUDIT_HMAC_KEYS，例如 2027=$(python -c 'import secrets; print(secrets.token_urlsafe(48))')",
                id="audit.W001",
            )
        ]
    return []
