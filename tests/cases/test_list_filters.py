"""The case list's one filter definition (cases.filters.CaseFilterSet): the page, its htmx rows and
the Excel export list the same cases for the same query; the export logs the filters it applied;
an invalid value is an error the page shows (and the export refuses), never dropped or a 500."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from cases.models import Case
from demo.journey import advance
from imports.models import ExportLog
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def listed(county, secretary, secretary_under_reviewer, crew):
    """Three cases in two branches the auditor sees: an activist, an applicant, one in another branch."""
    activist = f.new_case(county.branch, secretary, name="张积极")
    advance(activist, crew, until="activist_selection")
    applicant = f.new_case(county.branch, secretary, name="李申请")
    elsewhere = f.new_case(county.branch_under_reviewer, secretary_under_reviewer, name="王社区")
    return {"activist": activist, "applicant": applicant, "elsewhere": elsewhere}


def page_names(client, query: dict, **headers) -> list[str]:
    response = client.get(reverse("cases:list"), query, headers=headers)
    assert response.status_code == 200
    return sorted(row.name for row in response.context["rows"])


def export_names(client, query: dict) -> list[str]:
    response = client.get(reverse("imports:export_cases"), query)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return sorted(row[0] for row in list(book.worksheets[0].iter_rows(values_only=True))[1:])


def test_it_lists_the_same_cases_on_the_page_its_rows_and_its_export(client, auditor, county, listed):
    client.force_login(auditor)
    queries = [
        ({}, ["张积极", "李申请", "王社区"]),
        ({"stage": "activist"}, ["张积极"]),
        ({"branch": county.branch_under_reviewer.pk}, ["王社区"]),
        ({"q": "李"}, ["李申请"]),
        ({"q": "zjj"}, ["张积极"]),
        ({"branch": county.branch.pk, "stage": "applicant"}, ["李申请"]),
        ({"outcome": "withdrawn"}, []),
    ]
    for query, expected in queries:
        assert page_names(client, query) == expected, query
        assert page_names(client, query, **{"HX-Request": "true"}) == expected, query
        assert export_names(client, query) == expected, query


def test_it_logs_the_filters_the_export_applied(client, auditor, county, listed):
    client.force_login(auditor)
    export_names(client, {"stage": "applicant", "branch": str(county.branch.pk), "q": " 李 ", "page": "3"})
    log = ExportLog.objects.get(user=auditor)
    assert log.filters == {"stage": "applicant", "branch": county.branch.pk, "q": "李", "outcome": "open"}
    assert log.row_count == 1


def test_its_overdue_filter_reads_the_due_date_not_the_earliest(client, auditor, listed):
    yesterday = TODAY - dt.timedelta(days=1)
    Case.objects.filter(pk=listed["applicant"].pk).update(next_due=yesterday, next_earliest=None)
    Case.objects.filter(pk=listed["activist"].pk).update(next_due=None, next_earliest=yesterday)
    Case.objects.filter(pk=listed["elsewhere"].pk).update(next_due=TODAY, next_earliest=yesterday)
    client.force_login(auditor)
    assert page_names(client, {"overdue": "1"}) == ["李申请"]
    assert export_names(client, {"overdue": "1"}) == ["李申请"]
    assert ExportLog.objects.get().filters == {"overdue": True, "outcome": "open"}


INVALID = [
    ({"stage": "nonsense"}, "阶段：没有这一项，请从列表中选择"),
    ({"step": "step_99"}, "下一步：没有这一项，请从列表中选择"),
    ({"outcome": "\x00"}, "状态：没有这一项，请从列表中选择"),
    ({"branch": str(2**64)}, "党支部：所选党支部不存在或不在您的范围内"),
    ({"branch": "²"}, "党支部：所选党支部不存在或不在您的范围内"),
    ({"q": "陈\x00"}, "姓名或拼音首字母：不能包含空字符"),
    ({"q": "陈" * 51}, "姓名或拼音首字母：不能超过 50 个字"),
]


@pytest.mark.parametrize(("query", "error"), INVALID)
def test_it_shows_an_invalid_value_as_an_error_and_lists_nothing(client, auditor, listed, query, error):
    client.force_login(auditor)
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(reverse("cases:list"), query, headers=headers)
        assert response.status_code == 200
        body = response.content.decode()
        assert "筛选条件有误" in body and error in body
        assert response.context["rows"] == []


@pytest.mark.parametrize(("query", "error"), INVALID)
def test_its_export_refuses_an_invalid_value_and_exports_nothing(client, auditor, listed, query, error):
    client.force_login(auditor)
    response = client.get(reverse("imports:export_cases"), query)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not ExportLog.objects.exists()


def test_a_branch_out_of_sight_is_an_error_not_an_empty_scope(client, outsider, county, listed):
    client.force_login(outsider)
    response = client.get(reverse("cases:list"), {"branch": county.branch.pk})
    assert "所选党支部不存在或不在您的范围内" in response.content.decode()
    assert response.context["rows"] == []
    assert client.get(reverse("imports:export_cases"), {"branch": county.branch.pk}).status_code == 400
    assert not ExportLog.objects.exists()


def test_its_page_links_keep_the_filters_as_given(client, auditor, county, secretary, listed):
    for _ in range(50):  # a second page
        f.new_case(county.branch, secretary)
    client.force_login(auditor)
    body = client.get(reverse("cases:list"), {"stage": "applicant", "page": "1"}).content.decode()
    assert "?stage=applicant&amp;page=2" in body
    assert reverse("imports:export_cases") + "?stage=applicant" in body
