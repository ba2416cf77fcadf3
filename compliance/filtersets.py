"""Filters of compliance lists, shared by the portal and the API."""

from __future__ import annotations

import django_filters
from django import forms

from compliance.models import AuditEvent
from config.portal import FilterForm

DATE = {"type": "date"}


class AuditEventFilterSet(django_filters.FilterSet):
    """Filter the audit trail by who, what, which kind of record and when."""

    actor = django_filters.CharFilter(label="Actor (username)", field_name="actor_label", lookup_expr="icontains")
    action = django_filters.CharFilter(label="Action (e.g. onboarding.approve)", lookup_expr="istartswith")
    object_type = django_filters.CharFilter(label="Object type (e.g. agencies.onboarding)", lookup_expr="iexact")
    since = django_filters.DateFilter(
        label="From", field_name="created_at", lookup_expr="date__gte", widget=forms.DateInput(DATE)
    )
    until = django_filters.DateFilter(
        label="To", field_name="created_at", lookup_expr="date__lte", widget=forms.DateInput(DATE)
    )

    class Meta:
        model = AuditEvent
        form = FilterForm
        fields = ["actor", "action", "object_type", "since", "until"]
