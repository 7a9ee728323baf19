"""Factories and a small county used across the suite."""

import datetime as dt
import itertools
import os

from django.contrib.auth import get_user_model

from branches.models import MemberStatus, Organization, OrgKind, PartyMember, Role
from branches.services import grant_role
from cases import idcard
from cases.services import open_case

_seq = itertools.count(1)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "建国",
    "海燕",
]


MIDDLE = "晓建国志春海玉秀金立文明德思永红"


def name(n: int | None = None) -> str:
    """Distinct, realistic names (no digits: the forms and the importer refuse those)."""
    n = next(_seq) if n is None else n
    surname = SURNAMES[n % len(SURNAMES)]
    given = GIVEN[(n // len(SURNAMES)) % len(GIVEN)]
    middle = MIDDLE[(n // (len(SURNAMES) * len(GIVEN))) % len(MIDDLE)]
    return surname + middle + given


def org(name, kind, parent=None, can_approve=False, code=None, **extra) -> Organization:
    return Organization.objects.create(
        name=name, kind=kind, parent=parent, can_approve=can_approve, code=code or f"ORG{next(_seq)}", **extra
    )


def members(branch, full: int, probationary: int = 0) -> list[PartyMember]:
    made = [
        PartyMember.objects.create(
            branch=branch, name=f"{branch.short_name or branch.pk}党员{i}", status=MemberStatus.FULL
        )
        for i in range(full)
    ]
    made += [
        PartyMember.objects.create(
            branch=branch, name=f"{branch.short_name or branch.pk}预备{i}", status=MemberStatus.PROBATIONARY
        )
        for i in range(probationary)
    ]
    return made


def user(username, role=None, on=None, **extra):
    account = get_user_model().objects.create_user(username=username, password="pw-123456", **extra)
    if role is not None:
        grant_role(user=account, role=role, org=on)
    return account


def person(birth=dt.date(1995, 3, 15), gender="M", **extra) -> dict:
    n = next(_seq)
    return {
        "name": extra.pop("name", name(n)),
        "gender": gender,
        "ethnicity": "汉族",
        "birth_date": birth,
        "id_number": idcard.make(f"3301{(n // 500) % 90 + 10:02d}", birth, n % 500, gender),
        "education": "bachelor",
        "is_league_member": False,
        "is_frontline": True,
        **extra,
    }


def case_form_data(branch, birth=dt.date(1995, 3, 15), **overrides) -> dict:
    """What the 新建案例 form posts for 陈志远 at `branch` (overrides replace or add fields)."""
    return {
        "branch": branch.pk,
        "name": "陈志远",
        "gender": "M",
        "ethnicity": "汉族",
        "birth_date": birth.isoformat(),
        "id_number": idcard.make("330102", birth, 42, "M"),
        "education": "bachelor",
        "applied_on": "2023-01-10",
        **overrides,
    }


def new_case(branch, secretary, applied_on=dt.date(2023, 1, 10), **person_extra):
    return open_case(branch=branch, person=person(**person_extra), applied_on=applied_on, actor=secretary)


Kinds = OrgKind
Roles = Role


def pdf_upload(name: str = "scan.pdf", pages: int = 1, pad_to: int = 0):
    """A real PDF (pypdf), optionally padded with a trailing comment to about pad_to bytes."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    content = buffer.getvalue()
    if pad_to > len(content):
        content += b"%" + b"0" * (pad_to - len(content) - 2) + b"\n"
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def jpg_upload(name: str = "scan.jpg", size: tuple[int, int] = (64, 48)):
    """A real JPG (Pillow) of the given pixel size."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def png_upload(name: str = "scan.png", size: tuple[int, int] = (64, 48), mode: str = "RGB", pad_to: int = 0):
    """A real PNG (Pillow) of the given pixel size; noise up to about pad_to bytes (noise does not
    compress) when asked."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    if pad_to:
        side = int((pad_to / 3) ** 0.5) + 1
        image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    else:
        image = Image.new(mode, size, "white")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def delegation(delegator, delegate, org, starts_on, ends_on, role=Role.BRANCH_SECRETARY, reason="外出学习"):
    """A delegation (代理) of any period, past ones too (the service opens present or future ones only)."""
    from branches.models import Delegation
    from branches.permissions import forget_cached_grants

    made = Delegation(
        delegator=delegator,
        delegate=delegate,
        role=role,
        org=org,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        created_by=delegator,
    )
    made.save()
    forget_cached_grants(delegate)
    return made


def rules_2026_from(day: dt.date) -> None:
    """The 2026 rules take effect on `day`. The settings row comes from a migration; a transactional
    test on the same test process may have emptied every table since (pytest-django's flush), so the
    row is created when missing rather than updated into nothing."""
    from cases.models import RuleSettings

    updated = RuleSettings.objects.update(rules_2026_effective=day)
    if not updated:
        RuleSettings.objects.create(rules_2026_effective=day)
