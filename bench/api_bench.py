"""Benchmark of the API's main list endpoints against a bare DRF endpoint, in the same run.

Seeds 50,000 artifacts and 10,000 onboardings (fewer with --artifacts/--onboardings) into a fresh
database (a temporary SQLite file, or DATABASE_URL), then times GET requests at page size 100
through the whole Django stack (middleware, token authentication, permissions, throttling,
filters, pagination with its count) and prints, for each endpoint, the median latency and its
ratio to a bare DRF endpoint (AllowAny, no pagination, filters or throttles) serializing the same
100 rows from the same database with a plain ModelSerializer. Target: ratio <= 1.5.

    python bench/api_bench.py [--artifacts 50000] [--onboardings 10000] [--repeat 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure() -> None:
    work = tempfile.mkdtemp(prefix="api-bench-")
    os.environ.setdefault("REGISTRY_VAR_DIR", work)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.conf import settings

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "10000000/minute", "user": "10000000/minute", "expensive": "1000/minute"},
    }
    settings.DEBUG = False


def seed(artifacts: int, onboardings: int):
    """Bulk-insert the rows; returns a GSA officer and a read token key of theirs."""
    from agencies.models import Agency, Deployment, Onboarding, Role, User
    from agencies.tokens import api_token_create
    from catalog.models import Artifact, ModelVersion, Offering, Vendor

    vendor = Vendor.objects.create(name="Bench vendor")
    offerings = Offering.objects.bulk_create(
        Offering(vendor=vendor, name=f"Offering {i}", slug=f"offering-{i}", kind="open_weight", status="approved")
        for i in range(100)
    )
    versions = ModelVersion.objects.bulk_create(
        ModelVersion(offering=offerings[i % 100], name=f"Model {i}", repo_id=f"bench/model-{i}", declared_license="mit")
        for i in range(500)
    )
    per_version = max(artifacts // len(versions), 1)
    Artifact.objects.bulk_create(
        (
            Artifact(model_version=v, path=f"shard-{j:05d}.safetensors", size=j, is_lfs=True, sha256=f"{j:064x}")
            for v in versions
            for j in range(per_version)
        ),
        batch_size=2000,
    )
    agencies = Agency.objects.bulk_create(
        Agency(name=f"Agency {i}", abbreviation=f"AG{i}") for i in range(max(onboardings // 100, 1))
    )
    officers = User.objects.bulk_create(
        User(username=f"officer{i}", role=Role.AGENCY_OFFICER, agency=a) for i, a in enumerate(agencies)
    )
    Onboarding.objects.bulk_create(
        (
            Onboarding(agency=a, offering=o, state="requested", purpose="Bench.", requested_by=officers[i])
            for i, a in enumerate(agencies)
            for o in offerings
        ),
        batch_size=2000,
    )
    Deployment.objects.bulk_create(
        Deployment(
            agency=agencies[i % len(agencies)],
            model_version=versions[i % len(versions)],
            name=f"deployment-{i}",
            storage_path=f"/srv/models/d-{i}",
            created_by=officers[i % len(officers)],
        )
        for i in range(2000)
    )
    gsa = User.objects.create(username="bench-gsa", role=Role.GSA_OFFICER)
    _, key = api_token_create(actor=gsa, user=gsa, name="bench", scope="read")
    return gsa, key


def bare_urls(gsa):
    """A bare DRF endpoint per model: the same rows as the API's first page, plain serializer, nothing else."""
    from django.urls import path
    from rest_framework import serializers
    from rest_framework.permissions import AllowAny
    from rest_framework.response import Response
    from rest_framework.views import APIView

    from agencies.models import Deployment, Onboarding
    from agencies.selectors import deployment_list, onboarding_list
    from catalog.models import Artifact, ModelVersion
    from config import urls as project_urls

    def bare(model, queryset):
        class Bare(serializers.ModelSerializer):
            class Meta:
                fields = "__all__"

        Bare.Meta.model = model

        class View(APIView):
            authentication_classes, permission_classes, throttle_classes = [], [AllowAny], []

            def get(self, request):
                return Response(Bare(queryset()[:100], many=True).data)

        return View.as_view()

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [
        *project_urls.urlpatterns,
        path("bare/artifacts/", bare(Artifact, lambda: Artifact.objects.order_by("model_version_id", "path"))),
        path(
            "bare/onboardings/",
            bare(Onboarding, lambda: onboarding_list(user=gsa)),
        ),
        path(
            "bare/model-versions/",
            bare(ModelVersion, lambda: ModelVersion.objects.order_by("offering__name", "repo_id")),
        ),
        path(
            "bare/deployments/",
            bare(Deployment, lambda: deployment_list(user=gsa)),
        ),
    ]
    sys.modules["bench_urls"] = module
    return module


def median_ms(client, url: str, repeat: int, **headers) -> float:
    client.get(url, **headers)  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url, **headers)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples) * 1000


def paired_medians(client, api_url: str, bare_url: str, repeat: int, **headers) -> tuple[float, float, float, float]:
    """Median wall and CPU milliseconds of the API and the bare endpoint, requested alternately so that both
    see the same load on a shared machine. CPU time is this process's (the database server's is not in it)."""
    client.get(api_url, **headers)
    client.get(bare_url)
    walls: dict[str, list[float]] = {"api": [], "bare": []}
    cpus: dict[str, list[float]] = {"api": [], "bare": []}
    for _ in range(repeat):
        for key, url, extra in (("api", api_url, headers), ("bare", bare_url, {})):
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(url, **extra)
            walls[key].append(time.perf_counter() - wall)
            cpus[key].append(time.process_time() - cpu)
            assert response.status_code == 200, (url, response.status_code)
    median = lambda values: statistics.median(values) * 1000  # noqa: E731
    return median(walls["api"]), median(walls["bare"]), median(cpus["api"]), median(cpus["bare"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artifacts", type=int, default=50_000)
    parser.add_argument("--onboardings", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    configure()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    gsa, key = seed(args.artifacts, args.onboardings)
    print(f"seeded in {time.perf_counter() - started:.1f} s on {connection.vendor}")
    if connection.vendor == "postgresql":
        # What autovacuum does to a table after a bulk load: statistics for the planner, and the visibility
        # map that lets COUNT(*) read an index instead of every row. Without it the first minutes after the
        # seed measure a table no production database stays in.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    from agencies.models import Onboarding
    from catalog.models import Artifact

    print(f"artifacts: {Artifact.objects.count()}, onboardings: {Onboarding.objects.count()}")
    settings.ROOT_URLCONF = bare_urls(gsa).__name__
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    print(f"{'endpoint':<32}{'API ms':>10}{'bare ms':>10}{'ratio':>8}{'API cpu':>10}{'bare cpu':>10}{'ratio':>8}")
    for name in ("artifacts", "onboardings", "model-versions", "deployments"):
        api, bare, api_cpu, bare_cpu = paired_medians(
            client, f"/api/v1/{name}/?page_size=100", f"/bare/{name}/", args.repeat, **auth
        )
        print(
            f"/api/v1/{name}/?page_size=100".ljust(32)
            + f"{api:>10.1f}{bare:>10.1f}{api / bare:>8.2f}{api_cpu:>10.1f}{bare_cpu:>10.1f}{api_cpu / bare_cpu:>8.2f}"
        )
    print(f"{connection.vendor}, load average {os.getloadavg()} (a shared machine: wall times are noisy)")


if __name__ == "__main__":
    main()
