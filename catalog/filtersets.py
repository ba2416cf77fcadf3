"""One FilterSet per catalog model, shared by the portal's lists and the API's."""

import django_filters as filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from catalog.models import (
    Agreement,
    Artifact,
    FedRAMPProduct,
    FedRAMPProductChange,
    Lifecycle,
    ModelVersion,
    Offering,
    OfferingStatusChange,
    Vendor,
)
from core.api.filters import IdFilter
from core.portal import FilterForm

DATE = {"type": "date"}


class VendorFilterSet(filters.FilterSet):
    name = filters.CharFilter(label="Name contains", lookup_expr="icontains")

    portal_fields = ("name",)

    class Meta:
        model = Vendor
        form = FilterForm
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

    include_withdrawn = filters.BooleanFilter(
        label="Include withdrawn offerings", method="filter_nothing", widget=forms.CheckboxInput
    )
    fedramp = filters.CharFilter(
        label="FedRAMP id", field_name="fedramp_products__fedramp_id", lookup_expr="iexact", distinct=True
    )

    portal_fields = ("q", "vendor", "kind", "status", "fedramp_level", "include_withdrawn")

    class Meta:
        model = Offering
        form = FilterForm
        fields = ["q", "vendor", "name", "kind", "status", "fedramp_level", "fedramp", "include_withdrawn"]

    def filter_nothing(self, queryset, name, value):
        """`include_withdrawn` is read by the view (visitors' base list), not a filter on the rows."""
        return queryset

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
    q = filters.CharFilter(label="Search", method="filter_search")
    offering = IdFilter(field_name="offering_id")
    lifecycle = filters.ChoiceFilter(
        choices=Lifecycle.choices,
        method="filter_lifecycle",
        help_text="Current, expiring, expired or terminated today.",
    )
    vendor = filters.ModelChoiceFilter(
        field_name="offering__vendor", queryset=Vendor.objects.all(), empty_label="Any vendor"
    )
    expires_after = filters.DateFilter(
        label="Expires on or after", field_name="expires_on", lookup_expr="gte", widget=forms.DateInput(DATE)
    )
    expires_before = filters.DateFilter(
        label="Expires on or before", field_name="expires_on", lookup_expr="lte", widget=forms.DateInput(DATE)
    )

    portal_fields = ("q", "vendor", "lifecycle", "expires_after", "expires_before")

    class Meta:
        model = Agreement
        form = FilterForm
        fields = ["q", "offering", "vendor", "currency", "expires_before", "expires_after", "lifecycle"]

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(offering__name__icontains=word) | Q(offering__vendor__name__icontains=word)
            )
        return queryset

    def filter_lifecycle(self, queryset, name, value):
        return queryset.with_lifecycle(timezone.localdate()).filter(lifecycle_status=value)


class ModelVersionFilterSet(filters.FilterSet):
    offering = IdFilter(field_name="offering_id")
    repo_id = filters.CharFilter(label="Hugging Face repo", lookup_expr="iexact")
    declared_license = filters.CharFilter(label="License", lookup_expr="iexact")
    pinned = filters.BooleanFilter(label="Pinned to a commit", method="filter_pinned")

    portal_fields = ("repo_id", "declared_license", "pinned")

    class Meta:
        model = ModelVersion
        form = FilterForm
        fields = ["offering", "repo_id", "declared_license", "pinned"]

    def filter_pinned(self, queryset, name, value):
        return queryset.exclude(pinned_sha="") if value else queryset.filter(pinned_sha="")


class ArtifactFilterSet(filters.FilterSet):
    model_version = IdFilter(field_name="model_version_id")
    path = filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Artifact
        fields = ["model_version", "path", "is_lfs"]


class FedRAMPProductFilterSet(filters.FilterSet):
    fedramp_id = filters.CharFilter(lookup_expr="iexact")
    linked = filters.BooleanFilter(field_name="offerings", lookup_expr="isnull", exclude=True, distinct=True)

    class Meta:
        model = FedRAMPProduct
        fields = ["fedramp_id", "auth_type", "impact_level", "status", "linked"]


class FedRAMPProductChangeFilterSet(filters.FilterSet):
    fedramp_id = filters.CharFilter(field_name="product__fedramp_id", lookup_expr="iexact")
    changed_after = filters.DateFilter(field_name="changed_on", lookup_expr="gte")

    class Meta:
        model = FedRAMPProductChange
        fields = ["fedramp_id", "field", "changed_after"]
