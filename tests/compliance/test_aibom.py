"""AI bill of materials: CycloneDX 1.6 documents that validate and carry the manifest's hashes."""

import datetime as dt
import hashlib
import json

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from catalog.models import ModelVersion, Vendor
from compliance.aibom import aibom_document, aibom_license
from compliance.manifest import manifest_sync
from compliance.models import VerificationRun
from compliance.verification import verification_execute, verification_start
from core.errors import PermissionRefused
from tests.compliance.conftest import write_tree
from tests.factories import (
    AgencyFactory,
    ArtifactFactory,
    DeploymentFactory,
    ModelVersionFactory,
    OfferingFactory,
    agency_officer,
    auditor,
)

pytestmark = pytest.mark.django_db
COMMIT = "0e9e39f249a16976918f6564b8830bc894c89659"


def _llama(repo_id="meta-llama/Llama-3.1-8B", license_id="llama3.1") -> ModelVersion:
    vendor, _ = Vendor.objects.get_or_create(name="Meta", defaults={"website": "https://about.meta.com"})
    offering = OfferingFactory(vendor=vendor)
    version = ModelVersionFactory(
        offering=offering,
        name="Llama 3.1 8B",
        repo_id=repo_id,
        pinned_sha=COMMIT,
        declared_license=license_id,
        parameter_count=8_000_000_000,
        release_date=dt.date(2024, 7, 23),
    )
    for index in (1, 2):
        ArtifactFactory(
            model_version=version,
            path=f"model-0000{index}-of-00002.safetensors",
            size=4_976_698_672 + index,
            is_lfs=True,
            sha256=f"{index}" * 64,
            git_sha1="",
        )
    ArtifactFactory(model_version=version, path="config.json", size=826, git_sha1="c" * 40)
    return version


def _export(tmp_path, *args) -> dict:
    out = tmp_path / "aibom.json"
    call_command("export_aibom", *args, "--out", str(out))
    text = out.read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    return json.loads(text)


def _models(document: dict) -> list[dict]:
    return [c for c in document["components"] if c["type"] == "machine-learning-model"]


def _properties(component: dict) -> dict[str, str]:
    return {p["name"]: p["value"] for p in component.get("properties", [])}


def test_a_model_version_document_validates_and_describes_the_pinned_model(tmp_path):
    version = _llama()

    document = _export(tmp_path, "--model-version", str(version.pk))

    assert (document["bomFormat"], document["specVersion"]) == ("CycloneDX", "1.6")
    [model] = _models(document)
    assert model["purl"].startswith(f"pkg:huggingface/meta-llama/Llama-3.1-8B@{COMMIT}")
    assert (model["group"], model["name"], model["version"]) == ("meta-llama", "Llama-3.1-8B", COMMIT)
    assert model["supplier"]["name"] == "Meta"
    assert model["licenses"] == [
        {
            "license": {
                "name": "Llama 3.1 Community License Agreement",
                "url": "https://www.llama.com/llama3_1/license/",
                "acknowledgement": "declared",
            }
        }
    ]
    hub = settings.HF_ENDPOINT
    references = {r["type"]: r["url"] for r in model["externalReferences"]}
    assert references["distribution"] == f"{hub}/meta-llama/Llama-3.1-8B/tree/{COMMIT}"
    assert references["model-card"] == f"{hub}/meta-llama/Llama-3.1-8B/blob/{COMMIT}/README.md"
    facts = _properties(model)
    assert facts["onegov:model:parameter_count"] == "8000000000"
    assert facts["onegov:model:release_date"] == "2024-07-23"
    assert facts["onegov:model:declared_license"] == "llama3.1"


def test_the_file_hashes_equal_the_manifest(tmp_path):
    version = _llama()

    [model] = _models(_export(tmp_path, "--model-version", str(version.pk)))

    files = {f["name"]: f for f in model["components"]}
    assert set(files) == set(version.artifacts.values_list("path", flat=True))
    for artifact in version.artifacts.all():
        entry = files[artifact.path]
        if artifact.is_lfs:
            assert entry["hashes"] == [{"alg": "SHA-256", "content": artifact.sha256}]
        else:
            assert "hashes" not in entry
            assert _properties(entry)["onegov:file:git_blob_sha1"] == artifact.git_sha1
        assert _properties(entry)["onegov:file:size"] == str(artifact.size)


