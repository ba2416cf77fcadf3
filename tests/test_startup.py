"""Start-up stays light: loading the apps and the URLconf imports no heavy module that only some work needs.

Each check runs in a fresh interpreter (this test process has long imported everything), as a command does.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Modules that cost a large share of a second or more to import and that only some work needs.
HEAVY = ["weasyprint", "cyclonedx", "huggingface_hub", "celery", "compliance.tasks", "config.celery", "tqdm"]
# The views import the services, which send jobs through Celery; these three only render or talk to the Hub.
HEAVY_FOR_VIEWS = ["weasyprint", "cyclonedx", "huggingface_hub"]

PROBE = """
import json, sys
import django
django.setup()
loaded_by_setup = [m for m in {heavy} if m in sys.modules]
{then}
print(json.dumps({{"setup": loaded_by_setup, "then": [m for m in {heavy} if m in sys.modules]}}))
"""


def probe(then: str = "") -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    code = PROBE.format(heavy=HEAVY, then=then)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_django_setup_imports_no_weasyprint_nor_any_other_heavy_module():
    loaded = probe()

    assert "weasyprint" not in loaded["setup"]
    assert loaded["setup"] == []


def test_importing_every_url_and_view_imports_neither_weasyprint_nor_cyclonedx_nor_the_hub_client():
    loaded = probe("import config.urls")

    assert [m for m in loaded["then"] if m in HEAVY_FOR_VIEWS] == []


def test_rendering_a_report_still_finds_weasyprint():
    loaded = probe("from compliance.reports import render_pdf\nimport compliance.pdf")

    assert "weasyprint" in loaded["then"]


@pytest.mark.parametrize("command", ["verify_model", "verify_deployment", "export_aibom", "verify_audit_log"])
def test_operator_commands_skip_the_system_checks(command):
    from django.core.management import load_command_class

    app = "compliance"

    assert load_command_class(app, command).requires_system_checks == []
