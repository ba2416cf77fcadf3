import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency, Role
from agencies.services import user_create
from core.errors import ServiceError


class Command(BaseCommand):
    help = "Create a user with a role. The password is read from standard input (one line)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--agency", metavar="ABBR", help="The agency's abbreviation (agency officers).")
        parser.add_argument("--email", default="")

    def handle(self, *args, username: str, role: str, agency: str | None, email: str, **options):
        agency_obj = None
        if role == Role.AGENCY_OFFICER and not agency:
            raise CommandError("--agency is required for an agency officer.")
        if agency:
            agency_obj = Agency.objects.filter(abbreviation=agency.upper()).first()
            if agency_obj is None:
                raise CommandError(f"No agency with the abbreviation {agency!r}.")
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("Give the password on standard input, e.g. `printf '%s\\n' \"$PASSWORD\" | ...`.")
        try:
            user = user_create(username=username, password=password, role=role, agency=agency_obj, email=email)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except ServiceError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"Created {user.username} ({user.get_role_display()}).")
