"""`seed_onegov`: the public catalog and agencies (agencies.seeding), then the requirement catalogs.

It lives in compliance, the highest app it loads data for, so that no lower app imports compliance.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from agencies.seeding import seed_demo, seed_onegov
from compliance.services import load_requirements


class Command(BaseCommand):
    help = "Load the public OneGov catalog, the Llama model versions and the 24 CFO Act agencies (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Also add demo users, onboardings and deployments.")

    def handle(self, *args, demo: bool = False, **options):
        with transaction.atomic():
            report = seed_onegov()
            requirements = load_requirements()
        if requirements.loaded:
            report.created["requirement catalogs"] = len(requirements.loaded)
        if report.changed:
            summary = ", ".join(f"{count} {label}" for label, count in sorted(report.created.items()))
            self.stdout.write(f"Seeded: {summary}.")
        else:
            self.stdout.write("The OneGov catalog is already up to date; nothing changed.")
        if demo:
            self.stdout.write("Demo users (sign in at /accounts/login/):")
            for username, role, password in seed_demo():
                self.stdout.write(f"  {username:<14} {role:<15} password: {password}")
