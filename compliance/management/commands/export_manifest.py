"""export_manifest: write a model version's stored manifest (or the Hub's, with --from-hub) to a JSON file."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.models import ModelVersion
from compliance.hub import HubClient, HubError
from compliance.manifest import manifest_to_json, stored_model
from compliance.models import VerificationRun
from compliance.signatures import registry_public_key_pem


class Command(BaseCommand):
    help = "Write a manifest (files, checksums, license at the pinned commit) to a JSON file for air-gapped use."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("repo_id")
        parser.add_argument("--revision", help="the model version's revision or pinned commit (default: the only one)")
        parser.add_argument("--output", "-o", required=True, help="file to write, or - for standard output")
        parser.add_argument("--from-hub", action="store_true", help="ask the Hub instead of the registry")
        parser.add_argument(
            "--signature", help="also write the registry's model-signing signature of the last passed verification"
        )
        parser.add_argument("--public-key", help="also write the registry's public key, for `model_signing verify key`")

    def handle(self, *args, repo_id, revision, output, from_hub, signature, public_key, **options):
        if from_hub:
            try:
                model = HubClient().model(repo_id, revision=revision or "main")
            except HubError as error:
                raise CommandError(str(error), returncode=2) from error
        else:
            model = stored_model(self._model_version(repo_id, revision))
            if model is None:
                raise CommandError(f"{repo_id} has no synced manifest: run sync_manifest first.", returncode=2)
        text = json.dumps(manifest_to_json(model), indent=2) + "\n"
        if output == "-":
            self.stdout.write(text, ending="")
        else:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {len(model.files)} files of {repo_id}@{model.commit} to {output}")
        if signature:
            self._write_signature(repo_id, model.commit, Path(signature))
        if public_key:
            Path(public_key).write_text(registry_public_key_pem(), encoding="utf-8")

    def _write_signature(self, repo_id: str, commit: str, path: Path) -> None:
        """The registry's signature from the latest passed run at this commit (any deployment: same files)."""
        run = (
            VerificationRun.objects.filter(repo_id=repo_id, manifest_commit=commit, status="passed")
            .exclude(registry_signature="")
            .order_by("-finished_at", "-pk")
            .first()
        )
        if run is None:
            raise CommandError(f"No passed and signed verification of {repo_id}@{commit} yet.", returncode=2)
        path.write_text(run.registry_signature, encoding="utf-8")
        self.stderr.write(f"Wrote the registry's signature from verification #{run.pk} to {path}")

    def _model_version(self, repo_id: str, revision: str | None) -> ModelVersion:
        versions = ModelVersion.objects.filter(repo_id=repo_id)
        if revision:
            versions = versions.filter(revision=revision) | versions.filter(pinned_sha=revision)
        found = list(versions[:2])
        if len(found) != 1:
            raise CommandError(
                f"{'No' if not found else 'More than one'} model version of {repo_id} matches; give --revision.",
                returncode=2,
            )
        return found[0]
