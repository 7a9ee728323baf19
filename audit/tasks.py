"""The daily verification (config/celery.py's beat schedule): a thin call of audit.verify."""

from celery import shared_task

from audit.verify import verify_audit


@shared_task(name="audit.verify_audit", time_limit=3 * 3600, soft_time_limit=3 * 3600 - 60)
def verify_audit_task() -> bool:
    """True when intact; a failure is recorded (VerifyRun) and logged at ERROR by verify_audit."""
    return verify_audit().ok
