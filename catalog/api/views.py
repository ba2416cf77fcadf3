"""Catalog API: vendors, offerings (and their status history), agreements, model versions, artifacts.

Anonymous visitors read the public catalog: approved offerings, their agreements and model
versions. Signed-in users read the whole catalog; GSA officers change it, through
`catalog_record_save`. The status actions of offerings (approve, suspend, remove) call
`offering_change_status`; the apps above the catalog react to it (agencies flags onboardings).
The manifest sync of a model version is compliance's action, registered beside these routes.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from catalog.api.serializers import (
    AgreementSerializer,
    ArtifactSerializer,
    ModelVersionSerializer,
    OfferingSerializer,
    OfferingStatusChangeSerializer,
    OfferingStatusInputSerializer,
    OfferingStatusResultSerializer,
    VendorSerializer,
)
from catalog.filtersets import (
    AgreementFilterSet,
    ArtifactFilterSet,
    ModelVersionFilterSet,
    OfferingFilterSet,
    OfferingStatusChangeFilterSet,
    VendorFilterSet,
)
from catalog.models import Artifact, Offering, OfferingStatusChange, Vendor
from catalog.selectors import agreement_list, model_version_list, offering_list
from catalog.services import catalog_record_save, offering_change_status
from core.api.permissions import PUBLIC_CATALOG_PERMISSIONS
from core.api.views import ApiReadViewSet, ApiWriteViewSet


class CatalogWriteViewSet(ApiWriteViewSet):
    def save_record(self, instance):
        return catalog_record_save(actor=self.request.user, instance=instance)


class VendorViewSet(CatalogWriteViewSet):
    queryset = Vendor.objects.all()
    serializer_class = VendorSerializer
    filterset_class = VendorFilterSet
    search_fields = ["name", "website"]
    ordering_fields = ["name", "created_at", "updated_at"]


class OfferingViewSet(CatalogWriteViewSet):
    serializer_class = OfferingSerializer
    filterset_class = OfferingFilterSet
    permission_classes = PUBLIC_CATALOG_PERMISSIONS
    search_fields = ["name", "slug", "description", "vendor__name"]
    ordering_fields = ["name", "status", "status_changed_at", "created_at", "updated_at"]

    def get_queryset(self):
        return offering_list(user=self.request.user)

    def _change_status(self, request, to_status: str) -> Response:
        offering = self.get_object()
        data = OfferingStatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {key: value for key, value in data.validated_data.items() if value is not None}
        result = offering_change_status(actor=request.user, offering=offering, to_status=to_status, **fields)
        agencies = {o.agency_id: o.agency for o in result.flagged}
        body = {
            "offering": Offering.objects.select_related("vendor").get(pk=offering.pk),
            "change": result.change,
            "flagged_onboardings": result.flagged,
            "flagged_agencies": sorted(agencies.values(), key=lambda agency: agency.abbreviation),
        }
        return Response(OfferingStatusResultSerializer(body).data)

    @extend_schema(request=OfferingStatusInputSerializer, responses=OfferingStatusResultSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve (or reinstate) an offering, with a reason."""
        return self._change_status(request, Offering.Status.APPROVED)

    @extend_schema(request=OfferingStatusInputSerializer, responses=OfferingStatusResultSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        """Suspend an offering; its approved and active onboardings are flagged for offboarding."""
        return self._change_status(request, Offering.Status.SUSPENDED)

    @extend_schema(request=OfferingStatusInputSerializer, responses=OfferingStatusResultSerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        """Remove an offering for good; its approved and active onboardings are flagged for offboarding."""
        return self._change_status(request, Offering.Status.REMOVED)


class OfferingStatusChangeViewSet(ApiReadViewSet):
    queryset = OfferingStatusChange.objects.select_related("changed_by")
    serializer_class = OfferingStatusChangeSerializer
    filterset_class = OfferingStatusChangeFilterSet
    search_fields = ["reason"]
    ordering_fields = ["effective_on", "recorded_at"]


class AgreementViewSet(CatalogWriteViewSet):
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet
    permission_classes = PUBLIC_CATALOG_PERMISSIONS
    search_fields = ["title", "conditions", "offering__name", "offering__vendor__name"]
    ordering_fields = ["title", "announced_on", "effective_on", "expires_on", "price_per_agency"]

    def get_queryset(self):
        return agreement_list(user=self.request.user)


class ModelVersionViewSet(CatalogWriteViewSet):
    serializer_class = ModelVersionSerializer
    filterset_class = ModelVersionFilterSet
    permission_classes = PUBLIC_CATALOG_PERMISSIONS
    search_fields = ["name", "repo_id", "declared_license"]
    ordering_fields = ["name", "repo_id", "release_date", "last_synced_at", "created_at"]

    def get_queryset(self):
        return model_version_list(user=self.request.user)


class ArtifactViewSet(ApiReadViewSet):
    queryset = Artifact.objects.all()
    serializer_class = ArtifactSerializer
    filterset_class = ArtifactFilterSet
    search_fields = ["path"]
    ordering_fields = ["path", "size"]
