"""Compliance API: verification runs (start one, poll it), file results, manifest drift, the
audit trail and its change feed, webhook subscriptions and their delivery log.

Agency officers see the rows of their own agency only: runs and results through the
deployment's agency, audit events and deliveries through their agency_id.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from agencies.models import WebhookDelivery, WebhookSubscription
from agencies.selectors import scope_to_agency
from agencies.webhooks import webhook_secret_rotate, webhook_subscription_save
from compliance.api.serializers import (
    AuditEventSerializer,
    ChangeFeedSerializer,
    ManifestDriftSerializer,
    VerificationFileResultSerializer,
    VerificationRunSerializer,
    VerificationStartSerializer,
    WebhookDeliverySerializer,
    WebhookSecretSerializer,
    WebhookSubscriptionSerializer,
)
from compliance.filtersets import (
    AuditEventFilterSet,
    ManifestDriftFilterSet,
    VerificationFileResultFilterSet,
    VerificationRunFilterSet,
    WebhookDeliveryFilterSet,
    WebhookSubscriptionFilterSet,
)
from compliance.models import ManifestDrift, VerificationFileResult, VerificationRun
from compliance.verification import verification_start
from core.api.csv_export import CsvRenderer, csv_response
from core.api.permissions import AGENCY_OR_GSA
from core.api.views import ApiReadViewSet, ApiViewMixin, ApiWriteViewSet
from core.models import AuditEvent

FEED_DEFAULT_LIMIT = 100
FEED_MAX_LIMIT = 500


class VerificationRunViewSet(mixins.CreateModelMixin, ApiReadViewSet):
    """Verification runs. POST starts one for a deployment and answers 202 with the run to poll."""

    serializer_class = VerificationRunSerializer
    filterset_class = VerificationRunFilterSet
    write_roles = AGENCY_OR_GSA
    search_fields = ["repo_id", "storage_path", "error_message"]
    ordering_fields = ["requested_at", "finished_at", "status"]

    @property
    def throttle_scope(self):
        return "expensive" if self.action == "create" else None

    def get_queryset(self):
        queryset = VerificationRun.objects.select_related("requested_by", "policy_exception__granted_by")
        return scope_to_agency(queryset, self.request.user, field="deployment__agency")

    @extend_schema(request=VerificationStartSerializer, responses={202: VerificationRunSerializer})
    def create(self, request, *args, **kwargs):
        """Start a checksum and license verification of a deployment; poll the Location for progress."""
        data = VerificationStartSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        run = verification_start(
            deployment=data.validated_data["deployment"],
            requested_by=request.user,
            trigger=VerificationRun.Trigger.API,
            full=data.validated_data["full"],
        )
        location = reverse("api:verificationrun-detail", kwargs={"pk": run.pk})
        body = VerificationRunSerializer(self.get_queryset().get(pk=run.pk)).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": location})


class VerificationFileResultViewSet(ApiReadViewSet):
    serializer_class = VerificationFileResultSerializer
    filterset_class = VerificationFileResultFilterSet
    search_fields = ["path", "detail"]
    ordering_fields = ["path", "status", "size"]

    def get_queryset(self):
        queryset = VerificationFileResult.objects.select_related("run__model_version__hub_manifest")
        return scope_to_agency(queryset, self.request.user, field="run__deployment__agency")


class ManifestDriftViewSet(ApiReadViewSet):
    queryset = ManifestDrift.objects.all()
    serializer_class = ManifestDriftSerializer
    filterset_class = ManifestDriftFilterSet
    ordering_fields = ["detected_at", "kind"]


class AuditEventViewSet(ApiReadViewSet):
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    lookup_field = "seq"
    search_fields = ["action", "object_type", "object_repr", "actor_label"]
    ordering_fields = ["seq", "created_at"]

    def get_queryset(self):
        return scope_to_agency(AuditEvent.objects.all(), self.request.user)


class ChangeFeedViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """What changed, in order: the audit events after a cursor (their chain sequence number).

    Sequence numbers are assigned while the audit chain's head row is locked, and that lock is
    held until the writing transaction commits, so an event never becomes visible after a later
    one: a client that stores `cursor` and passes it back as `since` misses nothing.
    """

    serializer_class = AuditEventSerializer
    pagination_class = None

    def get_queryset(self):
        return scope_to_agency(AuditEvent.objects.all(), self.request.user)

    def _int_param(self, name: str, default: int, maximum: int | None = None) -> int:
        raw = self.request.query_params.get(name, "")
        if raw == "":
            return default
        if not raw.isdigit() or len(raw) > 18:
            raise ValidationError({name: ["Give a whole number, 0 or more."]})
        return min(int(raw), maximum) if maximum else int(raw)

    @extend_schema(
        parameters=[
            OpenApiParameter("since", OpenApiTypes.INT, description="The `cursor` of the previous call (0 at first)."),
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"At most {FEED_MAX_LIMIT} events per call."),
        ],
        responses=ChangeFeedSerializer,
    )
    def list(self, request, *args, **kwargs):
        since = self._int_param("since", 0)
        limit = max(self._int_param("limit", FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT), 1)
        events = list(self.get_queryset().filter(seq__gt=since).order_by("seq")[: limit + 1])
        has_more = len(events) > limit
        events = events[:limit]
        cursor = events[-1].seq if events else since
        rows = AuditEventSerializer(events, many=True).data
        if isinstance(request.accepted_renderer, CsvRenderer):
            return csv_response(rows, name="changes", header=list(AuditEventSerializer().fields))
        next_url = None
        if has_more:
            next_url = request.build_absolute_uri(f"{request.path}?since={cursor}&limit={limit}")
        return Response({"cursor": cursor, "has_more": has_more, "next": next_url, "results": rows})


class WebhookSubscriptionViewSet(ApiWriteViewSet):
    """Webhook subscriptions, kept by GSA officers. The secret is write-only."""

    serializer_class = WebhookSubscriptionSerializer
    filterset_class = WebhookSubscriptionFilterSet
    search_fields = ["name", "url"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return scope_to_agency(WebhookSubscription.objects.all(), self.request.user)

    def save_record(self, instance):
        return webhook_subscription_save(actor=self.request.user, subscription=instance)

    @extend_schema(request=None, responses={200: WebhookSecretSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret", url_name="rotate")
    def rotate_secret(self, request, pk=None):
        """Replace the subscription's signing secret with a new random one, shown once in this answer."""
        subscription = self.get_object()
        secret = webhook_secret_rotate(actor=request.user, subscription=subscription)
        return Response({"id": subscription.pk, "secret": secret})


class WebhookDeliveryViewSet(ApiReadViewSet):
    """The delivery log: each event sent to each subscription, its attempts and last response."""

    serializer_class = WebhookDeliverySerializer
    filterset_class = WebhookDeliveryFilterSet
    ordering_fields = ["created_at", "status", "attempts"]

    def get_queryset(self):
        return scope_to_agency(WebhookDelivery.objects.all(), self.request.user)
