"""Playwright driving Debian's Chromium against Django's live server.

The tests skip, saying why, when /usr/bin/chromium or axe-core (node_modules) is absent;
scripts/setup.sh installs both, so in CI they run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

# The stand-in Hub and model folder fixtures of the verification tests, for the end-to-end test.
from tests.compliance.conftest import hub, model_root, small_model, standin_hub_server  # noqa: F401

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a
# thread with a running loop unless told that this is safe, which it is for these tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Browser tests need Debian's Chromium at /usr/bin/chromium (scripts/setup.sh installs it).")
    if not AXE.exists():
        pytest.skip("Browser tests need axe-core from npm (scripts/setup.sh runs npm ci).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # bypass_csp lets the test inject axe-core; the pages themselves still run under the site's CSP.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page and return its serious and critical violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "targets": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def csp_page(browser):
    """A page under the site's real CSP (no bypass), collecting every CSP violation it reports.

    Chromium logs each refused inline script or style to the console; the init script (added by
    the DevTools protocol, which the CSP does not govern) also reports securitypolicyviolation events.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.csp_violations = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and page.csp_violations.append(message.text),
    )
    yield page
    context.close()


@pytest.fixture
def registry_worker(transactional_db, live_server):
    """A real Celery worker: the project's app, solo pool, in a thread of this process, on the configured broker.

    It consumes what the live server sends after commit (the filesystem broker on the embedded
    default, Redis in CI) and runs the real tasks against the test database. SQLite's in-memory test
    database exists only inside this process and is shared through one connection, as Django's live
    server shares it; so the worker's thread is given that connection before each task. On
    PostgreSQL the worker has its own connections, closed after each task so the database can be
    emptied and dropped.
    """
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun, task_prerun
    from django.db import connections

    from config.celery import app

    shared = {
        alias: connections[alias]
        for alias in connections
        if connections[alias].vendor == "sqlite" and connections[alias].is_in_memory_db()
    }

    def share_connections(**kwargs):
        for alias, connection in shared.items():
            connections[alias] = connection

    def close_connections(**kwargs):
        if not shared:
            connections.close_all()

    for connection in shared.values():
        connection.inc_thread_sharing()
    task_prerun.connect(share_connections, weak=False)
    task_postrun.connect(close_connections, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=60):
            yield app
    finally:
        task_prerun.disconnect(share_connections)
        task_postrun.disconnect(close_connections)
        for connection in shared.values():
            connection.dec_thread_sharing()
