"""The run page and the API show each file's format and verdict, the Hub's scan, signatures; GSA records exceptions."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from compliance.models import ScanException
from compliance.tasks import verification_run_task
from compliance.verification import verification_start
from core.models import AuditEvent
from tests.compliance import model_files as m
from tests.compliance.conftest import write_tree
from tests.factories import AgencyFactory, DeploymentFactory, ModelVersionFactory, agency_officer, gsa_officer
from tests.standin_hub import pickle_scan_status

pytestmark = pytest.mark.django_db
FILES = {
    "config.json": b'{"auto_map": {"AutoModel": "modeling_x.XModel"}}',
    "modeling_x.py": b"class XModel: ...\n",
    "model.safetensors": m.safetensors_file(),
    "pytorch_model.bin": m.torch_zip(m.os_system_pickle()),
    "header-lies.safetensors": m.safetensors_file(lie_end=1 << 30),
    "embeddings.npy": m.numpy_object_array(),
    "evil.pkl": m.os_system_pickle(),
    "obfuscated.pkl": m.blocklist_bypass_pickle(),
    "plain.pt": m.torch_zip(m.state_dict_pickle()),
}
UNSAFE = {"pytorch_model.bin", "header-lies.safetensors", "embeddings.npy", "evil.pkl", "obfuscated.pkl"}


@pytest.fixture
def run(hub, model_root, settings):
    hub.publish(
        "acme/mixed",
        FILES,
        license="apache-2.0",
        security={"pytorch_model.bin": pickle_scan_status("unsafe", [("posix", "system", "dangerous")])},
    )
    agency = AgencyFactory(abbreviation="MIX")
    folder = write_tree(model_root / agency.abbreviation / "mixed", FILES)  # inside the agency's own root
    mv = ModelVersionFactory(repo_id="acme/mixed", revision="main", declared_license="apache-2.0")
    deployment = DeploymentFactory(agency=agency, model_version=mv, storage_path=str(folder))
    run = verification_start(deployment=deployment, requested_by=deployment.created_by)
    verification_run_task.apply(args=[run.pk])
    run.refresh_from_db()
    return run


def test_the_run_page_shows_each_verdict_the_hubs_scan_and_the_custom_code(run, client):
    client.force_login(run.deployment.created_by)

    page = client.get(reverse("compliance:run-detail", args=[run.pk])).content.decode()

    assert run.status == "failed" and run.count_unsafe == len(UNSAFE)
    assert "posix.system" in page and "pytorch-zip" in page
    assert "lies about its tensors" in page and "numpy" in page
    assert "unsafe (posix.system)" in page  # the Hub's own scan, beside ours
    assert "needs <code>trust_remote_code</code>" in page and "modeling_x.py" in page
    assert "operator.getitem" in page  # the chain picklescan's blocklist lets through
    assert "refused: 6 files" in page  # the five unsafe ones and plain.pt, a pickle beside safetensors
    assert "Record the exception" not in page  # agency officers cannot


def test_the_api_shows_the_same(run):
    api = APIClient()
    api.force_authenticate(run.deployment.created_by)

    files = api.get(reverse("api:verificationfileresult-list"), {"run": run.pk, "page_size": 50}).json()["results"]
    body = api.get(reverse("api:verificationrun-detail", args=[run.pk])).json()

    by_path = {f["path"]: f for f in files}
    assert by_path["pytorch_model.bin"]["format"] == "pytorch-zip"
    assert by_path["pytorch_model.bin"]["scan"]["verdict"] == "unsafe"
    assert by_path["pytorch_model.bin"]["hub_scan"]["status"] == "unsafe"
    assert by_path["model.safetensors"]["scan"]["verdict"] == "safe"
    assert by_path["embeddings.npy"]["scan"]["verdict"] == "unsafe"
    assert by_path["modeling_x.py"]["format"] == "python"
    assert {path for path, f in by_path.items() if f["scan"]["verdict"] == "unsafe"} == UNSAFE
    assert (by_path["plain.pt"]["scan"]["verdict"], by_path["plain.pt"]["policy"]) == (
        "safe",
        "pickle-format weights in a repo that also ships safetensors",
    )
    assert body["count_unsafe"] == len(UNSAFE) and body["policy_ok"] is False
    assert body["signature"] == {
        "present": False,
        "verified": None,
        "signer": None,
        "detail": "the repo ships no model.sig",
    }
    assert body["custom_code"]["needs_review"] is True


def test_gsa_records_an_exception_from_the_run_page_and_the_next_run_passes(run, client):
    gsa = gsa_officer()
    client.force_login(gsa)
    url = reverse("compliance:scan-exception-grant", args=[run.pk])
    page = client.get(reverse("compliance:run-detail", args=[run.pk])).content.decode()

    unconfirmed = client.post(url, {"reason": "Reviewed by the AI safety team"})
    recorded_unconfirmed = ScanException.objects.exists()
    response = client.post(url, {"reason": "Reviewed by the AI safety team", "confirm": "on"})
    again = verification_start(deployment=run.deployment, requested_by=gsa)
    verification_run_task.apply(args=[again.pk])
    again.refresh_from_db()

    assert (
        "Record the exception" in page
        and 'name="confirm"' in page
        and "checked" not in page.split('name="confirm"')[1][:40]
    )
    assert unconfirmed.status_code == 400 and not recorded_unconfirmed
    assert response.status_code == 302
    exception = ScanException.objects.get()
    assert exception.granted_by == gsa and exception.commit == run.manifest_commit
    assert AuditEvent.objects.filter(action="scan_exception.granted").count() == 1
    assert again.status == "passed" and again.policy_exception == exception and again.count_unsafe == len(UNSAFE)


def test_no_one_but_gsa_may_record_an_exception(run, client):
    url = reverse("compliance:scan-exception-grant", args=[run.pk])
    data = {"reason": "x", "confirm": "on"}

    anonymous = client.post(url, data)
    client.force_login(run.deployment.created_by)
    own_officer = client.post(url, data)
    client.force_login(agency_officer(DeploymentFactory().agency))
    other_officer = client.post(url, data)

    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert own_officer.status_code == 403 and other_officer.status_code == 403
    assert not ScanException.objects.exists()


def test_the_ai_bom_carries_each_files_format_and_verdict(run):
    from compliance.aibom import aibom_document

    document = aibom_document(model_version=run.model_version)

    files = {
        c["name"]: {p["name"]: p["value"] for p in c["properties"]} for c in document["components"][0]["components"]
    }
    assert files["pytorch_model.bin"]["onegov:file:format"] == "pytorch-zip"
    assert files["pytorch_model.bin"]["onegov:file:scan_verdict"] == "unsafe"
    assert files["pytorch_model.bin"]["onegov:file:hub_scan_status"] == "unsafe"
    assert files["model.safetensors"]["onegov:file:scan_verdict"] == "safe"
    assert files["model.safetensors"]["onegov:file:scanned_by"].startswith(f"verification run {run.pk} ")
