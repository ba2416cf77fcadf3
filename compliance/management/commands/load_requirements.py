from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compliance.requirements import RequirementDataError, load_requirements


class Command(BaseCommand):
    help = "Load the requirement catalog files (compliance/data/requirements/*.json). Safe to run again."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="Another folder of requirement files.")

    def handle(self, *args, **options):
        try:
            report = load_requirements(directory=options["dir"])
        except RequirementDataError as exc:
            raise CommandError(str(exc)) from exc
        for memo in report.loaded:
            self.stdout.write(f"loaded {memo}")
        for memo in report.unchanged:
            self.stdout.write(f"unchanged {memo}")
        self.stdout.write(self.style.SUCCESS(f"{report.requirements} requirements loaded"))
