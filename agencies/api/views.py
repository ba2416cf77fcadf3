"""Agencies API: agencies, onboardings (request and workflow steps), their history, deployments,
and the status actions of offerings (which flag agencies' onboardings).

Every queryset is scoped with the agencies selectors: an agency officer sees and changes only
their own agency's rows, and another agency's row answers 404 as if it did not exist.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from agencies.api.serializers import (
    AgencySerializer,
    CaioDesignateSerializer,
    CaioVacateSerializer,
    ChiefAIOfficerSerializer,
    DeploymentCreateSerializer,
    DeploymentSerializer,
    OnboardingFactsSerializer,
    OnboardingRequestSerializer,
    OnboardingSerializer,
    OnboardingTransitionSerializer,
    ReasonSerializer,
)
from agencies.caio import caio_designate, caio_vacate
from agencies.filtersets import (
    AgencyFilterSet,
    DeploymentFilterSet,
    OnboardingFilterSet,
    OnboardingTransitionFilterSet,
)
from agencies.models import Deployment, OnboardingTransition
from agencies.selectors import agency_list, deployment_list, onboarding_list, scope_to_agency
from agencies.services import (
    TRANSITIONS,
    deployment_save,
    onboarding_contract_facts_update,
    onboarding_request,
    onboarding_transition,
)
from core.api.permissions import AGENCY_OR_GSA
from core.api.views import ApiReadViewSet, ApiWriteViewSet

OTHER_AGENCY_WRITE = "Agency officers act for their own agency only."
AGENCY_REQUIRED = "Name the agency."


def _agency_for_write(user, requested):
    """The agency a new record belongs to: an agency officer's own, or the one a GSA officer names."""
    if user.is_agency_officer:
        if requested is not None and requested.pk != user.agency_id:
            raise PermissionDenied(OTHER_AGENCY_WRITE)
        return user.agency
    if requested is None:
        raise ValidationError({"agency": [AGENCY_REQUIRED]})
    return requested


class AgencyViewSet(ApiReadViewSet):
    serializer_class = AgencySerializer
    filterset_class = AgencyFilterSet
    write_roles = AGENCY_OR_GSA
    search_fields = ["name", "abbreviation", "caio_terms__name"]
    ordering_fields = ["name", "abbreviation", "created_at"]

    def get_queryset(self):
        return agency_list(user=self.request.user).prefetch_related("caio_terms")

    @extend_schema(methods=["GET"], responses=ChiefAIOfficerSerializer(many=True))
    @extend_schema(methods=["POST"], request=CaioDesignateSerializer, responses={201: ChiefAIOfficerSerializer})
    @action(detail=True, methods=["get", "post"], url_path="caio", url_name="caio", pagination_class=None)
    def caio(self, request, pk=None):
        """The Chief AI Officer's history (GET), or a new designation (POST; GSA or the agency's own officers)."""
        agency = self.get_object()
        if request.method == "GET":
            return Response(
                ChiefAIOfficerSerializer(agency.caio_terms.order_by("-designated_on", "-pk"), many=True).data
            )
        data = CaioDesignateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        term = caio_designate(actor=request.user, agency=agency, document=fields.pop("designation_document"), **fields)
        return Response(ChiefAIOfficerSerializer(term).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CaioVacateSerializer, responses=ChiefAIOfficerSerializer)
    @action(detail=True, methods=["post"], url_path="caio/vacate", url_name="caio_vacate")
    def caio_vacate(self, request, pk=None):
        """Record that the Chief AI Officer position became vacant."""
        agency = self.get_object()
        data = CaioVacateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        term = caio_vacate(actor=request.user, agency=agency, **data.validated_data)
        return Response(ChiefAIOfficerSerializer(term).data)


def _transition_action(name: str):
    def handler(self, request, pk=None):
        return self._transition(request, name)

    handler.__name__ = name
    handler.__doc__ = f"{name.capitalize()} the onboarding, with a reason kept in its history."
    handler = action(detail=True, methods=["post"], url_path=name, url_name=name)(handler)
    return extend_schema(request=ReasonSerializer, responses=OnboardingSerializer)(handler)


class OnboardingViewSet(mixins.CreateModelMixin, ApiReadViewSet):
    """Onboardings: an agency's request for an offering and each reviewed step after it."""

    serializer_class = OnboardingSerializer
    filterset_class = OnboardingFilterSet
    write_roles = AGENCY_OR_GSA
    search_fields = ["purpose", "contract_number", "offering__name", "agency__abbreviation"]
    ordering_fields = ["created_at", "updated_at", "state", "approved_at"]

    def get_queryset(self):
        return onboarding_list(user=self.request.user)

    @extend_schema(request=OnboardingRequestSerializer, responses={201: OnboardingSerializer})
    def create(self, request, *args, **kwargs):
        """Request an offering for an agency (submitted for GSA review unless `submit` is false)."""
        data = OnboardingRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        agency = _agency_for_write(request.user, fields.pop("agency", None))
        onboarding = onboarding_request(actor=request.user, agency=agency, **fields)
        return Response(OnboardingSerializer(onboarding).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OnboardingFactsSerializer, responses=OnboardingSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Record the M-25-22 contract facts (contract number, no training, portability, ATO dates)."""
        onboarding = self.get_object()
        data = OnboardingFactsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        updated = onboarding_contract_facts_update(actor=request.user, onboarding=onboarding, **data.validated_data)
        return Response(OnboardingSerializer(updated).data)

    def _transition(self, request, name: str) -> Response:
        onboarding = self.get_object()
        if request.user.role not in TRANSITIONS[name].roles:
            raise PermissionDenied(f"Your role may not {name} an onboarding.")
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = onboarding_transition(
            actor=request.user, onboarding=onboarding.pk, action=name, reason=data.validated_data["reason"]
        )
        return Response(OnboardingSerializer(self.get_queryset().get(pk=result.pk)).data)

    submit = _transition_action("submit")
    review = _transition_action("review")
    approve = _transition_action("approve")
    reject = _transition_action("reject")
    activate = _transition_action("activate")
    suspend = _transition_action("suspend")
    offboard = _transition_action("offboard")
    withdraw = _transition_action("withdraw")


class OnboardingTransitionViewSet(ApiReadViewSet):
    serializer_class = OnboardingTransitionSerializer
    filterset_class = OnboardingTransitionFilterSet
    search_fields = ["reason"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        queryset = OnboardingTransition.objects.select_related("actor")
        return scope_to_agency(queryset, self.request.user, field="onboarding__agency")


class DeploymentViewSet(ApiWriteViewSet):
    filterset_class = DeploymentFilterSet
    write_roles = AGENCY_OR_GSA
    search_fields = ["name", "storage_path", "model_version__repo_id"]
    ordering_fields = ["name", "created_at", "updated_at", "environment"]

    def get_queryset(self):
        return deployment_list(user=self.request.user)

    def get_serializer_class(self):
        return DeploymentCreateSerializer if self.action == "create" else DeploymentSerializer

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        agency = _agency_for_write(self.request.user, fields.pop("agency", None))
        serializer.instance = self.save_record(Deployment(agency=agency, **fields))

    def save_record(self, instance):
        return deployment_save(actor=self.request.user, deployment=instance)
