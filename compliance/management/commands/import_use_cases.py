from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compliance.inventory import InventoryImportError, use_case_import
from compliance.management.commands._actor import command_user
from core.errors import ServiceError

SUMMARY = (
    "{kind}: {created} imported, {updated} updated, {unchanged} unchanged, "
    "{with_warnings} imported with warnings, {refused} refused"
)
KINDS = {"individual": "Individual use cases", "cots": "Commercial (COTS) use"}


class Command(BaseCommand):
    help = (
        "Import one of OMB's 2025 inventory files (the individual use cases or the consolidated COTS file, told "
        "apart by the header). Values outside OMB's answer sets are kept and listed as warnings; rows that cannot "
        "be stored are refused with line, column and value. Exits 0 only when no row was refused."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("csv", type=Path)
        parser.add_argument("--as", dest="username", required=True, help="The GSA or agency officer importing.")
        parser.add_argument("--quiet-warnings", action="store_true", help="Count warnings without listing each.")

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
        if not options["quiet_warnings"]:
            for warning in result.warnings:
                self.stdout.write(str(warning))
        for refusal in result.refusals:
            self.stderr.write(str(refusal))
        counts = {name: getattr(result, name) for name in ("created", "updated", "unchanged", "with_warnings")}
        summary = SUMMARY.format(kind=KINDS[result.kind], refused=result.refused, **counts)
        if result.agencies:
            summary += f" ({', '.join(result.agencies)})"
        if result.refused:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
