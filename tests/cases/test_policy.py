"""One answer to "may this user do this here?" (cases.permissions): the case page's buttons, the
view gate, the desk, the inbox and the service agree, for every persona and every step."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from branches.models import Role
from branches.services import grant_role
from cases import permissions, services, steps
from cases.permissions import Act, Why
from cases.services import StepBlocked, StepInput, StepNotAllowed
from demo.journey import advance
from reviews.queues import BY_SLUG
from reviews.selectors import queue_items, reports_to_decide
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def general_officer(county):
    """A committee officer granted on the 党总支, which may review but not approve (on purpose)."""
    user = f.user("general_officer", first_name="冯委员")
    grant_role(user=user, role=Role.COMMITTEE_OFFICER, org=county.general)
    return user


@pytest.fixture
def reported_to_general(county, secretary_under_reviewer, general_crew):
    """A 社区二支部 case whose 积极分子备案 report waits at the 党总支."""
    case = f.new_case(county.branch_under_reviewer, secretary_under_reviewer, applied_on=dt.date(2023, 2, 1))
    advance(case, general_crew, until="activist_selection")
    on = case.activist_on + dt.timedelta(days=5)
    submission = services.submit(
        case=case, step_code="activist_filing", on=on, actor=secretary_under_reviewer
    )
    assert submission.at_org == county.general
    return case, submission, on


def test_it_offers_no_approval_to_an_officer_of_a_general_branch_and_the_service_refuses(
    client, county, general_officer, reported_to_general, unchanged
):
    case, submission, on = reported_to_general
    answer = permissions.allowed_actions(general_officer, case)["activist_filing"]
    assert not answer and answer.why == Why.AUTHORITY and answer.code == "E13"
    assert answer.grant.org == county.general and "具有审批权限" in answer.reason

    client.force_login(general_officer)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "办理「上级党委备案」" not in page
    assert "退回理由" in page  # returning the report where it waits stays allowed, page and service alike
    form = client.get(reverse("cases:step", args=[case.pk, "activist_filing"]))
    assert form.status_code == 403 and "E13" in form.content.decode()
    with unchanged(case):
        posted = client.post(reverse("cases:step", args=[case.pk, "activist_filing"]), {"on": on.isoformat()})
    assert posted.status_code == 403

    with unchanged(case), pytest.raises(StepBlocked) as blocked:
        services.perform_step(
            case=case, step_code="activist_filing", given=StepInput(on=on), actor=general_officer
        )
    [finding] = blocked.value.findings
    assert finding.code == "E13" and finding.message.startswith(answer.reason)  # the same rule's words

    assert not queue_items(general_officer, BY_SLUG["activist_filing"]).exists()  # the desk agrees
    assert list(reports_to_decide(general_officer)) == [submission]  # … and the inbox offers what it allows


def test_the_approving_committee_is_offered_the_step_once_the_report_reaches_it(
    client, county, officer, reviewer, reported_to_general
):
    case, submission, on = reported_to_general
    waiting = permissions.allowed_actions(officer, case)["activist_filing"]
    assert not waiting and waiting.why == Why.WAITING and "党总支" in waiting.reason
    assert not queue_items(officer, BY_SLUG["activist_filing"]).exists()

    services.forward(submission=submission, actor=reviewer, on=on)
    allowed = permissions.allowed_actions(officer, case)["activist_filing"]
    assert allowed and allowed.grant.org == county.town
    assert list(queue_items(officer, BY_SLUG["activist_filing"])) == [submission]
    client.force_login(officer)
    assert "办理「上级党委备案」" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    record = services.perform_step(
        case=case, step_code="activist_filing", given=StepInput(on=on), actor=officer
    )
    assert record.org == county.town


def _service_refusal(case, step, on, user):
    """What perform_step raises for the user on this step (rolled back: nothing stays written)."""
    savepoint = transaction.savepoint()
    try:
        services.perform_step(case=case, step_code=step.code, given=StepInput(on=on), actor=user)
    except (PermissionDenied, StepNotAllowed, StepBlocked, services.InvalidInput) as exc:
        return exc
    finally:
        transaction.savepoint_rollback(savepoint)
        case.refresh_from_db()
    return None


@pytest.mark.parametrize("forwarded", [False, True], ids=["report at the 党总支", "report at the 镇党委"])
def test_every_answer_is_the_one_the_service_gives(
    personas, general_officer, reviewer, reported_to_general, forwarded
):
    """For each persona and each step not yet done: allowed → the service raises no refusal of
    permission (its rules may still find the record incomplete); refused → the service raises that
    refusal: 403 for a missing role, the same words for a report not yet arrived, E13 for authority."""
    case, submission, on = reported_to_general
    if forwarded:
        services.forward(submission=submission, actor=reviewer, on=on)
    done = set(case.records.filter(is_current=True).values_list("step", flat=True))
    checked = set()
    for user in [*personas.values(), general_officer]:
        answers = permissions.allowed_actions(user, case)
        for step in steps.STEPS:
            if step.code in done:
                continue
            answer, raised = answers[step.code], _service_refusal(case, step, on, user)
            checked.add(answer.why if not answer else "allowed")
            where = (user.username, step.code, answer, raised)
            if answer:
                assert not isinstance(raised, PermissionDenied | StepNotAllowed), where
                assert not (isinstance(raised, StepBlocked) and "E13" in str(raised)), where
            elif answer.why == Why.ROLE:
                assert isinstance(raised, PermissionDenied), where
            elif answer.why == Why.WAITING:
                assert isinstance(raised, StepNotAllowed) and str(raised) == answer.reason, where
            else:
                assert isinstance(raised, StepBlocked), where
                assert [x.code for x in raised.findings] == ["E13"], where
    assert checked >= {"allowed", Why.ROLE, Why.WAITING}
    assert (Why.AUTHORITY in checked) != forwarded  # the 党总支 officer, while the report waits there


def test_the_other_acts_answer_as_their_services_do(county, case, secretary, officer, auditor, unchanged):
    mine = permissions.allowed_actions(secretary, case)
    assert all(mine[act] for act in permissions.CASE_ACTS)
    theirs = permissions.allowed_actions(officer, case)
    assert {act for act in permissions.CASE_ACTS if theirs[act]} == {
        Act.UPLOAD,
        Act.WAIVE,
        Act.ARCHIVE,
        Act.REJECT,
        Act.REVEAL_ID,
    }
    assert not any(permissions.allowed_actions(auditor, case)[act] for act in permissions.CASE_ACTS)
    with unchanged(case), pytest.raises(PermissionDenied):
        services.reveal_id_number(case=case, actor=auditor)
    with unchanged(case), pytest.raises(PermissionDenied):
        services.update_person(
            case=case, changes={"phone": "13800000000"}, reason="更正登记错误", actor=officer
        )

    services.close_case(
        case=case, outcome="withdrawn", on=dt.date(2023, 3, 1), reason="本人撤回", actor=secretary
    )
    closed = permissions.allowed_actions(secretary, case)
    assert closed[Act.UPLOAD] and closed[Act.REVEAL_ID]  # a closed file still takes a scan and is read
    assert not closed[Act.PUBLICITY] and closed[Act.PUBLICITY].why == Why.CLOSED
    with unchanged(case), pytest.raises(StepNotAllowed, match="案例已结束"):
        services.record_publicity(
            case=case, start_on=dt.date(2023, 3, 2), end_on=dt.date(2023, 3, 9), actor=secretary
        )


def _closed_file_writes(case, county, on):
    """Each OPEN_FILE_ONLY act's service, called as the branch would call it."""
    return {
        Act.EDIT: lambda user: services.update_person(
            case=case, changes={"phone": "13900000000"}, reason="更正登记错误", actor=user
        ),
        Act.SUBMIT: lambda user: services.submit(case=case, step_code="activist_filing", on=on, actor=user),
        Act.PUBLICITY: lambda user: services.record_publicity(
            case=case, start_on=on, end_on=on + dt.timedelta(days=7), actor=user
        ),
        Act.CLOSE: lambda user: services.close_case(
            case=case, outcome="deactivated", on=on, reason="再次登记", actor=user
        ),
        Act.REJECT: lambda user: services.close_case(
            case=case, outcome="admission_rejected", on=on, reason="再次登记", actor=user
        ),
        Act.TRANSFER: lambda user: services.transfer_case(
            case=case, to_branch=county.branch_under_reviewer, on=on, reason="工作调动", actor=user
        ),
        Act.ENTRY: lambda user: services.record_periodic_entry(
            case=case, step_code="activist_cultivation", entry="thought_report", on=on, actor=user
        ),
    }


