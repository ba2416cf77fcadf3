"""Write the CycloneDX 1.6 AI bill of materials of a model version or of an agency to a JSON file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency
from catalog.models import ModelVersion
from compliance.aibom import aibom_agency, aibom_json, aibom_model_version


class Command(BaseCommand):
    help = "Export a CycloneDX 1.6 AI bill of materials (JSON) for one model version or one agency."
    requires_system_checks = []

    def add_arguments(self, parser):
        subject = parser.add_mutually_exclusive_group(required=True)
        subject.add_argument("--model-version", type=int, metavar="ID", help="primary key of the model version")
        subject.add_argument("--agency", metavar="ABBR", help="abbreviation of the agency, e.g. DOE")
        parser.add_argument("--out", required=True, type=Path, metavar="FILE.json", help="where to write the document")

    def handle(self, *args, model_version: int | None, agency: str | None, out: Path, **options):
        if agency is not None:
            found = Agency.objects.filter(abbreviation=agency.upper()).first()
            if found is None:
                raise CommandError(f"No agency with the abbreviation {agency!r}.")
            bom = aibom_agency(agency=found)
        else:
            if not ModelVersion.objects.filter(pk=model_version).exists():
                raise CommandError(f"No model version with id {model_version}.")
            bom = aibom_model_version(model_version=model_version)
        document = aibom_json(bom)
        out.write_text(document + "\n", encoding="utf-8")
        count = sum(1 for _ in bom.components)
        self.stdout.write(f"Wrote {out}: CycloneDX 1.6, {count} model component(s), valid against the schema.")
