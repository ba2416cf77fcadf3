"""Bounded imports and uploads: size, rows, cell length, NUL bytes and JSON depth (issue 14, item 5)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from compliance.inventory import InventoryImportError, use_case_import
from compliance.models import UseCase
from compliance.validators import CsvLimitError, csv_rows_bounded
from tests.compliance.test_inventory import GOOD_ROW, csv_bytes
from tests.factories import AgencyFactory, gsa_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def gsa():
    AgencyFactory(abbreviation="DOE", name="Department of Energy")
    return gsa_officer()


def _refusal(gsa, data: bytes) -> str:
    with pytest.raises(InventoryImportError) as refused:
        use_case_import(actor=gsa, data=data)
    assert not UseCase.objects.exists()
    return refused.value.errors[0].message


def test_a_file_over_the_size_limit_is_refused_before_parsing(gsa, settings):
    settings.USE_CASE_IMPORT_MAX_BYTES = 4096

    message = _refusal(gsa, csv_bytes([GOOD_ROW]) + b"x" * 5000)

    assert "an import may be at most 4.0" in message


def test_a_file_with_too_many_rows_is_refused_and_nothing_is_saved(gsa, settings):
    settings.USE_CASE_IMPORT_MAX_ROWS = 3
    rows = [{**GOOD_ROW, "id": f"DOE-{n}"} for n in range(4)]

    message = _refusal(gsa, csv_bytes(rows))

    assert "more than 3 rows" in message


def test_a_cell_over_128_kib_is_a_clear_error_not_a_crash(gsa):
    message = _refusal(gsa, csv_bytes([{**GOOD_ROW, "problem_solved": "x" * (129 * 1024)}]))

    assert "a cell is longer than" in message


def test_nul_bytes_in_a_cell_are_refused(gsa):
    message = _refusal(gsa, csv_bytes([{**GOOD_ROW, "use_case_name": "a\x00b"}]))

    assert "NUL" in message


def test_the_limits_hold_for_text_too():
    with pytest.raises(CsvLimitError, match="more than 1 rows"):
        csv_rows_bounded("a,b\n1,2\n3,4\n", max_bytes=1000, max_rows=1, max_cell_chars=10)


def test_the_import_page_refuses_a_large_file_with_a_message(gsa, client, settings):
    settings.USE_CASE_IMPORT_MAX_BYTES = 2048
    client.force_login(gsa)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("inventory.csv", csv_bytes([GOOD_ROW]) + b"y" * 4096, content_type="text/csv")

    response = client.post(reverse("compliance:use-case-import"), {"file": upload})

    assert response.status_code == 400 and "an import may be at most" in response.content.decode()
    assert not UseCase.objects.exists()


def test_a_request_body_over_the_global_limit_is_refused_before_it_is_read(settings):
    settings.REQUEST_BODY_MAX_BYTES = 1024 * 1024
    body = b"x" * (1024 * 1024 + 1)

    response = Client().post(
        reverse("compliance:attestation-verify-json"), data=body, content_type="application/octet-stream"
    )

    assert response.status_code == 413


def test_the_anonymous_attestation_check_refuses_a_large_upload_before_reading_it():
    body = b"--b\r\nContent-Disposition: form-data; name=pdf; filename=x.pdf\r\n\r\n" + b"%PDF-" + b"0" * (11 << 20)

    response = Client().post(
        reverse("compliance:attestation-verify-json"), data=body, content_type="multipart/form-data; boundary=b"
    )

    assert response.status_code == 413 and "larger than 10 MB" in response.content.decode()


def test_deeply_nested_json_is_a_400_not_a_500_even_anonymously():
    body = '{"sha256": ' + "[" * 100_000 + "]" * 100_000 + "}"

    response = Client().post(reverse("api:attestation-verify"), data=body, content_type="application/json")

    assert response.status_code == 400 and "nested more than" in response.content.decode()


def test_the_api_attestation_check_refuses_a_large_upload_before_parsing_it():
    body = b"--b\r\nContent-Disposition: form-data; name=pdf; filename=x.pdf\r\n\r\n%PDF-" + b"0" * (11 << 20)

    response = Client().post(
        reverse("api:attestation-verify"), data=body, content_type="multipart/form-data; boundary=b"
    )

    assert response.status_code == 400 and "larger than 10 MB" in response.content.decode()


def test_deeply_nested_json_is_refused_for_a_signed_in_writer(client):
    client.force_login(gsa_officer())
    body = json.dumps({"name": "x", "notes": json.loads("[" * 40 + "]" * 40)})

    response = client.post(reverse("api:vendor-list"), data=body, content_type="application/json")

    assert response.status_code == 400 and "nested more than 32 levels" in response.content.decode()


def test_an_import_records_what_changed_in_each_row(gsa):
    use_case_import(actor=gsa, data=csv_bytes([GOOD_ROW]))
    from core.models import AuditEvent

    use_case_import(actor=gsa, data=csv_bytes([{**GOOD_ROW, "use_case_name": "Renamed"}]))

    use_case = UseCase.objects.get()
    created = AuditEvent.objects.get(action="use_case.import_created", object_id=str(use_case.pk))
    updated = AuditEvent.objects.get(action="use_case.import_updated", object_id=str(use_case.pk))
    assert created.after["use_case_name"] == GOOD_ROW["use_case_name"]
    assert updated.before == {"use_case_name": GOOD_ROW["use_case_name"]}
    assert updated.after == {"use_case_name": "Renamed"}
