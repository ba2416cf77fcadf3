"""Sign-in failures, counted per username and client address, for the lockout."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class SignInThrottle(models.Model):
    """Failed sign-ins of one username from one address within the current window, and any lockout.

    Kept in the database rather than a per-process cache, so that every web worker sees the
    same count. A successful sign-in removes the row; rows past their window are deleted.
    """

    username = models.CharField(
        max_length=150, help_text="A keyed hash of the username typed (agencies.signin.username_key), or '*'."
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "compliance_signinthrottle"
        constraints = [
            models.UniqueConstraint(
                fields=["username", "ip_address"],
                name="compliance_signinthrottle_unique_username_ip",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(locked_until__isnull=True) | Q(locked_until__gt=models.F("window_started_at")),
                name="compliance_signinthrottle_lock_after_window_start",
            ),
        ]
        indexes = [models.Index(fields=["window_started_at"], name="agencies_signin_window_idx")]

    def __str__(self) -> str:
        return f"{self.username}@{self.ip_address}: {self.failures} failure(s)"
