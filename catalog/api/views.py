"""Catalog API: vendors, offerings (and their status history), agreements, model versions, artifacts.

Anonymous visitors read the public catalog: approved offerings, their agreements and model
versions. Signed-in users read the whole catalog; GSA officers change it, through
`catalog_record_save`. The status actions of offerings (approve, suspend, remove) flag
agencies' onboardings, so they live with the agencies API (agencies.api.views.OfferingViewSet).
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from catalog.api.serializers import (
    AgreementSerializer,
    ArtifactSerializer,
    FedRAMPProductChangeSerializer,
    FedRAMPProductSerializer,
    ManifestSyncAcceptedSerializer,
    ModelVersionSerializer,
    OfferingSerializer,
    OfferingStatusChangeSerializer,
    VendorSerializer,
)
from catalog.filtersets import (
    AgreementFilterSet,
    ArtifactFilterSet,
    FedRAMPProductChangeFilterSet,
    FedRAMPProductFilterSet,
    ModelVersionFilterSet,
    OfferingFilterSet,
    OfferingStatusChangeFilterSet,
    VendorFilterSet,
)
from catalog.models import (
    Agreement,
    Artifact,
    FedRAMPProduct,
    FedRAMPProductChange,
    ModelVersion,
    Offering,
    OfferingStatusChange,
    Vendor,
)
from catalog.selectors import offering_public_list
from catalog.services import catalog_record_save
from compliance.manifest import manifest_sync_request
from config.api.permissions import PUBLIC_CATALOG_PERMISSIONS
from config.api.views import ApiReadViewSet, ApiWriteViewSet


def _include_withdrawn(request) -> bool:
    """Visitors see approved offerings; `?include_withdrawn=true` adds the withdrawn ones, with their status."""
    return request.query_params.get("include_withdrawn", "").lower() in ("1", "true", "on", "yes")


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
        if self.request.user.is_authenticated:
            queryset = Offering.objects.select_related("vendor")
        else:
            queryset = offering_public_list(include_withdrawn=_include_withdrawn(self.request))
        return queryset.prefetch_related("fedramp_products")


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
        queryset = Agreement.objects.all()
        if not self.request.user.is_authenticated:
            visible = offering_public_list(include_withdrawn=_include_withdrawn(self.request))
            queryset = queryset.filter(offering__in=visible)
        return queryset


class ModelVersionViewSet(CatalogWriteViewSet):
    serializer_class = ModelVersionSerializer
    filterset_class = ModelVersionFilterSet
    permission_classes = PUBLIC_CATALOG_PERMISSIONS
    search_fields = ["name", "repo_id", "declared_license"]
    ordering_fields = ["name", "repo_id", "release_date", "last_synced_at", "created_at"]
    throttle_scope = None  # the sync action sets "expensive"

    def get_queryset(self):
        queryset = ModelVersion.objects.all()
        if not self.request.user.is_authenticated:
            queryset = queryset.filter(offering__status=Offering.Status.APPROVED)
        return queryset

    @extend_schema(request=None, responses={202: ManifestSyncAcceptedSerializer})
    @action(detail=True, methods=["post"], throttle_scope="expensive")
    def sync(self, request, pk=None):
        """Queue a manifest sync of this model version with the Hugging Face Hub (answers 202).

        Poll the model version: `last_synced_at` and `pinned_sha` change when the sync is done.
        """
        model_version = self.get_object()
        manifest_sync_request(model_version=model_version, actor=request.user)
        poll = reverse("api:modelversion-detail", kwargs={"pk": model_version.pk})
        body = ManifestSyncAcceptedSerializer({"model_version": model_version.pk, "status": "queued", "poll": poll})
        return Response(body.data, status=status.HTTP_202_ACCEPTED, headers={"Location": poll})


class FedRAMPProductViewSet(ApiReadViewSet):
    """FedRAMP's marketplace products as the last `sync_fedramp` loaded them (public data)."""

    queryset = FedRAMPProduct.objects.prefetch_related("offerings")
    serializer_class = FedRAMPProductSerializer
    filterset_class = FedRAMPProductFilterSet
    permission_classes = PUBLIC_CATALOG_PERMISSIONS
    search_fields = ["fedramp_id", "csp", "cso"]
    ordering_fields = ["csp", "cso", "auth_date", "status"]


class FedRAMPProductChangeViewSet(ApiReadViewSet):
    """Changes of status and impact level that the syncs recorded, newest first."""

    queryset = FedRAMPProductChange.objects.select_related("product")
    serializer_class = FedRAMPProductChangeSerializer
    filterset_class = FedRAMPProductChangeFilterSet
    permission_classes = PUBLIC_CATALOG_PERMISSIONS
    search_fields = ["product__fedramp_id", "product__cso"]
    ordering_fields = ["changed_on", "recorded_at"]


class ArtifactViewSet(ApiReadViewSet):
    queryset = Artifact.objects.all()
    serializer_class = ArtifactSerializer
    filterset_class = ArtifactFilterSet
    search_fields = ["path"]
    ordering_fields = ["path", "size"]
