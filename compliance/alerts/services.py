"""Writes for alerts: raising an alert once, e-mailing its recipients, preferences and read marks."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from agencies.models import Role, User
from agencies.webhooks import webhook_event_emit
from catalog.models import OfferingStatusChange
from compliance.alerts.sources import (
    ALERT_SOURCES,
    AlertCandidate,
    drift_candidate,
    offering_withdrawn_candidates,
    verification_failed_candidate,
)
from compliance.models import Alert, AlertKind, AlertPreference, ManifestDrift, Notification, VerificationRun
from core.audit import audit_record, snapshot
from core.errors import ServiceError

logger = logging.getLogger(__name__)

# A failed e-mail is retried by later deliveries (the daily scan's sweep) up to this many attempts.
MAX_EMAIL_ATTEMPTS = 3
NOTIFICATION_NOT_FOUND = "This notification does not exist or is not yours."
UNKNOWN_KIND = "Unknown alert kind {kind!r}; choose one of {kinds}."


def alert_recipients(candidate: AlertCandidate) -> list[User]:
    """The active users who receive an alert: its audience minus opt-outs, plus auditors who opted in."""
    audience = Q(pk__in=[])
    if candidate.audience.gsa_officers:
        audience |= Q(role=Role.GSA_OFFICER)
    if candidate.audience.agency_ids:
        audience |= Q(role=Role.AGENCY_OFFICER, agency_id__in=candidate.audience.agency_ids)
    opted_in_auditors = Q(
        role=Role.AUDITOR,
        pk__in=AlertPreference.objects.filter(kind=candidate.kind, enabled=True).values("user_id"),
    )
    opted_out = AlertPreference.objects.filter(kind=candidate.kind, enabled=False).values("user_id")
    users = User.objects.filter(is_active=True).filter(audience | opted_in_auditors).exclude(pk__in=opted_out)
    return list(users.order_by("pk"))


def alert_raise(candidate: AlertCandidate) -> Alert | None:
    """Record an alert and one notification per recipient, once; return None if it was raised before.

    1. Skip at once when the dedupe key exists (the common case on every scan after the first).
    2. Insert the alert under its unique key, its notifications and an audit event in one transaction.
       A concurrent scan or a redelivered task inserting the same key fails on the constraint and
       rolls back, so nobody is notified twice.
    3. After commit, e-mail the recipients (`alert_deliver`).
    """
    if Alert.objects.filter(dedupe_key=candidate.dedupe_key).exists():
        return None
    recipients = alert_recipients(candidate)
    obj = candidate.obj
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                kind=candidate.kind,
                dedupe_key=candidate.dedupe_key,
                title=candidate.title[:300],
                message=candidate.message,
                action=candidate.action,
                due_on=candidate.due_on,
                threshold_days=candidate.threshold_days,
                agency_id=candidate.agency_id,
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(obj.pk) if obj is not None else "",
            )
            Notification.objects.bulk_create([Notification(alert=alert, recipient=user) for user in recipients])
            after = snapshot(alert) | {"recipients": [user.username for user in recipients]}
            audit_record(actor=None, action="alert.raised", obj=alert, after=after)
            _emit_webhook(candidate, alert)
            transaction.on_commit(lambda: alert_deliver(alert_id=alert.pk))
    except IntegrityError:
        if Alert.objects.filter(dedupe_key=candidate.dedupe_key).exists():
            return None
        raise
    return alert


def _emit_webhook(candidate: AlertCandidate, alert: Alert) -> None:
    """Alerts that systems also subscribe to go out as webhook events, once: with the alert's own insert.

    An agreement reaching an expiry threshold is `agreement.expiring`, sent to the subscriptions of
    every agency (agency_id is empty: the agreement is GSA's, not one agency's).
    """
    if candidate.kind != AlertKind.AGREEMENT_EXPIRING or candidate.obj is None:
        return
    agreement = candidate.obj
    webhook_event_emit(
        event_type="agreement.expiring",
        payload={
            "agreement": {
                "id": agreement.pk,
                "title": agreement.title,
                "offering_id": agreement.offering_id,
                "expires_on": agreement.expires_on,
            },
            "threshold_days": candidate.threshold_days,
            "alert_key": alert.dedupe_key,
        },
    )


def _email_message(notification: Notification) -> EmailMultiAlternatives:
    context = {"alert": notification.alert, "recipient": notification.recipient, "site_url": settings.SITE_URL}
    subject = " ".join(render_to_string("emails/alert_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/alert.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
    )
    message.attach_alternative(render_to_string("emails/alert.html", context), "text/html")
    return message


def notification_email(notification: Notification) -> bool:
    """E-mail one notification if nobody else has; return whether this call sent it.

    The row is claimed first with a conditional update (its status and attempt count as read),
    so a second worker, a redelivered task or a concurrent sweep finds nothing to claim. A crash
    between the claim and the send leaves the row 'sending': it is not sent again (at most once).
    """
    claimed = Notification.objects.filter(
        pk=notification.pk,
        email_status=notification.email_status,
        email_attempts=notification.email_attempts,
        email_status__in=[Notification.EmailStatus.PENDING, Notification.EmailStatus.FAILED],
    ).update(email_status=Notification.EmailStatus.SENDING, email_attempts=F("email_attempts") + 1)
    if not claimed:
        return False
    rows = Notification.objects.filter(pk=notification.pk)
    if not notification.recipient.email:
        rows.update(email_status=Notification.EmailStatus.NO_ADDRESS)
        return False
    try:
        _email_message(notification).send()
    except Exception as error:  # any mail backend failure: keep the row for a later attempt
        logger.warning("alert e-mail to %s failed: %s", notification.recipient, error, exc_info=True)
        rows.update(email_status=Notification.EmailStatus.FAILED, email_error=str(error)[:300])
        return False
    rows.update(email_status=Notification.EmailStatus.SENT, emailed_at=timezone.now(), email_error="")
    return True


def _deliverable() -> Q:
    return Q(email_status=Notification.EmailStatus.PENDING) | Q(
        email_status=Notification.EmailStatus.FAILED, email_attempts__lt=MAX_EMAIL_ATTEMPTS
    )


def alert_deliver(*, alert_id: int) -> int:
    """E-mail the notifications of one alert that are still to be sent; return how many were sent."""
    notifications = Notification.objects.select_related("alert", "recipient").filter(_deliverable(), alert_id=alert_id)
    return sum(notification_email(notification) for notification in notifications)


def notifications_deliver_pending(*, within_days: int = 7) -> int:
    """The sweep: e-mail every recent notification still pending (e.g. after a crash before delivery)."""
    since = timezone.now() - dt.timedelta(days=within_days)
    notifications = Notification.objects.select_related("alert", "recipient").filter(
        _deliverable(), created_at__gte=since
    )
    return sum(notification_email(notification) for notification in notifications)


@dataclass
class ScanResult:
    """What a scan did: new alerts by kind, notifications created, earlier e-mails the sweep sent."""

    raised: dict[str, int] = field(default_factory=dict)
    notifications: int = 0
    emails_swept: int = 0

    @property
    def total(self) -> int:
        return sum(self.raised.values())


def alerts_scan(*, today: dt.date | None = None) -> ScanResult:
    """The daily scan: run every registered source, raise what is new, then sweep undelivered e-mails."""
    today = today or timezone.localdate()
    result = ScanResult()
    for kind, sources in ALERT_SOURCES.items():
        for source in sources:
            for candidate in source(today):
                alert = alert_raise(candidate)
                if alert is not None:
                    result.raised[kind] = result.raised.get(kind, 0) + 1
                    result.notifications += alert.notifications.count()
    result.emails_swept = notifications_deliver_pending()
    return result


def _raise_all(candidates) -> list[Alert]:
    return [alert for alert in (alert_raise(c) for c in candidates if c is not None) if alert is not None]


def alerts_verification_finished(run_id: int) -> list[Alert]:
    """Call after a verification run has finished and committed: alerts its agency if it failed."""
    run = VerificationRun.objects.select_related("deployment__agency", "model_version").get(pk=run_id)
    return _raise_all([verification_failed_candidate(run)])


def alerts_drift_detected(drift_id: int) -> list[Alert]:
    """Call after a ManifestDrift row has committed: alerts GSA and the agencies deploying the model."""
    drift = ManifestDrift.objects.select_related("model_version").get(pk=drift_id)
    return _raise_all([drift_candidate(drift)])


def alerts_offering_status_changed(change_id: int) -> list[Alert]:
    """Call after an offering's status change has committed: tells each agency still using it what to do."""
    change = OfferingStatusChange.objects.select_related("offering__vendor").get(pk=change_id)
    return _raise_all(offering_withdrawn_candidates(change))


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (again is harmless); another user's is not found."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id, recipient_id=user.pk).first()
        if notification is None:
            raise ServiceError(NOTIFICATION_NOT_FOUND, code="not_found")
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
            audit_record(actor=user, action="notification.read", obj=notification, agency_id=user.agency_id)
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; return how many changed."""
    with transaction.atomic():
        count = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(read_at=timezone.now())
        if count:
            audit_record(
                actor=user,
                action="notification.all_read",
                object_type="compliance.notification",
                after={"count": count},
                agency_id=user.agency_id,
            )
    return count


def alert_preference_set(*, user: User, kind: str, enabled: bool) -> AlertPreference:
    """Choose whether the user receives one kind of alert (in the portal and by e-mail)."""
    if kind not in AlertKind.values:
        raise ServiceError(UNKNOWN_KIND.format(kind=kind, kinds=", ".join(AlertKind.values)), field="kind")
    with transaction.atomic():
        current = AlertPreference.objects.select_for_update().filter(user=user, kind=kind).first()
        before = snapshot(current)
        preference = current or AlertPreference(user=user, kind=kind)
        preference.enabled = enabled
        preference.save()
        audit_record(
            actor=user,
            action="alert_preference.set",
            obj=preference,
            before=before,
            after=snapshot(preference),
            agency_id=user.agency_id,
        )
    return preference
