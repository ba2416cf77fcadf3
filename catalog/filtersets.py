"""One FilterSet per catalog model, shared by the portal's lists and the API's."""

import django_filters as filters
from django.db.models import Q

from catalog.models import Agreement, Artifact, ModelVersion, Offering, OfferingStatusChange, Vendor
from core.api.filters import IdFilter
from core.portal import FilterForm


class VendorFilterSet(filters.FilterSet):
    name = filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Vendor
        fields = ["name"]


class OfferingFilterSet(filters.FilterSet):
    """Search offerings by words in their name, vendor or description, and filter by their facts.

    The portal shows `portal_fields`; the API accepts every filter.
    """

    q = filters.CharFilter(label="Search", method="filter_search")
    vendor = filters.ModelChoiceFilter(queryset=Vendor.objects.all(), empty_label="Any vendor")
    name = filters.CharFilter(lookup_expr="icontains")
    kind = filters.ChoiceFilter(choices=Offering.Kind.choices, empty_label="Any kind")
    status = filters.ChoiceFilter(choices=Offering.Status.choices, empty_label="Any status")
    fedramp_level = filters.ChoiceFilter(
        label="FedRAMP level", choices=Offering.FedRAMP.choices, empty_label="Any level"
    )

    portal_fields = ("q", "vendor", "kind", "status", "fedramp_level")

    class Meta:
        model = Offering
        form = FilterForm
        fields = ["q", "vendor", "name", "kind", "status", "fedramp_level"]

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(name__icontains=word) | Q(vendor__name__icontains=word) | Q(description__icontains=word)
            )
        return queryset


class OfferingStatusChangeFilterSet(filters.FilterSet):
    offering = IdFilter(field_name="offering_id")
    effective_after = filters.DateFilter(field_name="effective_on", lookup_expr="gte")
    effective_before = filters.DateFilter(field_name="effective_on", lookup_expr="lte")

    class Meta:
        model = OfferingStatusChange
        fields = ["offering", "to_status", "effective_after", "effective_before"]


class AgreementFilterSet(filters.FilterSet):
    offering = IdFilter(field_name="offering_id")
    expires_before = filters.DateFilter(field_name="expires_on", lookup_expr="lte")
    expires_after = filters.DateFilter(field_name="expires_on", lookup_expr="gte")

    class Meta:
        model = Agreement
        fields = ["offering", "currency", "expires_before", "expires_after"]


class ModelVersionFilterSet(filters.FilterSet):
    offering = IdFilter(field_name="offering_id")
    repo_id = filters.CharFilter(lookup_expr="iexact")
    pinned = filters.BooleanFilter(method="filter_pinned")

    class Meta:
        model = ModelVersion
        fields = ["offering", "repo_id", "declared_license", "pinned"]

    def filter_pinned(self, queryset, name, value):
        return queryset.exclude(pinned_sha="") if value else queryset.filter(pinned_sha="")


class ArtifactFilterSet(filters.FilterSet):
    model_version = IdFilter(field_name="model_version_id")
    path = filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Artifact
        fields = ["model_version", "path", "is_lfs"]
