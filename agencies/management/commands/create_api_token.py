from django.core.management.base import BaseCommand, CommandError

from agencies.models import ApiToken, User
from agencies.tokens import MAX_EXPIRY_DAYS, api_token_create
from core.errors import ServiceError


class Command(BaseCommand):
    help = "Create an API token for a user and print only the key (shown once; only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--scope", choices=ApiToken.Scope.values, default=ApiToken.Scope.READ)
        parser.add_argument("--expires-days", type=int, default=90, help=f"1 to {MAX_EXPIRY_DAYS} (default 90).")
        parser.add_argument("--name", default="", help="Which system uses it (default: created from the command line).")

    def handle(self, *args, username: str, scope: str, expires_days: int, name: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        try:
            _, key = api_token_create(
                actor=user,
                user=user,
                name=name or "created from the command line",
                scope=scope,
                expires_days=expires_days,
            )
        except ServiceError as error:
            raise CommandError(error.message) from None
        self.stdout.write(key)
