"""sync_manifest: fetch the manifest of model versions from the Hub now, pinning and recording drift."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from catalog.models import ModelVersion
from compliance.hub import HubError
from compliance.manifest import ManifestError, manifest_sync


class Command(BaseCommand):
    help = "Sync model versions' manifests from the Hub (all pinned ones with --all)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("repo_ids", nargs="*")
        parser.add_argument("--all", action="store_true", help="every model version")

    def handle(self, *args, repo_ids, all, **options):  # noqa: A002 - the option's name
        if not repo_ids and not all:
            raise CommandError("Name repo ids or pass --all.", returncode=2)
        versions = ModelVersion.objects.all() if all else ModelVersion.objects.filter(repo_id__in=repo_ids)
        failed = 0
        for model_version in versions.order_by("repo_id", "revision"):
            try:
                result = manifest_sync(model_version=model_version, actor="manage.py sync_manifest")
            except (HubError, ManifestError) as error:
                failed += 1
                self.stderr.write(f"{model_version.repo_id}@{model_version.revision}: {error}")
                continue
            drift = ", ".join(d.get_kind_display() for d in result.drifts) or "no drift"
            pinned = " (pinned now)" if result.pinned_now else ""
            self.stdout.write(f"{model_version.repo_id}@{model_version.revision} -> {result.commit}{pinned}: {drift}")
        if failed:
            raise CommandError(f"{failed} model version(s) could not be synced.", returncode=2)
