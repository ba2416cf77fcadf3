from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compliance.inventory import InventoryImportError, use_case_import
from compliance.management.commands._actor import command_user
from core.errors import ServiceError


class Command(BaseCommand):
    help = "Import an AI use case inventory CSV in OMB's 2025 format. A file with any bad row imports nothing."

    def add_arguments(self, parser):
        parser.add_argument("csv", type=Path)
        parser.add_argument("--as", dest="username", required=True, help="The GSA or agency officer importing.")

    def handle(self, *args, **options):
        actor = command_user(options["username"])
        try:
            result = use_case_import(actor=actor, data=options["csv"].read_bytes())
        except InventoryImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Nothing imported: {len(exc.errors)} problem(s).") from exc
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        agencies = ", ".join(result.agencies)
        self.stdout.write(self.style.SUCCESS(f"{result.created} created, {result.updated} updated ({agencies})"))
