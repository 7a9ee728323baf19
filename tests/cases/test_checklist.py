"""The materials checklist (steps.Step.materials) and E15: a step done declares what its file keeps;
a required material is present (a scan filed as it), waived (with a reason, audited) or missing;
archiving is refused while one is missing, and the list, the dashboard and the case page say so."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cases import services, steps
from cases.models import Case, CaseEvent, MaterialWaiver
from cases.services import StepBlocked
from demo.journey import advance, file_materials, scan_pdf
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_every_step_but_archiving_declares_its_materials():
    for step in steps.STEPS:
        assert bool(step.materials) == (step.code != "archiving"), step.code
    keys = [f"{s.code}:{m.key}" for s in steps.STEPS for m in s.materials]
    assert len(keys) == len(set(keys))  # each item stored once per step
    titles = {m.title for s in steps.STEPS for m in s.materials}
    assert {
        "入党申请书",
        "入党志愿书",
        "政审材料",
        "培训结业证明",
        "批复",
        "宣誓记录",
        "转正申请书",
    } <= titles


@pytest.fixture
def ready(county, secretary, crew):
    """A case with every step done up to 材料归档, and none of its materials on file."""
    case = f.new_case(county.branch, secretary, applied_on=dt.date(2023, 1, 10))
    advance(case, crew, until="conversion_approval")
    case.refresh_from_db()
    return case


def archive(case, secretary):
    return services.perform_step(
        case=case, step_code="archiving", given=services.StepInput(on=dt.date.today()), actor=secretary
    )


def test_e15_refuses_archiving_and_lists_what_is_missing(ready, secretary, unchanged):
    assert ready.materials_missing == len(steps.required_materials(steps.CODES))
    with unchanged(ready), pytest.raises(StepBlocked) as exc:
        archive(ready, secretary)
    (finding,) = exc.value.findings
    assert finding.code == "E15"
    assert "1.入党申请书" in finding.message and "14.入党志愿书" in finding.message
    assert "第三十七条" in finding.message or "第三十六条" in finding.message


def test_e15_lets_archiving_through_once_each_is_uploaded_or_waived(ready, secretary, crew):
    missing = [(s, m) for s, m in steps.required_materials(steps.CODES)]
    (last_step, last_item) = missing[-1]
    services.waive_material(
        case=ready, step_code=last_step.code, item=last_item.key, reason="原件在组织部存档", actor=secretary
    )
    # one short of complete: still refused, naming only that one
    first_step, first_item = missing[0]
    for step, spec in missing[1:-1]:
        services.upload_material(
            case=ready, title="", upload=scan_pdf(), step=step.code, item=spec.key, actor=secretary
        )
    ready.refresh_from_db()
    assert ready.materials_missing == 1
    with pytest.raises(StepBlocked) as exc:
        archive(ready, secretary)
    assert (
        exc.value.findings[0].message.count("、") == 0 and first_item.title in exc.value.findings[0].message
    )
    services.upload_material(
        case=ready, title="", upload=scan_pdf(), step=first_step.code, item=first_item.key, actor=secretary
    )
    archive(ready, secretary)
    ready.refresh_from_db()
    assert ready.outcome == "archived" and ready.materials_missing == 0


def test_a_waiver_needs_a_reason_and_is_in_the_history(ready, secretary, unchanged):
    for blank in ("", "   "):
        with unchanged(ready), pytest.raises(services.InvalidInput, match="免交须填写理由"):
            services.waive_material(
                case=ready, step_code="oath", item="oath_record", reason=blank, actor=secretary
            )
    with pytest.raises(services.InvalidInput, match="不在该步骤的材料清单"):
        services.waive_material(case=ready, step_code="oath", item="nope", reason="x", actor=secretary)
    before = ready.materials_missing
    services.waive_material(
        case=ready, step_code="oath", item="oath_record", reason="宣誓记录随党委会记录存档", actor=secretary
    )
    ready.refresh_from_db()
    assert ready.materials_missing == before - 1
    event = CaseEvent.objects.filter(case=ready).order_by("-seq").first()
    assert event.kind == "waiver" and event.note == "宣誓记录随党委会记录存档" and event.actor == secretary
    assert "宣誓记录" in event.summary
    with pytest.raises(services.StepNotAllowed, match="已登记免交"):
        services.waive_material(
            case=ready, step_code="oath", item="oath_record", reason="再次", actor=secretary
        )


def test_an_outsider_cannot_waive(ready, outsider, client):
    with pytest.raises(PermissionDenied):
        services.waive_material(case=ready, step_code="oath", item="oath_record", reason="x", actor=outsider)
    client.force_login(outsider)
    r = client.post(reverse("cases:waive", args=[ready.pk]), {"item": "oath:oath_record", "reason": "x"})
    assert r.status_code == 404
    assert not MaterialWaiver.objects.exists()


def test_the_waive_view_refuses_a_blank_reason_in_chinese(ready, secretary, client):
    client.force_login(secretary)
    r = client.post(
        reverse("cases:waive", args=[ready.pk]), {"item": "oath:oath_record", "reason": ""}, follow=True
    )
    assert "免交须填写理由" in r.content.decode() and not MaterialWaiver.objects.exists()
    r = client.post(
        reverse("cases:waive", args=[ready.pk]), {"item": "oath:oath_record", "reason": "另存"}, follow=True
    )
    assert MaterialWaiver.objects.get().reason == "另存"


def test_the_case_page_shows_present_missing_and_waived(ready, secretary, client):
    services.upload_material(
        case=ready,
        title="",
        upload=scan_pdf("申请书.pdf"),
        step="application",
        item="application_letter",
        actor=secretary,
    )
    services.waive_material(case=ready, step_code="oath", item="oath_record", reason="另存", actor=secretary)
    client.force_login(secretary)
    html = client.get(ready.get_absolute_url()).content.decode()
    assert 'class="material-present" data-item="application:application_letter"' in html
    assert 'class="material-waived" data-item="oath:oath_record"' in html and "免交理由：另存" in html
    assert 'class="material-missing" data-item="initial_talk:talk_record"' in html
    total = len(steps.required_materials(steps.CODES))
    assert Case.objects.get(pk=ready.pk).materials_missing == total - 2
    assert f"缺 {total - 2} 项" in html


def test_the_list_filters_incomplete_files_and_the_dashboard_lists_them(county, secretary, crew, client):
    complete = f.new_case(county.branch, secretary)
    file_materials(complete, crew.secretary)
    gap = f.new_case(county.branch, secretary)
    assert Case.objects.get(pk=complete.pk).materials_missing == 0
    assert Case.objects.get(pk=gap.pk).materials_missing == 1  # its 入党申请书
    client.force_login(secretary)
    html = client.get(reverse("cases:list") + "?incomplete=1").content.decode()
    assert gap.get_absolute_url() in html and complete.get_absolute_url() not in html
    assert "1 项" in html
    dashboard = client.get(reverse("cases:dashboard")).content.decode()
    assert f"{gap.get_absolute_url()}#materials" in dashboard
    assert f"{complete.get_absolute_url()}#materials" not in dashboard
