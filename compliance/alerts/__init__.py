"""Alerts: expiring agreements and ATOs, failed verifications, upstream drift, withdrawn offerings,
and M-25-21 / M-25-22 deadlines of requirements still open.

Sources (`compliance.alerts.sources`) propose alerts; services raise each once and deliver it to
the portal's notification list and by e-mail; selectors read a user's notifications and preferences.
"""

from compliance.alerts import deadlines  # noqa: F401 - registers the OMB deadline source
from compliance.alerts.selectors import alert_preference_list, notification_list, notification_unread_count
from compliance.alerts.services import (
    alert_deliver,
    alert_preference_set,
    alert_raise,
    alerts_drift_detected,
    alerts_fedramp_changed,
    alerts_offering_status_changed,
    alerts_scan,
    alerts_verification_finished,
    notification_mark_read,
    notifications_deliver_pending,
    notifications_mark_all_read,
)
from compliance.alerts.sources import ALERT_SOURCES, AlertCandidate, Audience, alert_source

__all__ = [
    "ALERT_SOURCES",
    "AlertCandidate",
    "Audience",
    "alert_deliver",
    "alert_preference_list",
    "alert_preference_set",
    "alert_raise",
    "alert_source",
    "alerts_drift_detected",
    "alerts_fedramp_changed",
    "alerts_offering_status_changed",
    "alerts_scan",
    "alerts_verification_finished",
    "notification_list",
    "notification_mark_read",
    "notification_unread_count",
    "notifications_deliver_pending",
    "notifications_mark_all_read",
]
