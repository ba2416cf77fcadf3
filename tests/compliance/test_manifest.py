"""Manifest sync (pinning, artifacts, drift) and the offline export/import round trip."""

import json

import pytest
from django.core.management import CommandError, call_command

from catalog.models import Artifact
from compliance.manifest import ManifestError, manifest_from_json, manifest_sync, stored_model
from compliance.models import HubManifest, ManifestDrift
from core.models import AuditEvent
from tests.factories import ModelVersionFactory

pytestmark = pytest.mark.django_db


def test_the_first_sync_pins_the_branch_to_its_commit_and_stores_artifacts(hub, small_model):
    commit = hub.publish("meta-llama/Tiny", small_model, license="llama3.1", gated="manual")
    model_version = ModelVersionFactory(repo_id="meta-llama/Tiny", revision="main")

    result = manifest_sync(model_version=model_version)

    model_version.refresh_from_db()
    assert result.pinned_now and model_version.pinned_sha == commit
    artifacts = {a.path: a for a in model_version.artifacts.all()}
    assert set(artifacts) == set(small_model)
    assert artifacts["model-00001-of-00002.safetensors"].is_lfs
    assert not artifacts["config.json"].is_lfs and artifacts["config.json"].git_sha1
    stored = HubManifest.objects.get(model_version=model_version)
    assert stored.license_ids == ["llama3.1"] and stored.gated == "manual" and stored.commit == commit
    assert AuditEvent.objects.filter(action="model_version.pinned").count() == 1
    assert AuditEvent.objects.filter(action="manifest.synced").count() == 1


def test_a_later_sync_keeps_the_pin_and_records_the_branch_moving(hub, small_model):
    first = hub.publish("org/m", small_model)
    model_version = ModelVersionFactory(repo_id="org/m", revision="main")
    manifest_sync(model_version=model_version)
    changed = dict(small_model, **{"config.json": b'{"hidden_size": 128}\n', "extra.txt": b"new"})
    second = hub.publish("org/m", changed, license="mit")

    result = manifest_sync(model_version=model_version)

    model_version.refresh_from_db()
    assert model_version.pinned_sha == first
    kinds = {d.kind: d for d in result.drifts}
    assert set(kinds) == {"branch_moved", "files_changed", "license_changed"}
    assert kinds["branch_moved"].upstream_commit == second
    assert kinds["files_changed"].details == {"added": ["extra.txt"], "removed": [], "changed": ["config.json"]}
    assert kinds["license_changed"].details == {"pinned": ["apache-2.0"], "upstream": ["mit"]}
    assert AuditEvent.objects.filter(action="manifest.drift").count() == 3


def test_the_same_drift_is_recorded_once(hub, small_model):
    hub.publish("org/m", small_model)
    model_version = ModelVersionFactory(repo_id="org/m", revision="main")
    manifest_sync(model_version=model_version)
    hub.publish("org/m", small_model)

    manifest_sync(model_version=model_version)
    again = manifest_sync(model_version=model_version)

    assert again.drifts == []
    assert ManifestDrift.objects.filter(kind="branch_moved").count() == 1


def test_a_version_pinned_to_a_commit_has_no_branch_to_move(hub, small_model):
    commit = hub.publish("org/m", small_model)
    model_version = ModelVersionFactory(repo_id="org/m", revision=commit)
    manifest_sync(model_version=model_version)
    hub.publish("org/m", {"a.txt": b"a"})

    result = manifest_sync(model_version=model_version)

    assert result.drifts == [] and model_version.artifacts.count() == len(small_model)


def test_export_then_import_round_trips_into_an_air_gapped_registry(hub, small_model, tmp_path):
    hub.publish("meta-llama/Tiny", small_model, license="llama3.1")
    connected = ModelVersionFactory(repo_id="meta-llama/Tiny", revision="main")
    call_command("sync_manifest", "meta-llama/Tiny")
    out = tmp_path / "tiny.manifest.json"
    call_command("export_manifest", "meta-llama/Tiny", "--output", str(out))
    connected.refresh_from_db()
    exported = stored_model(connected)
    # The enclave's registry: the same model version, never synced, and no Hub at all.
    HubManifest.objects.all().delete()
    Artifact.objects.all().delete()
    connected.pinned_sha = ""
    connected.save()
    hub.hang = True

    call_command("import_manifest", str(out))

    connected.refresh_from_db()
    imported = stored_model(connected)
    assert imported.files == exported.files and imported.commit == exported.commit
    assert imported.license.ids == ("llama3.1",)
    assert HubManifest.objects.get().source == "import"
    document = json.loads(out.read_text())
    assert document["schema"] == "onegov-registry/manifest/v1" and len(document["files"]) == len(small_model)


def test_importing_a_manifest_for_a_different_commit_is_refused(hub, small_model, tmp_path):
    hub.publish("org/m", small_model)
    model_version = ModelVersionFactory(repo_id="org/m", revision="main")
    manifest_sync(model_version=model_version)
    out = tmp_path / "m.json"
    call_command("export_manifest", "org/m", "--output", str(out))
    document = json.loads(out.read_text())
    document["commit"] = "f" * 40
    out.write_text(json.dumps(document))

    with pytest.raises(CommandError) as caught:
        call_command("import_manifest", str(out))

    assert caught.value.returncode == 2 and "No model version" in str(caught.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(schema="v0"), "schema"),
        (lambda d: d["files"][0].update(path="../etc/passwd"), "bad path"),
        (lambda d: d["files"][0].update(size=-1), "bad size"),
        (lambda d: d.update(commit="main"), "commit"),
        (lambda d: d.update(repo_id="../../x"), "repo id"),
    ],
)
def test_a_malformed_manifest_is_refused_with_the_reason(change, message):
    document = {
        "schema": "onegov-registry/manifest/v1",
        "repo_id": "org/m",
        "revision": "main",
        "commit": "a" * 40,
        "license": {"ids": ["mit"]},
        "files": [{"path": "config.json", "size": 2, "lfs": False, "git_sha1": "b" * 40}],
    }
    change(document)

    with pytest.raises(ManifestError, match=message):
        manifest_from_json(json.dumps(document))
