"""Filters of catalog lists, shared by the portal and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from catalog.models import Offering, Vendor
from config.portal import FilterForm


class OfferingFilterSet(django_filters.FilterSet):
    """Search offerings by words in their name, vendor or description, and filter by their facts."""

    q = django_filters.CharFilter(label="Search", method="filter_search")
    vendor = django_filters.ModelChoiceFilter(queryset=Vendor.objects.all(), empty_label="Any vendor")
    kind = django_filters.ChoiceFilter(choices=Offering.Kind.choices, empty_label="Any kind")
    status = django_filters.ChoiceFilter(choices=Offering.Status.choices, empty_label="Any status")
    fedramp_level = django_filters.ChoiceFilter(
        label="FedRAMP level", choices=Offering.FedRAMP.choices, empty_label="Any level"
    )

    class Meta:
        model = Offering
        form = FilterForm
        fields = ["q", "vendor", "kind", "status", "fedramp_level"]

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(name__icontains=word) | Q(vendor__name__icontains=word) | Q(description__icontains=word)
            )
        return queryset
