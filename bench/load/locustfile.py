"""50 signed-in officers browsing the main pages and API lists (run through bench/load/run.sh).

API routes that do not exist yet (before the API is merged) are left out at start-up and listed,
unless LOAD_EXPECT_API=1, in which case every API route is hit and a 404 counts as an error.
At the end it prints requests per second, p50 and p99 latency and the error count.
"""

from __future__ import annotations

import os
import random
import re
import urllib.error
import urllib.request

from locust import HttpUser, between, events, task
from locust.stats import StatsEntry

# The portal's main pages (issue 5) as a signed-in GSA officer sees them, and the sign-in pages.
PAGES = ["/", "/catalog/", "/agencies/", "/onboardings/", "/deployments/", "/audit/"]
PAGES += ["/accounts/login/", "/admin/login/"]
API_LISTS = ["/api/v1/offerings/", "/api/v1/onboardings/", "/api/v1/deployments/", "/api/v1/artifacts/"]
USERNAME = os.environ.get("LOAD_USERNAME", "gsa.officer")
PASSWORD = os.environ.get("LOAD_PASSWORD", "demo-gsa-officer-pass")
EXPECT_API = os.environ.get("LOAD_EXPECT_API", "0") == "1"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
present_api: list[str] = []


def _exists(host: str, path: str) -> bool:
    try:
        urllib.request.urlopen(host + path, timeout=10)  # noqa: S310 (our own gunicorn on loopback)
    except urllib.error.HTTPError as error:
        return error.code != 404
    return True


@events.test_start.add_listener
def _find_api_routes(environment, **kwargs):
    present_api[:] = API_LISTS if EXPECT_API else [p for p in API_LISTS if _exists(environment.host, p)]
    absent = sorted(set(API_LISTS) - set(present_api))
    print(f"API routes hit: {present_api or 'none'}; absent and left out: {absent or 'none'}")


def _line(label: str, entry) -> str:
    return (
        f"LOAD RESULT ({label}): requests={entry.num_requests} rps={entry.total_rps:.1f} "
        f"p50_ms={entry.get_response_time_percentile(0.5):.0f} p99_ms={entry.get_response_time_percentile(0.99):.0f} "
        f"errors={entry.num_failures}"
    )


@events.quitting.add_listener
def _print_summary(environment, **kwargs):
    stats = environment.stats
    # The 50 sign-ins at start hash 50 passwords at once (PBKDF2, deliberately slow): shown apart from browsing.
    browsing = StatsEntry(stats, "browsing", "")
    for (name, _method), entry in stats.entries.items():
        if not name.endswith("(sign in)"):
            browsing.extend(entry)
    print(_line("all requests", stats.total))
    print(_line("pages and API lists, without the sign-ins", browsing))
    for (name, method), entry in sorted(stats.entries.items()):
        print(
            f"  {method:5} {name:28} n={entry.num_requests:6} rps={entry.total_rps:7.1f} "
            f"p50={entry.get_response_time_percentile(0.5):5.0f} p99={entry.get_response_time_percentile(0.99):5.0f} "
            f"errors={entry.num_failures}"
        )
    for error in stats.errors.values():
        print(f"  ERROR {error.method} {error.name}: {error.error} ×{error.occurrences}")


class Officer(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        page = self.client.get("/accounts/login/", name="/accounts/login/ (sign in)")
        token = CSRF.search(page.text)
        self.client.post(
            "/accounts/login/",
            {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="/accounts/login/ (sign in)",
        )

    @task(3)
    def page(self):
        self.client.get(random.choice(PAGES))  # noqa: S311

    @task(4)
    def api_list(self):
        if present_api:
            self.client.get(random.choice(present_api), headers={"Accept": "application/json"})  # noqa: S311
        else:
            self.client.get("/")
