"""Who attests is the signed-in user, recorded by the registry, never typed (issue 14, item 6)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from compliance.models import Report
from compliance.reports import report_request
from compliance.requirements import load_requirements
from core.errors import PermissionRefused
from tests.factories import AgencyFactory, agency_officer, gsa_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def va():
    load_requirements()
    agency = AgencyFactory(abbreviation="VA", name="Department of Veterans Affairs")
    return agency, agency_officer(agency, first_name="Vera", last_name="Officer")


def test_a_typed_attester_is_refused_by_the_api(va):
    agency, officer = va
    client = APIClient()
    client.force_login(officer)
    body = {"framework": "all", "agency": agency.pk, "attested_by": "Administrator of General Services"}

    response = client.post(reverse("api:report-list"), body, format="json")

    assert response.status_code == 400 and "attested_by" in response.json()["error"]["details"]
    assert not Report.objects.exists()


def test_the_portal_form_has_no_attester_field_and_records_the_signed_in_officer(va, client):
    agency, officer = va
    client.force_login(officer)
    url = reverse("compliance:report-request")
    body = {
        "agency": str(agency.pk),
        "framework": "all",
        "attested_by": "Administrator of General Services",
        "attested_role": "Administrator",
    }

    page = client.get(url).content.decode()
    client.post(url, body)

    report = Report.objects.get()
    assert 'name="attested_by"' not in page and 'name="attested_role"' not in page
    assert (report.attester, report.attester_agency) == (officer, agency)
    assert report.attested_by == "Vera Officer" and report.attested_role == "Agency officer, VA"


def test_an_agency_officer_attests_only_for_their_own_agency_and_not_government_wide(va):
    agency, officer = va
    other = AgencyFactory(abbreviation="DOE")

    with pytest.raises(PermissionRefused):
        report_request(requested_by=officer, agency=other, framework="all")
    with pytest.raises(PermissionRefused):
        report_request(requested_by=officer, agency=None, framework="all")


def test_a_government_wide_report_is_attested_by_the_gsa_officer_who_asked(va):
    gsa = gsa_officer(username="grace")

    report = report_request(requested_by=gsa, agency=None, framework="all", enqueue=False)

    assert report.attester == gsa and report.attester_agency is None
    assert report.attested_by == "grace" and report.attested_role == "GSA officer"
