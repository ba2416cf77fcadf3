"""The report fetcher: user text fetches nothing (no file, no address, no attachment), our own static files load."""

import http.server
import threading
from pathlib import Path

import pytest
from django.test import TestCase

from compliance.evidence import evidence_record
from compliance.models import Requirement
from compliance.pdf import REPORT_STATIC_DIR, RefusedFetch, ReportURLFetcher, html_to_pdf
from compliance.reports import report_generate, report_request
from compliance.requirements import load_requirements
from tests.factories import AgencyFactory, UseCaseFactory, agency_officer


class CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        CountingHandler.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    CountingHandler.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def canary(tmp_path):
    path = tmp_path / "canary.txt"
    path.write_text("CANARY-SECRET-7f3a")
    return path


def payloads(base: str, canary: Path) -> str:
    return (
        f'<img src="{base}/img.png"><link rel="attachment" href="{canary.as_uri()}">'
        f'</style><style>@import url("{base}/x.css"); body {{ background: url({base}/bg.png) }}</style>'
        f'<svg><image href="{base}/svg.png"/></svg><iframe src="{canary.as_uri()}"></iframe>'
    )


@pytest.mark.django_db
def test_user_text_with_file_and_http_references_fetches_nothing(listener, canary):
    load_requirements()
    evil = payloads(listener, canary)
    agency = AgencyFactory(name=f"Agency {evil[:150]}", caio_name=evil[:200], caio_designated_on="2025-05-01")
    officer = agency_officer(agency)
    UseCaseFactory(agency=agency, use_case_name=evil[:500], topic_area=evil[:100])
    evidence_record(
        actor=officer, requirement=Requirement.objects.get(code="M21-11"), agency=agency, status="met", notes=evil
    )

    report = report_generate(report_id=report_request(requested_by=officer, agency=agency, framework="all").pk)

    pdf = report.pdf.read()
    assert report.status == "issued"
    assert CountingHandler.hits == []
    assert b"/EmbeddedFile" not in pdf
    assert b"CANARY-SECRET" not in pdf


def test_the_fetcher_fails_closed_on_a_reference_in_our_own_html(listener, canary):
    html = f'<p>x</p><img src="{listener}/img.png">'

    with pytest.raises(RefusedFetch):
        html_to_pdf(html)

    assert CountingHandler.hits == []


def test_the_fetcher_refuses_files_outside_the_report_static_folder(canary):
    fetcher = ReportURLFetcher()

    with pytest.raises(RefusedFetch):
        fetcher.fetch(canary.as_uri())
    with pytest.raises(RefusedFetch):
        fetcher.fetch((REPORT_STATIC_DIR / ".." / ".." / ".." / "manage.py").as_uri())
    assert len(fetcher.refused) == 2


def test_the_fetcher_loads_our_stylesheet_and_data_urls():
    fetcher = ReportURLFetcher()

    css = fetcher.fetch((REPORT_STATIC_DIR / "report.css").as_uri()).read()
    data = fetcher.fetch("data:text/plain,hello").read()

    assert b"table-layout: fixed" in css
    assert data == b"hello"


class NoAttachmentTests(TestCase):
    def test_an_attachment_link_in_our_html_aborts_instead_of_embedding(self):
        html = '<link rel="attachment" href="file:///etc/hostname"><p>x</p>'

        with self.assertRaises(RefusedFetch):
            html_to_pdf(html)
