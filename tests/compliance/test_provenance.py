"""Self-recorded evidence is labelled "self-attested, not reviewed" in reports (issue 14, item 13)."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from compliance.evidence import (
    PROVENANCE_REVIEWED,
    PROVENANCE_SELF_ATTESTED,
    evidence_record,
    evidence_review,
)
from compliance.models import Report, Requirement
from compliance.reports import TEMPLATE, report_context
from compliance.requirements import load_requirements
from tests.factories import AgencyFactory, agency_officer, gsa_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded():
    load_requirements()
    agency = AgencyFactory(abbreviation="VA", name="Department of Veterans Affairs")
    officer = agency_officer(agency)
    requirement = Requirement.objects.filter(applies_to="every_agency", automatic_check="").order_by("code").first()
    evidence = evidence_record(actor=officer, requirement=requirement, agency=agency, status="met", notes="We say so.")
    report = Report.objects.create(agency=agency, framework="all", attested_by="x", attested_role="y")
    return {"agency": agency, "evidence": evidence, "requirement": requirement, "report": report}


def _row(recorded) -> str:
    html = render_to_string(TEMPLATE, report_context(recorded["report"], now=timezone.now()))
    return html.split(f"<td>{recorded['requirement'].code}</td>")[1].split("</tr>")[0]


def test_evidence_nobody_reviewed_is_labelled_self_attested(recorded):
    row = _row(recorded)

    assert "Met" in row and PROVENANCE_SELF_ATTESTED in row and PROVENANCE_REVIEWED not in row


def test_evidence_a_gsa_officer_reviewed_is_labelled_reviewed(recorded):
    evidence_review(actor=gsa_officer(), evidence=recorded["evidence"])

    row = _row(recorded)

    assert PROVENANCE_REVIEWED in row and PROVENANCE_SELF_ATTESTED not in row
