"""The user a command acts as: `--as USERNAME`, a real account whose rights the services check."""

from django.core.management.base import CommandError

from agencies.models import User


def command_user(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user {username!r}.")
    return user
