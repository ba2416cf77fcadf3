"""import_manifest: load an offline manifest file into the registry's model version of that repo and commit."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compliance.manifest import ManifestError, manifest_from_json, manifest_import


class Command(BaseCommand):
    help = "Load a manifest written by export_manifest, so that an air-gapped registry verifies without the Hub."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            model = manifest_from_json(Path(file).read_text(encoding="utf-8"))
            model_version = manifest_import(model=model, actor="manage.py import_manifest")
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.", returncode=2) from error
        except ManifestError as error:
            raise CommandError(str(error), returncode=2) from error
        self.stdout.write(f"Imported {len(model.files)} files of {model_version} (license {model.license.label}).")
