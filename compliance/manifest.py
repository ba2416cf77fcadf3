"""Manifests of model versions: sync from the Hub (pinning and drift), and offline export/import as JSON.

A manifest is the list of files a model version holds at its pinned commit, with their sizes and
checksums (catalog.Artifact rows), plus the Hub's license and gating (compliance.HubManifest).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from catalog.models import Artifact, ModelVersion
from compliance.hub import (
    COMMIT_RE,
    SHA256_RE,
    HubClient,
    HubModel,
    LicenseInfo,
    ManifestFile,
    validate_repo_id,
)
from compliance.models import HubManifest, ManifestDrift
from core.audit import audit_record

SCHEMA_ID = "onegov-registry/manifest/v1"
SHA1_RE = COMMIT_RE


class ManifestError(Exception):
    """A manifest file or a stored manifest that cannot be used."""


@dataclass
class SyncResult:
    model_version: ModelVersion
    commit: str
    pinned_now: bool = False
    drifts: list[ManifestDrift] = field(default_factory=list)


def stored_model(model_version: ModelVersion) -> HubModel | None:
    """The manifest stored for a model version at its pinned commit, or None before the first sync."""
    stored = HubManifest.objects.filter(model_version=model_version).first()
    if stored is None or not model_version.pinned_sha:
        return None
    files = tuple(
        ManifestFile(
            path=a.path, size=a.size, sha256=a.sha256 if a.is_lfs else "", git_sha1="" if a.is_lfs else a.git_sha1
        )
        for a in model_version.artifacts.order_by("path")
    )
    return HubModel(
        repo_id=model_version.repo_id,
        revision=model_version.revision,
        commit=model_version.pinned_sha,
        files=files,
        license=LicenseInfo(ids=tuple(stored.license_ids), name=stored.license_name, link=stored.license_link),
        gated=stored.gated,
    )


def file_changes(old: tuple[ManifestFile, ...], new: tuple[ManifestFile, ...]) -> dict[str, list[str]]:
    before, after = {f.path: f for f in old}, {f.path: f for f in new}
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "changed": sorted(p for p in set(before) & set(after) if before[p] != after[p]),
    }


def manifest_sync(*, model_version: ModelVersion, actor: Any = None, client: HubClient | None = None) -> SyncResult:
    """Fetch a model version's manifest at its pinned commit, store it, and record upstream drift.

    1. Ask the Hub (outside any transaction): the pinned commit, or the revision on first sync, which
       pins it; when the revision is a branch or tag, also where it points now.
    2. Compare with what is stored: files changed at the pinned commit, the branch moved, the files
       or the license differ at the branch head. Each is a ManifestDrift row (unique per observation).
    3. Store artifacts and license and write the audit events, in one transaction.
    """
    client = client or HubClient()
    repo_id = validate_repo_id(model_version.repo_id)
    pinned = model_version.pinned_sha
    at_pin = client.model(repo_id, revision=pinned or model_version.revision)
    head = None
    if pinned and model_version.revision != pinned:
        head = client.model(repo_id, revision=model_version.revision)
    previous = stored_model(model_version)
    with transaction.atomic():
        result = SyncResult(model_version=model_version, commit=at_pin.commit, pinned_now=not pinned)
        if previous is not None:
            result.drifts += _record_drifts(model_version, previous, at_pin, head)
        _store(model_version, at_pin, source=HubManifest.Source.HUB, actor=actor)
    return result


def _record_drifts(mv: ModelVersion, previous: HubModel, at_pin: HubModel, head: HubModel | None) -> list:
    drifts = []
    pinned = mv.pinned_sha
    changes = file_changes(previous.files, at_pin.files)
    if any(changes.values()):
        drifts.append(_drift(mv, ManifestDrift.Kind.FILES_CHANGED, pinned, at_pin.commit, changes))
    if previous.license.ids != at_pin.license.ids:
        details = {"stored": list(previous.license.ids), "hub": list(at_pin.license.ids)}
        drifts.append(_drift(mv, ManifestDrift.Kind.LICENSE_CHANGED, pinned, at_pin.commit, details))
    if head is not None and head.commit != pinned:
        drifts.append(_drift(mv, ManifestDrift.Kind.BRANCH_MOVED, pinned, head.commit, {"revision": mv.revision}))
        head_changes = file_changes(at_pin.files, head.files)
        if any(head_changes.values()):
            drifts.append(_drift(mv, ManifestDrift.Kind.FILES_CHANGED, pinned, head.commit, head_changes))
        if head.license.ids != at_pin.license.ids:
            details = {"pinned": list(at_pin.license.ids), "upstream": list(head.license.ids)}
            drifts.append(_drift(mv, ManifestDrift.Kind.LICENSE_CHANGED, pinned, head.commit, details))
    return [d for d in drifts if d is not None]


def _drift(mv: ModelVersion, kind: str, pinned: str, upstream: str, details: dict) -> ManifestDrift | None:
    """Record one drift observation once; a later sync seeing the same thing records nothing new."""
    drift, created = ManifestDrift.objects.get_or_create(
        model_version=mv, kind=kind, pinned_commit=pinned, upstream_commit=upstream, defaults={"details": details}
    )
    if not created:
        return None
    from compliance.tasks import alerts_drift_detected_task
    from core.jobs import job_send_on_commit

    job_send_on_commit(alerts_drift_detected_task, drift.pk)
    audit_record(
        actor=None,
        action="manifest.drift",
        obj=drift,
        after={"kind": kind, "pinned": pinned, "upstream": upstream, "details": details},
    )
    return drift


def _store(mv: ModelVersion, model: HubModel, *, source: str, actor: Any) -> None:
    """Pin the commit on first sync, replace the artifacts when they differ, keep the license; audited."""
    before = {"pinned_sha": mv.pinned_sha, "files": mv.artifacts.count()}
    stored = stored_model(mv)
    if not mv.pinned_sha:
        mv.pinned_sha = model.commit
        audit_record(
            actor=actor,
            action="model_version.pinned",
            obj=mv,
            before={"revision": mv.revision},
            after={"pinned_sha": model.commit},
        )
    if mv.pinned_sha != model.commit:
        raise ManifestError(f"{mv} is pinned to {mv.pinned_sha}, not {model.commit}.")
    if stored is None or stored.files != model.files:
        mv.artifacts.all().delete()
        Artifact.objects.bulk_create(
            Artifact(model_version=mv, path=f.path, size=f.size, sha256=f.sha256, git_sha1=f.git_sha1, is_lfs=f.is_lfs)
            for f in model.files
        )
    HubManifest.objects.update_or_create(
        model_version=mv,
        defaults={
            "commit": model.commit,
            "license_ids": list(model.license.ids),
            "license_name": model.license.name,
            "license_link": model.license.link,
            "gated": model.gated,
            "source": source,
            "synced_at": timezone.now(),
        },
    )
    mv.last_synced_at = timezone.now()
    mv.save(update_fields=["pinned_sha", "last_synced_at", "updated_at"])
    after = {"pinned_sha": mv.pinned_sha, "files": len(model.files), "license": model.license.label, "source": source}
    audit_record(actor=actor, action="manifest.synced", obj=mv, before=before, after=after)


def manifest_to_json(model: HubModel) -> dict:
    """The offline manifest document (schema in the README)."""
    return {
        "schema": SCHEMA_ID,
        "repo_id": model.repo_id,
        "revision": model.revision,
        "commit": model.commit,
        "license": {"ids": list(model.license.ids), "name": model.license.name, "link": model.license.link},
        "gated": model.gated,
        "exported_at": timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        "files": [
            {
                "path": f.path,
                "size": f.size,
                "lfs": f.is_lfs,
                "sha256": f.sha256 or None,
                "git_sha1": f.git_sha1 or None,
            }
            for f in model.files
        ],
    }


def manifest_from_json(text: str) -> HubModel:
    """Parse and validate an offline manifest document; ManifestError names the first problem."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ManifestError(f"Not JSON: {error}.") from error
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_ID:
        raise ManifestError(f"Not a manifest: 'schema' must be {SCHEMA_ID!r}.")
    try:
        repo_id = validate_repo_id(data["repo_id"])
        commit = str(data["commit"])
        license_data = data.get("license") or {}
        files = tuple(_file_from_json(item) for item in data["files"])
    except (KeyError, TypeError, ValueError) as error:
        raise ManifestError(f"Malformed manifest: {error}.") from error
    except Exception as error:
        raise ManifestError(str(error)) from error
    if not COMMIT_RE.fullmatch(commit):
        raise ManifestError("'commit' must be 40 lowercase hexadecimal characters.")
    if len({f.path for f in files}) != len(files):
        raise ManifestError("A path appears twice in 'files'.")
    return HubModel(
        repo_id=repo_id,
        revision=str(data.get("revision") or commit),
        commit=commit,
        files=tuple(sorted(files, key=lambda f: f.path)),
        license=LicenseInfo(
            ids=tuple(str(i).lower() for i in license_data.get("ids") or []),
            name=str(license_data.get("name") or ""),
            link=str(license_data.get("link") or ""),
        ),
        gated=str(data.get("gated") or ""),
    )