def test_a_closed_file_is_refused_by_every_service_in_the_policy_s_own_words(
    county, case, secretary, officer, unchanged
):
    services.close_case(
        case=case, outcome="withdrawn", on=dt.date(2023, 3, 1), reason="本人撤回", actor=secretary
    )
    on = dt.date(2023, 3, 2)
    writes = _closed_file_writes(case, county, on)
    assert set(writes) == set(permissions.OPEN_FILE_ONLY)  # every act a closed file refuses is tried
    for act, write in writes.items():
        answer = permissions.act_answer(secretary, case, act)
        assert not answer and answer.why == Why.CLOSED and answer.reason.startswith("案例已结束（本人撤回）")
        with unchanged(case), pytest.raises(StepNotAllowed) as refused:
            write(secretary)
        assert str(refused.value) == answer.reason, act
    # Without the role, the answer is "never here" whether or not the file is open: a 403.
    with unchanged(case), pytest.raises(PermissionDenied):
        writes[Act.TRANSFER](officer)


def test_a_desk_queue_is_open_to_whom_the_policy_lets_act_in_it(client, general_officer, officer, reviewer):
    """An officer granted on a 党总支 holds the committee role but approves nothing (E13): the desk
    offers none of the committee's queues, as it offers the township's officer all of them."""
    queue = BY_SLUG["activist_filing"]
    step = steps.get(queue.step)
    refused = permissions.queue_answer(general_officer, queue.role, step)
    assert not refused and refused.forbidden
    assert permissions.queue_answer(officer, queue.role, step)
    assert permissions.queue_answer(reviewer, BY_SLUG["review"].role, None)

    client.force_login(general_officer)
    assert client.get(reverse("reviews:desk")).status_code == 403
    assert client.get(reverse("reviews:queue", args=[queue.slug])).status_code == 403
    client.force_login(officer)
    assert client.get(reverse("reviews:queue", args=[queue.slug])).status_code == 200