@pytest.mark.parametrize(
    ("hub_id", "expected"),
    [
        ("apache-2.0", {"id": "Apache-2.0"}),
        ("mit", {"id": "MIT"}),
        ("llama2", {"name": "Llama 2 Community License Agreement"}),
        ("llama4", {"name": "Llama 4 Community License Agreement"}),
        ("gemma", {"name": "Gemma Terms of Use"}),
        ("other", {"name": "License declared on the Hugging Face Hub as 'other' (see the model card)"}),
    ],
)
def test_a_license_is_an_spdx_id_or_a_named_license_never_unknown(hub_id, expected):
    license = aibom_license(hub_id, repo_url="https://huggingface.co/org/model")

    assert {key: getattr(license, key) for key in expected} == expected
    assert "unknown" not in str(license.name or license.id).lower()


def test_an_agency_document_lists_its_deployments_with_their_latest_verification(tmp_path):
    agency, other = AgencyFactory(abbreviation="DOE"), AgencyFactory(abbreviation="DOJ")
    version = _llama()
    prod = DeploymentFactory(agency=agency, model_version=version, name="llama-prod")
    DeploymentFactory(agency=agency, model_version=version, name="llama-staging", environment="staging")
    DeploymentFactory(agency=other, model_version=_llama("meta-llama/Llama-3.2-1B", "llama3.2"), name="doj-only")
    for day, status in ((1, "failed"), (2, "passed")):
        VerificationRun.objects.create(
            deployment=prod,
            model_version=version,
            status=status,
            finished_at=dt.datetime(2026, 11, day, tzinfo=dt.UTC),
            manifest_commit=COMMIT,
            license_ok=True,
            count_mismatch=0 if status == "passed" else 1,
        )

    document = _export(tmp_path, "--agency", "DOE")

    [model] = _models(document)
    assert model["purl"].endswith(f"Llama-3.1-8B@{COMMIT}")
    facts = _properties(model)
    assert facts["onegov:deployment:llama-prod:verification_status"] == "passed"
    assert facts["onegov:deployment:llama-prod:verified_at"] == "2026-11-02T00:00:00+00:00"
    assert facts["onegov:deployment:llama-staging:verification_status"] == "never verified"
    assert facts["onegov:deployment:llama-staging:environment"] == "staging"
    assert document["metadata"]["component"]["name"] == "DOE AI deployments"
    dependencies = {d["ref"]: d.get("dependsOn", []) for d in document["dependencies"]}
    assert dependencies["agency-DOE"] == [model["bom-ref"]]


def test_an_agency_without_deployments_gets_a_valid_empty_document(tmp_path):
    AgencyFactory(abbreviation="NSF")

    document = _export(tmp_path, "--agency", "NSF")

    assert document.get("components", []) == []


def test_an_officer_of_another_agency_cannot_read_an_agencys_document():
    agency, other = AgencyFactory(), AgencyFactory()

    with pytest.raises(PermissionRefused):
        aibom_document(agency=agency, actor=agency_officer(other))
    assert aibom_document(agency=agency, actor=auditor())["specVersion"] == "1.6"
    assert aibom_document(agency=agency, actor=agency_officer(agency))["specVersion"] == "1.6"


def test_the_command_needs_exactly_one_known_subject(tmp_path):
    version = _llama()
    out = str(tmp_path / "x.json")

    with pytest.raises(CommandError, match="not allowed with"):
        call_command("export_aibom", "--model-version", str(version.pk), "--agency", "DOE", "--out", out)
    with pytest.raises(CommandError, match="one of the arguments"):
        call_command("export_aibom", "--out", out)
    with pytest.raises(CommandError, match="No agency"):
        call_command("export_aibom", "--agency", "NOPE", "--out", out)
    with pytest.raises(CommandError, match="No model version"):
        call_command("export_aibom", "--model-version", "999999", "--out", out)
    assert not (tmp_path / "x.json").exists()


@override_settings(HF_ENDPOINT="https://huggingface.co")
def test_the_purl_names_the_public_hub_without_a_qualifier(tmp_path):
    version = _llama()

    [model] = _models(_export(tmp_path, "--model-version", str(version.pk)))

    assert model["purl"] == f"pkg:huggingface/meta-llama/Llama-3.1-8B@{COMMIT}"


@override_settings(HF_ENDPOINT="https://hub-mirror.example.gov")
def test_a_mirror_is_named_in_the_purl_and_an_unpinned_version_has_no_purl_version(tmp_path):
    version = _llama()
    ModelVersion.objects.filter(pk=version.pk).update(pinned_sha="")

    [model] = _models(_export(tmp_path, "--model-version", str(version.pk)))

    assert model["purl"] == ("pkg:huggingface/meta-llama/Llama-3.1-8B?repository_url=https://hub-mirror.example.gov")
    assert _properties(model)["onegov:model:pinned_commit"] == "not pinned yet (no manifest sync)"
    assert model["version"] == "main"