def _file_from_json(item: dict) -> ManifestFile:
    path, size = item["path"], item["size"]
    if not isinstance(path, str) or not path or path.startswith("/") or ".." in path.split("/") or "\x00" in path:
        raise ValueError(f"bad path {path!r}")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise ValueError(f"bad size for {path!r}")
    if item.get("lfs"):
        sha256 = str(item.get("sha256") or "")
        if not SHA256_RE.fullmatch(sha256):
            raise ValueError(f"LFS file {path!r} needs a sha256")
        return ManifestFile(path=path, size=size, sha256=sha256)
    git_sha1 = str(item.get("git_sha1") or "")
    if not SHA1_RE.fullmatch(git_sha1):
        raise ValueError(f"file {path!r} needs a git_sha1")
    return ManifestFile(path=path, size=size, git_sha1=git_sha1)


def manifest_import(*, model: HubModel, actor: Any = None) -> ModelVersion:
    """Load an offline manifest into the catalog's model version of that repo and commit (air-gapped enclaves).

    The model version must exist (GSA approves it); an unpinned one is pinned to the manifest's
    commit, a version pinned elsewhere refuses it. Changed files or license are recorded as drift.
    """
    candidates = ModelVersion.objects.filter(repo_id=model.repo_id)
    mv = (
        candidates.filter(pinned_sha=model.commit).first()
        or candidates.filter(revision__in=[model.revision, model.commit], pinned_sha="").first()
    )
    if mv is None:
        raise ManifestError(f"No model version of {model.repo_id} at {model.commit} (or unpinned at {model.revision}).")
    with transaction.atomic():
        previous = stored_model(mv)
        if previous is not None:
            _record_drifts(mv, previous, model, None)
        _store(mv, model, source=HubManifest.Source.IMPORT, actor=actor)
    return mv


def manifest_sync_request(*, model_version: ModelVersion, actor: Any) -> None:
    """Record an officer's request to re-sync a manifest, and send the sync task after commit."""
    from compliance.tasks import manifest_sync_task
    from core.jobs import job_send_on_commit

    with transaction.atomic():
        audit_record(actor=actor, action="model_version.sync_requested", obj=model_version)
        job_send_on_commit(manifest_sync_task, model_version.pk)
