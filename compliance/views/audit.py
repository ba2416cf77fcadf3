"""The audit log: every change made through a service, filtered and paginated."""

from __future__ import annotations

from django.views.generic import TemplateView

from compliance.filtersets import AuditEventFilterSet
from core.models import AuditEvent
from core.portal import SignedInMixin, paginate, portal_filterset


def audit_event_list(*, user):
    """GSA officers and auditors read every event; agency officers only their own agency's."""
    events = AuditEvent.objects.order_by("-seq")
    if user.is_gsa_officer or user.is_auditor:
        return events
    if user.is_agency_officer:
        return events.filter(agency_id=user.agency_id)
    return events.none()


class AuditEventListView(SignedInMixin, TemplateView):
    template_name = "compliance/audit_event_list.html"

    def get_context_data(self, **kwargs):
        filterset = portal_filterset(AuditEventFilterSet, self.request.GET, audit_event_list(user=self.request.user))
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "filter": filterset,
            "page": paginate(self.request, filterset.qs),
            "query": query.urlencode(),
        }
