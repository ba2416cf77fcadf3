#!/usr/bin/env python
"""Government-wide report vs a bare WeasyPrint table of the same rows, measured in the same run.

Builds a throw-away SQLite registry (56 agencies, 2,000 agency-hosted deployments each with a passed
verification run, 3,600 use cases; sizes are flags), then times:

1. the government-wide report end to end (`report_request` + `report_generate`: assessment of every
   agency, template, charts, WeasyPrint, storing the PDF and its sha256);
2. WeasyPrint rendering a bare HTML table of the same table rows (deployments, agencies and
   requirement tallies) with nothing but `table-layout: fixed` (a fair, fast baseline).

Each is run --repeat times, alternating; prints wall-clock and process CPU medians and their ratios
(target: at most 1.5).
Run: `python bench/report_bench.py`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import html
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.pop("DATABASE_URL", None)  # never write benchmark rows into a real database
os.environ["REGISTRY_VAR_DIR"] = tempfile.mkdtemp(prefix="report-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from weasyprint import HTML  # noqa: E402

from agencies.models import Agency, Deployment, Onboarding, Role, User  # noqa: E402
from catalog.models import Agreement, ModelVersion, Offering, Vendor  # noqa: E402
from compliance.models import UseCase, VerificationRun  # noqa: E402
from compliance.reports import report_generate, report_request  # noqa: E402
from compliance.requirements import load_requirements  # noqa: E402


def build(agency_count: int, deployment_count: int, use_case_count: int) -> None:
    load_requirements()
    user = User.objects.create(username="bench", role=Role.GSA_OFFICER)
    vendor = Vendor.objects.create(name="Meta")
    offering = Offering.objects.create(
        vendor=vendor, name="Llama", slug="llama", kind=Offering.Kind.OPEN_WEIGHT, status="approved"
    )
    Agreement.objects.create(offering=offering, title="OneGov Llama", source_url="https://example.gov/llama")
    versions = [
        ModelVersion.objects.create(
            offering=offering, name=f"Llama {n}", repo_id=f"meta-llama/Llama-bench-{n}", declared_license="llama3.1"
        )
        for n in range(8)
    ]
    agencies = Agency.objects.bulk_create(
        Agency(name=f"Bench Agency {n:03d}", abbreviation=f"BA{n:03d}", is_cfo_act=n < 24) for n in range(agency_count)
    )
    Onboarding.objects.bulk_create(
        Onboarding(
            agency=a, offering=offering, state="active", purpose="bench", requested_by=user, approved_by=user,
            no_training_on_agency_data=True, data_portability=True, ato_granted_on=dt.date(2025, 10, 1),
        )
        for a in agencies
    )  # fmt: skip
    deployments = Deployment.objects.bulk_create(
        Deployment(
            agency=agencies[n % agency_count], model_version=versions[n % len(versions)], name=f"deployment-{n:05d}",
            storage_path=f"/srv/models/bench/{n:05d}", created_by=user,
        )
        for n in range(deployment_count)
    )  # fmt: skip
    finished = timezone.now() - dt.timedelta(days=2)
    VerificationRun.objects.bulk_create(
        VerificationRun(
            deployment=d, model_version_id=d.model_version_id, status="passed", finished_at=finished,
            manifest_commit=f"{n:040x}", files_total=12, license_ok=True,
        )
        for n, d in enumerate(deployments)
    )  # fmt: skip
    practices = {
        "pre_deployment_testing": "Yes", "impact_assessment": "Yes", "independent_review": "CAIO Review",
        "ongoing_monitoring": "Yes - Monitoring Established", "operator_training": "Training Established",
        "fail_safe": "Yes", "appeal_process": "Appeal Process Established",
        "public_consultation": "['Usability Testing']",
    }  # fmt: skip
    UseCase.objects.bulk_create(
        UseCase(
            agency=agencies[n % agency_count], use_case_id=f"UC-{n:05d}", use_case_name=f"Use case {n}",
            development_stage="Deployed" if n % 2 else "Pilot",
            is_high_impact="High-impact" if n % 8 == 0 else "Not High-impact",
            topic_area=["Science", "Health and Medical", "Law Enforcement"][n % 3],
            **(practices if n % 16 == 0 else {}),
        )
        for n in range(use_case_count)
    )  # fmt: skip


def bare_table(report_html_rows: list[list[str]]) -> str:
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in report_html_rows)
    return (
        "<html><head><style>table{width:100%;table-layout:fixed;border-collapse:collapse}</style></head>"
        f"<body><table>{body}</table></body></html>"
    )


def same_rows() -> list[list[str]]:
    """The rows of the report's tables: deployments with their run, agencies and requirements."""
    rows = []
    runs = {r.deployment_id: r for r in VerificationRun.objects.all()}
    for d in Deployment.objects.select_related("agency", "model_version").order_by("agency__abbreviation", "name"):
        run = runs[d.pk]
        rows.append(
            [d.agency.abbreviation, d.name, d.model_version.repo_id, run.manifest_commit, str(run.files_total),
             "Passed", f"{run.finished_at:%Y-%m-%d}"]
        )  # fmt: skip
    rows += [[a.name, a.abbreviation, "0", "0", "0", "0", "0"] for a in Agency.objects.all()]
    from compliance.models import Requirement

    rows += [[r.code, r.title, str(r.deadline or ""), "0", "0", "0", "0"] for r in Requirement.objects.all()]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=56)
    parser.add_argument("--deployments", type=int, default=2000)
    parser.add_argument("--use-cases", type=int, default=3600)
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each; the medians are compared.")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    build(args.agencies, args.deployments, args.use_cases)

    rows = same_rows()
    HTML(string="<p>warm-up: fonts and caches load once per process</p>").write_pdf()
    baselines, reports = Timings(), Timings()
    for _ in range(args.repeat):
        # Alternate the two so that load from other processes on a shared machine hits both alike.
        with baselines.measure():
            baseline_pdf = HTML(string=bare_table(rows)).write_pdf()
        with reports.measure():
            report = report_generate(report_id=report_request(requested_by=None, framework="all", enqueue=False).pk)

    print(f"rows in the report's tables: {len(rows)} ({args.deployments} deployments, {args.use_cases} use cases)")
    print(f"bare table (table-layout: fixed), {len(baseline_pdf) / 1024:.0f} KiB: {baselines}")
    print(f"government-wide report, {report.size / 1024:.0f} KiB, {report.number} {report.status}: {reports}")
    wall = statistics.median(reports.wall) / statistics.median(baselines.wall)
    cpu = statistics.median(reports.cpu) / statistics.median(baselines.cpu)
    print(f"ratio of medians: wall {wall:.2f}x, CPU {cpu:.2f}x (target <= 1.5x)")


class Timings:
    """Wall-clock and process CPU time of each run. On a shared machine the CPU time of this process is the
    steadier measure: waiting for the CPU while other processes run shows in wall time only."""

    def __init__(self):
        self.wall: list[float] = []
        self.cpu: list[float] = []

    @contextlib.contextmanager
    def measure(self):
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.wall.append(time.perf_counter() - wall)
        self.cpu.append(time.process_time() - cpu)

    def __str__(self) -> str:
        return (
            f"wall median {statistics.median(self.wall):.2f} s ({_runs(self.wall)}), "
            f"CPU median {statistics.median(self.cpu):.2f} s ({_runs(self.cpu)})"
        )


def _runs(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


if __name__ == "__main__":
    main()
