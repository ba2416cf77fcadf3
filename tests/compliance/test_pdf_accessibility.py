"""The report PDF is tagged for assistive technology (PDF/UA-1), read back with pypdf.

veraPDF, the reference PDF/UA validator, is a Java program published on neither PyPI nor Debian, so
this check reads the structure tree itself: the catalog marks the file as tagged, names its language
and shows its title, every page's content is in the tree, and every figure (the charts) has a text
alternative that states its figures.
"""

from io import BytesIO

import pytest
from pypdf import PdfReader

from compliance.evidence import evidence_record
from compliance.models import Requirement
from compliance.reports import report_generate, report_request
from compliance.requirements import load_requirements
from tests.factories import AgencyFactory, UseCaseFactory, agency_officer


def structure_elements(node, found: list[dict]) -> list[dict]:
    node = node.get_object()
    found.append(node)
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict) and "/S" in kid:
            structure_elements(kid, found)
    return found


@pytest.fixture
def agency_report_pdf(db):
    load_requirements()
    agency = AgencyFactory(name="Department of Energy", abbreviation="DOE", caio_designated_on="2025-05-01")
    officer = agency_officer(agency)
    UseCaseFactory(agency=agency, use_case_name="Grid forecasting")
    evidence_record(actor=officer, requirement=Requirement.objects.get(code="M21-11"), agency=agency, status="met")
    report = report_generate(report_id=report_request(requested_by=officer, agency=agency, framework="all").pk)
    return PdfReader(BytesIO(report.pdf.read()))


def test_the_report_is_a_tagged_pdf_with_language_and_title(agency_report_pdf):
    catalog = agency_report_pdf.trailer["/Root"]

    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert "compliance report" in agency_report_pdf.metadata.title
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()


def test_the_structure_tree_has_headings_tables_and_figures_with_text_alternatives(agency_report_pdf):
    elements = structure_elements(agency_report_pdf.trailer["/Root"]["/StructTreeRoot"], [])
    types = [element.get("/S") for element in elements]

    figures = [element for element in elements if element.get("/S") == "/Figure"]
    assert "/H1" in types and "/H2" in types and "/Table" in types and "/TH" in types
    assert len(figures) == 3
    alternatives = [str(figure.get("/Alt", "")) for figure in figures]
    assert alternatives[0].startswith("Requirements by status: Met ")
    assert any(text.startswith("Use cases by stage: Pre-deployment ") for text in alternatives)


def test_every_page_is_in_the_structure_tree(agency_report_pdf):
    parent_tree = agency_report_pdf.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"].get_object()
    pages = agency_report_pdf.pages

    assert all("/StructParents" in page for page in pages)
    assert len(parent_tree["/Nums"]) // 2 >= len(pages)
