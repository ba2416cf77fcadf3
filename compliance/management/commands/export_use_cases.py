from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency
from compliance.inventory import use_case_export, use_case_list
from compliance.inventory_cots import commercial_use_case_export, commercial_use_case_list
from compliance.management.commands._actor import command_user


class Command(BaseCommand):
    help = (
        "Export the AI use case inventory as OMB's CSV (UTF-8 with BOM), cells as imported; --cots writes "
        "OMB's consolidated commercial-use file instead."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--agency", help="Agency abbreviation; all agencies the user may see when omitted.")
        parser.add_argument("--as", dest="username", required=True)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--links", action="store_true", help="Add onegov_offering and onegov_deployment.")
        parser.add_argument("--cots", action="store_true", help="The consolidated commercial (COTS) file.")

    def handle(self, *args, **options):
        user = command_user(options["username"])
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(abbreviation=options["agency"]).first()
            if agency is None:
                raise CommandError(f"No agency {options['agency']!r}.")
        if options["cots"]:
            rows = commercial_use_case_list(user=user, agency=agency)
            options["out"].write_text(commercial_use_case_export(rows=rows), "utf-8")
            self.stdout.write(self.style.SUCCESS(f"{rows.count()} commercial use rows written to {options['out']}"))
            return
        use_cases = use_case_list(user=user, agency=agency).order_by("pk")
        options["out"].write_text(use_case_export(use_cases=use_cases, include_links=options["links"]), "utf-8")
        self.stdout.write(self.style.SUCCESS(f"{use_cases.count()} use cases written to {options['out']}"))
