"""export_manifest: write a model version's stored manifest (or the Hub's, with --from-hub) to a JSON file."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.models import ModelVersion
from compliance.hub import HubClient, HubError
from compliance.manifest import manifest_to_json, stored_model


class Command(BaseCommand):
    help = "Write a manifest (files, checksums, license at the pinned commit) to a JSON file for air-gapped use."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("repo_id")
        parser.add_argument("--revision", help="the model version's revision or pinned commit (default: the only one)")
        parser.add_argument("--output", "-o", required=True, help="file to write, or - for standard output")
        parser.add_argument("--from-hub", action="store_true", help="ask the Hub instead of the registry")

    def handle(self, *args, repo_id, revision, output, from_hub, **options):
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
