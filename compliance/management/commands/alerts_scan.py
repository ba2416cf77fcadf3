"""Run the daily alert scan now (what Celery beat runs every day); safe to run again."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from compliance.alerts import alerts_scan


class Command(BaseCommand):
    help = "Raise the alerts that are due (each only once) and e-mail undelivered notifications."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="scan as if today were this day")

    def handle(self, *args, date: str | None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}.") from None
        result = alerts_scan(today=today)
        for kind, count in sorted(result.raised.items()):
            self.stdout.write(f"{kind}: {count} new alert(s)")
        self.stdout.write(
            f"{result.total} new alert(s) for {result.notifications} recipient(s); "
            f"{result.emails_swept} earlier e-mail(s) sent by the sweep."
        )
