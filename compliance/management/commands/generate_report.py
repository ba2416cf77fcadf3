import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency
from compliance.reports import report_generate, report_request
from core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Render a compliance report PDF now (without --agency: the government-wide report) and issue it. "
        "It is attested by the registry operator (command line); officers request theirs signed in."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--agency", help="Agency abbreviation, e.g. DOE.")
        parser.add_argument("--framework", required=True, help="m-25-21, m-25-22 (or any loaded catalog) or all.")
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args, **options):
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(abbreviation=options["agency"].upper()).first()
            if agency is None:
                raise CommandError(f"No agency {options['agency']!r}.")
        try:
            report = report_request(
                requested_by=None,
                agency=agency,
                framework=options["framework"],
                enqueue=False,
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        report = report_generate(report_id=report.pk)
        with report.pdf.open("rb") as source, options["out"].open("wb") as target:
            shutil.copyfileobj(source, target)
        self.stdout.write(self.style.SUCCESS(f"{report.number} sha256 {report.sha256} → {options['out']}"))
