"""Schemathesis against the live schema, with a GSA officer's write token: no server error, no response
that breaks the schema. The example count is kept small so that the run takes a minute or two."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agencies.models import ApiToken
from agencies.tokens import api_token_create
from tests.api.conftest import _agency_records
from tests.factories import AgreementFactory, ArtifactFactory, ModelVersionFactory, OfferingFactory, gsa_officer

MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10")


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(600)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_server, tmp_path):
    offering = OfferingFactory()
    version = ModelVersionFactory(offering=offering)
    AgreementFactory(offering=offering)
    ArtifactFactory(model_version=version)
    _agency_records(offering, version, "A")
    user = gsa_officer()
    _, key = api_token_create(actor=user, user=user, name="schemathesis", scope=ApiToken.Scope.WRITE)
    cli = Path(sys.executable).with_name("schemathesis")

    result = subprocess.run(
        [
            str(cli),
            "run",
            f"{live_server.url}/api/v1/schema/",
            "--header",
            f"Authorization: Token {key}",
            "--checks",
            "not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance",
            "--max-examples",
            MAX_EXAMPLES,
            "--phases",
            "examples,fuzzing",
            "--workers",
            "1",
            "--seed",
            "4",
            "--generation-database",
            "none",
            "--request-timeout",
            "30",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=540,
        cwd=tmp_path,
    )

    report = result.stdout[result.stdout.find("FAILURES") :] if "FAILURES" in result.stdout else result.stdout
    assert result.returncode == 0, report[:20000] + result.stderr[-2000:]
