"""Reads that matter leave a sealed record (who, what, when, from where) before they are served;
a read whose record cannot be written is refused, never served unrecorded."""

import pytest
from django.db import DatabaseError
from django.urls import reverse

from audit.models import ReadKind, ReadRecord
from audit.verify import verify_audit
from cases import services
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def material(case, secretary, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return services.upload_material(case=case, title="入党申请书", upload=f.pdf_upload(), actor=secretary)


def test_a_material_download_is_recorded(client, case, secretary, material):
    client.force_login(secretary)
    response = client.get(reverse("cases:material", args=[material.pk]), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    record = ReadRecord.objects.get()
    assert (record.user, record.kind, record.object_id, record.case_id, record.ip) == (
        secretary,
        ReadKind.MATERIAL,
        material.pk,
        case.pk,
        "10.1.2.3",
    )
    assert "入党申请书" in record.what and record.seal
    assert verify_audit().ok


def test_a_download_whose_record_cannot_be_written_is_refused(client, case, secretary, material, monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(ReadRecord.objects, "create", fail)
    client.force_login(secretary)
    response = client.get(reverse("cases:material", args=[material.pk]), follow=True)
    assert response.redirect_chain and response.redirect_chain[-1][0] == case.get_absolute_url()
    assert "本次下载被拒绝" in response.content.decode()
    assert not ReadRecord.objects.exists()


def test_an_invisible_material_is_a_404_and_records_nothing(client, outsider, material):
    client.force_login(outsider)
    assert client.get(reverse("cases:material", args=[material.pk])).status_code == 404
    assert not ReadRecord.objects.exists()
