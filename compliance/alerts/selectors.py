"""Reads for alerts: a user's notification list and alert preferences (for the portal and the API)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from agencies.models import User
from compliance.models import AlertKind, AlertPreference, Notification


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own notifications, newest first; nobody sees another user's."""
    if not user.is_authenticated:
        return Notification.objects.none()
    queryset = Notification.objects.select_related("alert", "alert__agency").filter(recipient_id=user.pk)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


def notification_unread_count(*, user: User) -> int:
    return notification_list(user=user, unread_only=True).count()


@dataclass(frozen=True)
class PreferenceRow:
    kind: str
    label: str
    enabled: bool
    is_default: bool


def alert_preference_list(*, user: User) -> list[PreferenceRow]:
    """Every alert kind with the user's effective choice: on by default, off by default for auditors."""
    chosen = dict(AlertPreference.objects.filter(user_id=user.pk).values_list("kind", "enabled"))
    default = not getattr(user, "is_auditor", False)
    return [
        PreferenceRow(kind=kind, label=label, enabled=chosen.get(kind, default), is_default=kind not in chosen)
        for kind, label in AlertKind.choices
    ]
