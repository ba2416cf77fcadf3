"""An existing PostgreSQL database upgrades in place across the layout step (issue 11).

The test takes the test database back to the schema before the move (compliance owned the audit
trail, the job bookkeeping, webhooks and the sign-in lockout), writes rows and a hash-chained run
of audit events with the models of that schema, migrates forward, and checks that nothing was
lost: the rows read through the moved models, the chain verifies, the append-only triggers still
refuse UPDATE and DELETE, and the content types followed their models.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from agencies.models import SignInThrottle, WebhookSubscription
from core.audit import GENESIS_HASH, audit_chain_verify, audit_record, chain_hash
from core.models import AuditChainHead, AuditEvent, JobDispatch

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="The in-place upgrade and its triggers are PostgreSQL's."
)

BEFORE_THE_MOVE = [("compliance", "0013_usecase_yes_no_na"), ("agencies", "0003_api_token"), ("core", None)]
OLD_STATE = [("compliance", "0013_usecase_yes_no_na"), ("agencies", "0003_api_token")]
LAYOUT_STEP = [
    ("core", "0001_audit_and_jobs_moved_here"),
    ("agencies", "0004_webhooks_and_signin_moved_here"),
    ("compliance", "0014_machinery_moved_out"),
]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _write_old_chain(old_apps, count: int) -> None:
    """Append events the way the old compliance app did: each hashed onto the previous, the head moved along."""
    event_model = old_apps.get_model("compliance", "AuditEvent")
    head_model = old_apps.get_model("compliance", "AuditChainHead")
    head, _ = head_model.objects.get_or_create(id=1, defaults={"seq": 0, "hash": GENESIS_HASH})
    prev_hash, seq = head.hash, head.seq
    for n in range(count):
        seq += 1
        event = event_model(
            seq=seq,
            created_at=dt.datetime(2026, 11, 1, 12, n, tzinfo=dt.UTC),
            actor_label="system",
            action="webhook_subscription.created",
            object_type="compliance.webhooksubscription",
            object_id=str(n),
            object_repr=f"receiver {n}",
            after={"n": n},
            prev_hash=prev_hash,
        )
        event.hash = chain_hash(prev_hash, event)
        event.save()
        head_model.objects.filter(id=1).update(seq=seq, hash=event.hash)
        prev_hash = event.hash


@pytest.mark.django_db(transaction=True)
def test_a_database_of_the_previous_schema_upgrades_in_place_with_its_chain_intact():
    executor = _migrate(BEFORE_THE_MOVE)
    old_apps = executor.loader.project_state(OLD_STATE).apps
    agency = old_apps.get_model("agencies", "Agency").objects.create(name="Department of Energy", abbreviation="DOE")
    old_apps.get_model("compliance", "WebhookSubscription").objects.create(
        name="Procurement",
        url="https://receiver.example/hook",
        secret="s" * 32,
        event_types=["offering.removed"],
        agency_id=agency.pk,
    )
    old_apps.get_model("compliance", "SignInThrottle").objects.create(
        username="someone",
        ip_address="192.0.2.1",
        failures=2,
        window_started_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )
    old_apps.get_model("compliance", "JobDispatch").objects.create(
        kind="verification", object_id=7, sends=1, last_sent_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    )
    content_type = old_apps.get_model("contenttypes", "ContentType")
    # The old database knew these models under compliance only (the test database was set up at the latest state).
    content_type.objects.filter(app_label="core").delete()
    content_type.objects.filter(app_label="agencies", model__in=["webhooksubscription", "signinthrottle"]).delete()
    content_type.objects.get_or_create(app_label="compliance", model="auditevent")
    content_type.objects.get_or_create(app_label="compliance", model="webhooksubscription")
    _write_old_chain(old_apps, 5)

    executor = _migrate(LAYOUT_STEP)
    moved_apps = executor.loader.project_state(LAYOUT_STEP).apps
    # Sign-in counters moved with the layout step; a later migration (usernames kept as keyed hashes) empties them.
    assert moved_apps.get_model("agencies", "SignInThrottle").objects.get().failures == 2
    executor = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert WebhookSubscription.objects.get().agency.abbreviation == "DOE"
    assert not SignInThrottle.objects.exists()
    assert JobDispatch.objects.get().object_id == 7
    assert AuditEvent.objects.count() == 5 and AuditChainHead.objects.get().seq == 5
    assert audit_chain_verify() is None
    assert AuditEvent.objects.first().object_type == "compliance.webhooksubscription"  # old labels are kept
    labels = set(
        old_apps.get_model("contenttypes", "ContentType")
        .objects.filter(model__in=["auditevent", "webhooksubscription"])
        .values_list("app_label", "model")
    )
    assert labels == {("core", "auditevent"), ("agencies", "webhooksubscription")}

    audit_record(actor=None, action="test.after_upgrade", object_type="x", object_id="6")
    assert audit_chain_verify() is None and AuditChainHead.objects.get().seq == 6
    for statement in ("UPDATE compliance_auditevent SET action = 'forged'", "DELETE FROM compliance_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL registry.allow_audit_truncate = off")
            cursor.execute(statement)
    assert AuditEvent.objects.count() == 6
