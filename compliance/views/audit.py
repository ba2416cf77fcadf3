"""The audit log: every change made through a service, filtered and paginated."""

from __future__ import annotations

from compliance.filtersets import AuditEventFilterSet
from compliance.tables import AuditEventTable
from core.models import AuditEvent
from core.portal import SignedInMixin
from core.tables import TableListView


def audit_event_list(*, user):
    """GSA officers and auditors read every event; agency officers only their own agency's."""
    events = AuditEvent.objects.order_by("-seq")
    if user.is_gsa_officer or user.is_auditor:
        return events
    if user.is_agency_officer:
        return events.filter(agency_id=user.agency_id)
    return events.none()


class AuditEventListView(SignedInMixin, TableListView):
    """The audit trail the user may see; each row links to its object and names the fields it changed."""

    template_name = "compliance/audit_event_list.html"
    table_class = AuditEventTable
    filterset_class = AuditEventFilterSet
    export_name = "audit-events"
    filter_label = "Filter the audit log"

    def get_queryset(self):
        return audit_event_list(user=self.request.user)
