"""Bookkeeping of the sweeper that re-sends jobs whose task message may have been lost."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class JobDispatch(models.Model):
    """When the sweeper last re-sent the task of one job row, and how many times it has.

    The job rows themselves (verification runs, report jobs, webhook deliveries) belong to
    other parts of the registry; this row lets the sweeper wait a full threshold between two
    re-sends of the same job instead of flooding the broker while a long queue drains.
    """

    kind = models.CharField(max_length=60, help_text="The registered job kind, e.g. 'verification'.")
    object_id = models.BigIntegerField()
    sends = models.PositiveIntegerField(default=0)
    last_sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="compliance_jobdispatch_unique_job"),
            models.CheckConstraint(condition=Q(sends__gte=1), name="compliance_jobdispatch_sent_at_least_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id}: re-sent {self.sends}×"
