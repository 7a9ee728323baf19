"""Meetings, 公示 and materials: the records steps lean on, each written once, audited."""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import transaction

from branches.models import Organization, Role
from branches.permissions import grants_covering
from cases import steps
from cases.models import Case, EventSource, Material, Meeting, Publicity, SensitiveAccess
from cases.services.actors import acting_grant, as_actor
from cases.services.errors import InvalidInput
from cases.services.events import record_event
from cases.services.step_service import IMPORT_ROLES, lock_case

BODY_ROLES = {
    steps.Body.BRANCH_COMMITTEE: Role.BRANCH_SECRETARY,
    steps.Body.BRANCH_ASSEMBLY: Role.BRANCH_SECRETARY,
    steps.Body.PARTY_COMMITTEE: Role.COMMITTEE_OFFICER,
}


@transaction.atomic
def record_meeting(
    *,
    org: Organization,
    body: str,
    held_on: dt.date,
    entitled: int,
    present: int,
    actor,
    note="",
    minutes=None,
) -> Meeting:
    """One record per meeting; a 党委会 record can then decide several cases."""
    actor = as_actor(actor)
    role = BODY_ROLES[steps.Body(body)]
    if not grants_covering(actor.user, org, roles={role}):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("您无权为该组织登记会议。")
    if entitled <= 0:
        raise InvalidInput("应到会有表决权人数须大于零")
    if present > entitled:
        raise InvalidInput(f"实到人数 {present} 不能多于应到人数 {entitled}")
    if minutes is not None:
        validate_upload(minutes)
    meeting = Meeting(
        org=org,
        body=body,
        held_on=held_on,
        entitled=entitled,
        present=present,
        note=note,
        created_by=actor.user,
    )
    if minutes is not None:
        meeting.minutes = minutes
    meeting._history_user = actor.user
    meeting.save()
    return meeting


def validate_vote(meeting: Meeting, yes: int, no: int, abstain: int) -> None:
    if yes + no + abstain > meeting.present:
        raise InvalidInput(f"赞成、反对、弃权合计 {yes + no + abstain} 票，多于实到人数 {meeting.present}")


@transaction.atomic
def record_publicity(
    *,
    case: Case,
    start_on: dt.date,
    end_on: dt.date,
    actor,
    venue="",
    objections=0,
    objections_resolved=True,
    note="",
) -> Publicity:
    actor = as_actor(actor)
    lock_case(case)
    roles = IMPORT_ROLES if actor.source == EventSource.IMPORT else (Role.BRANCH_SECRETARY,)
    grant = acting_grant(actor.user, case.branch, roles)
    if end_on < start_on:
        raise InvalidInput("公示结束日期不能早于开始日期")
    publicity = Publicity(
        case=case,
        start_on=start_on,
        end_on=end_on,
        venue=venue,
        objections=objections,
        objections_resolved=objections_resolved,
        note=note,
        recorded_by=actor.user,
    )
    publicity._history_user = actor.user
    publicity.save()
    from cases.services.summary import refresh_summary

    refresh_summary(case, actor.user, reason="登记公示")
    record_event(
        case=case,
        actor=actor,
        kind="publicity",
        step="target_filing",
        summary=f"发展对象公示 {start_on} 至 {end_on}，异议 {objections} 件"
        + ("" if objections_resolved else "（未处理完毕）"),
        occurred_on=start_on,
        role=grant.role.value,
        org=grant.org,
        note=note,
    )
    return publicity


ALLOWED_UPLOADS = {".pdf": b"%PDF-", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff"}


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{n / 1024:.1f} KB"


def validate_upload(upload) -> str:
    """PDF or JPG scans only, within the size limit; returns the SHA-256 of the content."""
    name = upload.name or ""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise InvalidInput(f"文件「{name}」大小 {_size(upload.size)}，超过上限 {_size(limit)}")
    if suffix not in ALLOWED_UPLOADS:
        raise InvalidInput(f"文件「{name}」格式不支持：只能上传 PDF 或 JPG 扫描件")
    upload.seek(0)
    head = upload.read(8)
    if not head.startswith(ALLOWED_UPLOADS[suffix]):
        raise InvalidInput(f"文件「{name}」内容与扩展名不符，不是有效的 {suffix[1:].upper()} 文件")
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def upload_material(*, case: Case, title: str, upload, actor, step: str = "") -> Material:
    actor = as_actor(actor)
    lock_case(case)
    grant = acting_grant(actor.user, case.branch, (Role.BRANCH_SECRETARY, Role.COMMITTEE_OFFICER))
    sha = validate_upload(upload)
    if step and step not in steps.BY_CODE:
        raise InvalidInput("所属步骤无效")
    material = Material(
        case=case,
        step=step,
        title=(title or upload.name)[:100],
        original_name=upload.name[:255],
        size=upload.size,
        sha256=sha,
        uploaded_by=actor.user,
    )
    material.file.save(upload.name, upload, save=False)
    material.save()
    record_event(
        case=case,
        actor=actor,
        kind="material",
        step=step,
        summary=f"上传材料「{material.title}」（{upload.size // 1024} KB，SHA-256 {sha[:12]}…）",
        role=grant.role.value,
        org=grant.org,
    )
    return material


def reveal_id_number(*, case: Case, actor) -> str:
    """Only branch and committee officers see the full number, and every view is logged."""
    actor = as_actor(actor)
    acting_grant(actor.user, case.branch, (Role.BRANCH_SECRETARY, Role.COMMITTEE_OFFICER))
    SensitiveAccess.objects.create(case=case, user=actor.user, ip=actor.ip)
    return case.person.id_number
