"""Issue 8, item 7: the admin could change history indirectly — deleting a roster member silently
removed an introducer from a past record, renaming one renamed them on every past record. A step
record keeps its contacts and introducers as they were when recorded, and a member any record
names is deactivated (停用), never deleted."""

import datetime as dt
import importlib

import openpyxl
import pytest
from django.apps import apps
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from branches.models import MemberStatus, PartyMember, Sanction
from branches.selectors import has_branch_committee, roster
from cases import services
from cases.models import StepRecord
from demo.journey import advance
from imports import exports
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def introduced(case, crew):
    """A case whose 入党介绍人 are recorded; returns (case, record, the two introducers)."""
    advance(case, crew, until="introducers_assigned")
    record = case.records.get(step="introducers_assigned", is_current=True)
    return case, record, list(record.people.order_by("pk"))


@pytest.fixture
def root_client(county):
    """The system administrator in the Django admin (a client of its own)."""
    root = Client()
    root.force_login(f.user("root", is_superuser=True, is_staff=True))
    return root


def recorded_names(record: StepRecord) -> list[str]:
    return sorted(record.recorded_people.values_list("name", flat=True))


def change_form(member: PartyMember, **changes) -> dict:
    values = {
        "branch": member.branch_id,
        "name": member.name,
        "status": member.status,
        "sanction": member.sanction,
        "sanction_until": member.sanction_until or "",
        "active": "on" if member.active else "",
    }
    return {k: v for k, v in (values | changes).items() if v != ""}


# ---- deleting a named member is refused --------------------------------------------------------


def test_it_refuses_to_delete_an_introducer_through_the_orm(introduced):
    case, record, (first, second) = introduced
    before = recorded_names(record)

    with pytest.raises(ProtectedError):
        first.delete()
    with pytest.raises(ProtectedError):
        PartyMember.objects.filter(pk=second.pk).delete()

    assert PartyMember.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    assert recorded_names(record) == before and len(before) == 2