def test_a_synced_and_verified_model_exports_the_hubs_hashes_and_the_real_verification_status(
    tmp_path, hub, model_root, small_model
):
    """End to end: the stand-in Hub → manifest_sync → Artifact rows → a real verification run → the AI-BOM."""
    commit = hub.publish("meta-llama/Tiny", small_model, license="llama3.1")
    version = ModelVersionFactory(repo_id="meta-llama/Tiny", revision="main", declared_license="llama3.1")
    manifest_sync(model_version=version)
    agency = AgencyFactory(abbreviation="DOE")
    deployment = DeploymentFactory(
        agency=agency,
        model_version=version,
        name="tiny-prod",
        storage_path=str(write_tree(model_root / "DOE" / "tiny", small_model)),
    )
    run = verification_start(deployment=deployment, requested_by=deployment.created_by)
    verification_execute(run_id=run.pk)

    [model] = _models(_export(tmp_path, "--agency", "DOE"))

    files = {f["name"]: f for f in model["components"]}
    artifacts = {a.path: a for a in version.artifacts.all()}
    assert set(files) == set(artifacts) == set(small_model)
    for path, data in small_model.items():
        entry, artifact = files[path], artifacts[path]
        if artifact.is_lfs:
            assert entry["hashes"] == [{"alg": "SHA-256", "content": artifact.sha256}]
            assert artifact.sha256 == hashlib.sha256(data).hexdigest()
        else:
            assert "hashes" not in entry
            assert _properties(entry)["onegov:file:git_blob_sha1"] == artifact.git_sha1
            assert artifact.git_sha1 == hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    assert sum(artifact.is_lfs for artifact in artifacts.values()) == 2
    assert model["version"] == commit and f"/meta-llama/Tiny@{commit}?repository_url=" in model["purl"]
    facts = _properties(model)
    run.refresh_from_db()
    assert run.status == VerificationRun.Status.PASSED, run.error_message
    assert facts["onegov:deployment:tiny-prod:verification_status"] == "passed"
    assert facts["onegov:deployment:tiny-prod:verification_run"] == str(run.pk)
    assert facts["onegov:deployment:tiny-prod:verified_commit"] == commit
    assert facts["onegov:deployment:tiny-prod:verified_commit_is_pinned"] == "true"


def test_the_aibom_says_which_files_the_latest_run_hashed_and_which_it_trusted_unchanged(
    tmp_path, hub, model_root, small_model
):
    hub.publish("meta-llama/Tiny", small_model, license="llama3.1")
    version = ModelVersionFactory(repo_id="meta-llama/Tiny", revision="main", declared_license="llama3.1")
    deployment = DeploymentFactory(
        agency=AgencyFactory(abbreviation="DOE"),
        model_version=version,
        name="tiny-prod",
        storage_path=str(write_tree(model_root / "DOE" / "tiny", small_model)),
    )
    for _ in range(2):
        run = verification_start(deployment=deployment, requested_by=deployment.created_by)
        verification_execute(run_id=run.pk)

    facts = _properties(_models(_export(tmp_path, "--agency", "DOE"))[0])

    assert facts["onegov:deployment:tiny-prod:verification_run"] == str(run.pk)
    assert facts["onegov:deployment:tiny-prod:verification_files_hashed"] == "0"
    assert facts["onegov:deployment:tiny-prod:verification_files_unchanged_since_earlier_hash"] == str(len(small_model))
    assert facts["onegov:deployment:tiny-prod:verification_full_hash"] == "false"


def test_a_run_of_the_model_version_a_deployment_ran_before_is_not_its_status(tmp_path):
    agency = AgencyFactory(abbreviation="DOE")
    old, new = _llama(), _llama("meta-llama/Llama-3.2-1B", "llama3.2")
    deployment = DeploymentFactory(agency=agency, model_version=old, name="llama-prod")
    VerificationRun.objects.create(
        deployment=deployment,
        model_version=old,
        status="passed",
        finished_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        manifest_commit=COMMIT,
        license_ok=True,
    )
    deployment.model_version = new
    deployment.save()

    [model] = _models(_export(tmp_path, "--agency", "DOE"))

    assert model["name"] == "Llama-3.2-1B"
    assert _properties(model)["onegov:deployment:llama-prod:verification_status"] == "never verified"
