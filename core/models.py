"""The registry's machinery: the hash-chained audit trail and the job sweeper's bookkeeping.

These tables were created by the compliance app; `db_table` keeps their names (and the names of
their constraints and append-only triggers) so that an existing database upgrades in place.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class AuditEvent(models.Model):
    """One change: who did what to which object, before and after, in which request, and when.

    Events form a hash chain ordered by `seq`: `hash = sha256(prev_hash + canonical(event))`,
    so an edit, a deletion or a reordering breaks every later link. `seq` is assigned while
    the single AuditChainHead row is locked, so concurrent writers never fork the chain.
    """

    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField()
    # PROTECT, not SET_NULL: actor_id is part of the hashed content, and the append-only trigger refuses the
    # UPDATE that SET_NULL would make. Users who acted are deactivated, never deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200, help_text="The actor's username, kept if the user is removed.")
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=300, blank=True)
    agency_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True, help_text="The server's id of the request.")
    client_request_id = models.CharField(
        max_length=64, blank=True, default="", help_text="The X-Request-ID the client sent: untrusted, for correlation."
    )
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        db_table = "compliance_auditevent"
        ordering = ["seq"]
        constraints = [
            models.CheckConstraint(condition=Q(seq__gte=1), name="compliance_auditevent_seq_positive"),
            models.CheckConstraint(condition=Q(hash__regex=r"^[0-9a-f]{64}$"), name="compliance_auditevent_hash_hex"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The single row that serializes writers of the audit chain: the last sequence number and hash."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        db_table = "compliance_auditchainhead"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="compliance_auditchainhead_singleton")]

    def __str__(self) -> str:
        return f"head #{self.seq}"


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
        db_table = "compliance_jobdispatch"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="compliance_jobdispatch_unique_job"),
            models.CheckConstraint(condition=Q(sends__gte=1), name="compliance_jobdispatch_sent_at_least_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id}: re-sent {self.sends}×"