def test_the_admin_offers_no_delete_for_a_named_member_and_refuses_a_forced_one(root_client, introduced):
    case, record, (first, _second) = introduced
    delete_url = reverse("admin:branches_partymember_delete", args=[first.pk])

    assert root_client.get(delete_url).status_code == 403
    assert root_client.post(delete_url, {"post": "yes"}).status_code == 403
    page = root_client.get(reverse("admin:branches_partymember_change", args=[first.pk])).content.decode()
    assert delete_url not in page

    bulk = root_client.post(
        reverse("admin:branches_partymember_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk], "post": "yes"},
    )
    assert bulk.status_code == 200 and "无法删除" in bulk.content.decode()
    assert PartyMember.objects.filter(pk=first.pk).exists()
    assert len(recorded_names(record)) == 2


def test_a_member_no_record_names_can_still_be_deleted_in_the_admin(root_client, county):
    mistake = PartyMember.objects.create(branch=county.branch, name="录错的名字")
    response = root_client.post(
        reverse("admin:branches_partymember_delete", args=[mistake.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not PartyMember.objects.filter(pk=mistake.pk).exists()


def test_the_branch_page_of_the_admin_cannot_delete_roster_members(root_client, county, introduced):
    """The roster inline on the organization page had a delete box: it is gone, so a forged
    DELETE flag deletes nothing (and does not crash on the protected link)."""
    case, record, (first, _second) = introduced
    url = reverse("admin:branches_organization_change", args=[county.branch.pk])
    formset = root_client.get(url).context["inline_admin_formsets"][0].formset
    assert not formset.can_delete
    members = list(county.branch.members.order_by("name", "pk"))
    branch = county.branch
    data = {
        "name": branch.name,
        "short_name": branch.short_name,
        "code": branch.code,
        "kind": branch.kind,
        "parent": branch.parent_id,
        "letter_prefix": branch.letter_prefix,
        f"{formset.prefix}-TOTAL_FORMS": len(members),
        f"{formset.prefix}-INITIAL_FORMS": len(members),
        f"{formset.prefix}-MIN_NUM_FORMS": 0,
        f"{formset.prefix}-MAX_NUM_FORMS": 1000,
    }
    for i, member in enumerate(members):
        data |= {
            f"{formset.prefix}-{i}-id": member.pk,
            f"{formset.prefix}-{i}-branch": branch.pk,
            f"{formset.prefix}-{i}-name": member.name,
            f"{formset.prefix}-{i}-status": member.status,
            f"{formset.prefix}-{i}-sanction": member.sanction,
            f"{formset.prefix}-{i}-active": "on",
            f"{formset.prefix}-{i}-DELETE": "on",
        }

    response = root_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert county.branch.members.count() == len(members)
    assert PartyMember.objects.filter(pk=first.pk).exists() and len(recorded_names(record)) == 2


# ---- deactivation instead ----------------------------------------------------------------------


def test_the_admin_deactivates_members_who_then_leave_the_roster_but_not_the_records(
    root_client, county, introduced
):
    case, record, (first, _second) = introduced
    response = root_client.post(
        reverse("admin:branches_partymember_changelist"),
        {"action": "deactivate", "_selected_action": [first.pk]},
    )
    assert response.status_code == 302

    first.refresh_from_db()
    assert not first.active
    last = first.history.first()
    assert last.history_change_reason == "停用" and last.history_user.username == "root"
    assert first not in roster(county.branch)
    assert first.name in recorded_names(record)


def test_deactivated_members_are_not_offered_for_a_new_step_nor_accepted_from_a_forged_form(
    client, county, case, crew
):
    advance(case, crew, until="activist_filing")
    gone = county.branch.members.filter(status=MemberStatus.FULL).order_by("pk").first()
    gone.active = False
    gone.save()
    url = reverse("cases:step", args=[case.pk, "contacts_assigned"])
    client.force_login(crew.secretary)

    form = client.get(url).context["form"]
    assert gone not in form.fields["contacts"].queryset
    assert gone.name not in client.get(url).content.decode()

    on = case.records.get(step="activist_filing").on + dt.timedelta(days=1)
    response = client.post(url, {"on": on.isoformat(), "contacts": [gone.pk]})
    assert response.status_code == 200 and response.context["form"].errors["contacts"]
    assert not case.records.filter(step="contacts_assigned").exists()


def test_deactivated_members_do_not_count_towards_a_branch_committee(county):
    """城关一支部 has 8 full members (支部委员会); with two deactivated, 6 decide at the 支部大会."""
    assert has_branch_committee(county.branch)
    for member in county.branch.members.filter(status=MemberStatus.FULL)[:2]:
        member.active = False
        member.save()
    assert not has_branch_committee(county.branch)


# ---- renaming and re-grading change no past record ---------------------------------------------


def test_a_renamed_and_sanctioned_introducer_keeps_the_recorded_name_and_standing(root_client, introduced):
    case, record, (first, _second) = introduced
    recorded_as = first.name
    response = root_client.post(
        reverse("admin:branches_partymember_change", args=[first.pk]),
        change_form(first, name="改名后的人", status=MemberStatus.PROBATIONARY, sanction=Sanction.WARNING),
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.name == "改名后的人"

    kept = record.recorded_people.get(member=first)
    assert (kept.name, kept.status, kept.sanction) == (recorded_as, MemberStatus.FULL, "")
    history = apps.get_model("cases", "HistoricalStepRecordPerson").objects.filter(
        record=record, member=first
    )
    assert set(history.values_list("name", flat=True)) == {recorded_as}


def test_the_case_page_export_and_admin_show_the_name_as_recorded(
    root_client, client, crew, introduced, tmp_path
):
    case, record, (first, _second) = introduced
    recorded_as = first.name
    first.name = "改名后的人"
    first.save()

    client.force_login(crew.secretary)
    page = client.get(case.get_absolute_url()).content.decode()
    assert recorded_as in page and "改名后的人" not in page

    path = tmp_path / "cases.xlsx"
    with path.open("wb") as stream:
        exports.export_template(crew.secretary, stream=stream, source="command")
    header, *rows = openpyxl.load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True)
    introducers = rows[0][list(header).index("入党介绍人")]
    assert recorded_as in introducers and "改名后的人" not in introducers

    admin_page = root_client.get(reverse("admin:cases_steprecord_change", args=[record.pk])).content.decode()
    assert recorded_as in admin_page
    history_page = root_client.get(reverse("admin:cases_steprecord_history", args=[record.pk]))
    assert history_page.status_code == 200


def test_a_transfer_copies_the_people_as_recorded_not_as_renamed(county, crew, introduced):
    case, record, (first, _second) = introduced
    recorded_as = first.name
    first.name = "改名后的人"
    first.save()

    new = services.transfer_case(
        case=case,
        to_branch=county.branch_under_reviewer,
        on=record.on + dt.timedelta(days=10),
        reason="工作调动",
        actor=crew.secretary,
    )

    copied = new.records.get(step="introducers_assigned")
    assert recorded_names(copied) == recorded_names(record)
    assert recorded_as in recorded_names(copied)


# ---- the data migration's source of truth -----------------------------------------------------


def test_the_migration_takes_each_name_from_the_roster_history_at_the_time_of_the_record(county):
    as_of = importlib.import_module("cases.migrations.0012_step_people_as_recorded")._roster_as_of
    member = PartyMember.objects.create(branch=county.branch, name="旧名字")
    recorded_at = timezone.now()
    member.name = "新名字"
    member.save()
    deleted = PartyMember.objects.create(branch=county.branch, name="已删除")
    deleted_id = deleted.pk
    deleted.delete()

    lookup = as_of(apps)
    assert lookup(member.pk, recorded_at)[0] == "旧名字"
    assert lookup(member.pk, timezone.now())[0] == "新名字"
    assert lookup(member.pk, None)[0] == "新名字"  # no time known: the roster as it is
    assert lookup(deleted_id, None)[0] == "已删除"
