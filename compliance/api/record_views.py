"""Compliance records API (issue 6): requirements, an agency's assessment and AI-BOM, evidence and
its documents, the use case inventory, reports and their PDFs, and the public attestation check.

Every write is an explicit action that calls one `compliance.services` function. Reads are scoped
by the services' selectors: an agency officer sees their own agency's evidence, use cases and
reports, and another agency's record answers 404 as if it did not exist.

Requirements are read by any signed-in user (they are the text of public OMB memos, but the API
keeps its rule that only the catalog is anonymous). The attestation check is public: anyone who
holds a PDF may ask whether the registry issued it.
"""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from agencies.api.views import _agency_for_write
from agencies.selectors import agency_list
from catalog.selectors import model_version_list
from compliance import services
from compliance.api.record_serializers import (
    AssessmentSerializer,
    AttestationCheckSerializer,
    AttestationQuerySerializer,
    AttestationUploadSerializer,
    EvidenceDocumentSerializer,
    EvidenceDocumentUploadSerializer,
    EvidenceRecordSerializer,
    EvidenceSerializer,
    ImportResultSerializer,
    ReportRequestSerializer,
    ReportSerializer,
    RequirementSerializer,
    UseCaseImportSerializer,
    UseCaseSerializer,
)
from compliance.api.serializers import ManifestSyncAcceptedSerializer
from compliance.filtersets import EvidenceFilterSet, ReportFilterSet, RequirementFilterSet, UseCaseFilterSet
from compliance.manifest import manifest_sync_request
from compliance.models import Report
from core.api.exceptions import error_body
from core.api.parsers import BoundedJSONParser
from core.api.permissions import AGENCY_OR_GSA, GSA_ONLY, PUBLIC_CATALOG_PERMISSIONS
from core.api.views import ApiBaseMixin, ApiReadViewSet
from core.errors import ServiceError

NOT_ISSUED = "The report has not been issued (yet): poll it until its status is `issued`."
MAX_ATTESTATION_BYTES = 10 * 1024 * 1024  # anonymous: no report the registry issues comes close
ATTESTATION_TOO_LARGE = "The file is larger than 10 MB: no report we issue is that large."
# Files come as multipart; JSON is accepted too (for `sha256`, or to be told which field is missing).
UPLOAD_PARSERS = [MultiPartParser, FormParser, BoundedJSONParser]
FRAMEWORK_PARAMETER = OpenApiParameter(
    "framework", OpenApiTypes.STR, description="A catalog slug (e.g. m-25-21); every framework when left out."
)


class PdfRenderer(BaseRenderer):
    """Lets `Accept: application/pdf` through content negotiation; the PDF itself is a FileResponse."""

    media_type = "application/pdf"
    format = "pdf"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


class OmbCsvRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "omb-csv"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


class RequirementViewSet(ApiReadViewSet):
    """The requirement catalog (M-25-21, M-25-22), read-only; any signed-in user may read it."""

    serializer_class = RequirementSerializer
    filterset_class = RequirementFilterSet
    search_fields = ["code", "title", "text", "section"]
    ordering_fields = ["code", "deadline"]

    def get_queryset(self):
        return services.requirement_list()


class EvidenceViewSet(ApiReadViewSet):
    """Evidence: agency officers record it for their own agency, GSA officers for any and review it."""

    serializer_class = EvidenceSerializer
    filterset_class = EvidenceFilterSet
    search_fields = ["notes", "requirement__code", "requirement__title"]
    ordering_fields = ["recorded_at", "reviewed_at", "status"]

    @property
    def write_roles(self):
        return GSA_ONLY if self.action == "review" else AGENCY_OR_GSA

    def get_queryset(self):
        return services.evidence_list(user=self.request.user)

    def _detail(self, evidence_id: int) -> Response:
        return Response(EvidenceSerializer(self.get_queryset().get(pk=evidence_id)).data)

    @extend_schema(request=EvidenceRecordSerializer, responses={201: EvidenceSerializer})
    def create(self, request, *args, **kwargs):
        """Record (create or replace) the evidence for one requirement and subject; it then awaits review."""
        data = EvidenceRecordSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        agency = _agency_for_write(request.user, fields.pop("agency", None))
        waiver = None
        if fields["status"] == "waived":
            waiver = services.Waiver(
                granted_by=fields["waiver_granted_by"],
                granted_on=fields["waiver_granted_on"],
                justification=fields["waiver_justification"],
                recertify_by=fields["waiver_recertify_by"],
            )
        evidence = services.evidence_record(
            actor=request.user,
            requirement=fields["requirement"],
            agency=agency,
            status=fields["status"],
            notes=fields["notes"],
            use_case=fields.get("use_case"),
            onboarding=fields.get("onboarding"),
            waiver=waiver,
        )
        response = self._detail(evidence.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=None, responses=EvidenceSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Mark the evidence reviewed by you, now (GSA officers)."""
        evidence = services.evidence_review(actor=request.user, evidence=self.get_object())
        return self._detail(evidence.pk)

    @extend_schema(
        request={"multipart/form-data": EvidenceDocumentUploadSerializer}, responses={201: EvidenceDocumentSerializer}
    )
    @action(detail=True, methods=["post"], parser_classes=UPLOAD_PARSERS)
    def documents(self, request, pk=None):
        """Upload a file (PDF, image, text, CSV, Word, Excel) as a document of this evidence."""
        evidence = self.get_object()
        data = EvidenceDocumentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.evidence_document_add(
            actor=request.user, evidence=evidence, upload=data.validated_data["file"]
        )
        return Response(EvidenceDocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class UseCaseViewSet(ApiReadViewSet):
    """The AI use case inventory in OMB's 2025 format: browse, import a CSV, export OMB's CSV."""

    serializer_class = UseCaseSerializer
    filterset_class = UseCaseFilterSet
    write_roles = AGENCY_OR_GSA
    search_fields = ["use_case_id", "use_case_name", "agency_bureau", "vendor_name"]
    ordering_fields = ["use_case_id", "use_case_name", "operational_date", "updated_at"]

    def get_queryset(self):
        return services.use_case_list(user=self.request.user)

    @extend_schema(
        request={"multipart/form-data": UseCaseImportSerializer},
        responses={200: ImportResultSerializer},
        description="All rows or none: any bad row refuses the file, and `error.details.rows` lists every "
        "problem as {line, field, message}. Agency officers import their own agency's rows only.",
    )
    @action(detail=False, methods=["post"], url_path="import", url_name="import", parser_classes=UPLOAD_PARSERS)
    def import_csv(self, request):
        """Import OMB's inventory CSV: rows are created or updated by agency and id."""
        data = UseCaseImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            result = services.use_case_import(actor=request.user, data=b"".join(upload.chunks()))
        except services.InventoryImportError as error:
            rows = [{"line": e.line, "field": e.field, "message": e.message} for e in error.errors]
            body = error_body(error.code, error.message, {"rows": rows})
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(ImportResultSerializer(result).data)

    @extend_schema(
        responses={(200, "text/csv"): OpenApiTypes.STR},
        description="OMB's CSV as OMB defines it (a BOM, OMB's snake_case columns; `links=true` adds the "
        "registry's offering and deployment columns). Cells are as imported (dates in the form they came in, `[]` "
        "lists); a cell a spreadsheet would run as a formula gets a leading apostrophe, which the import removes, "
        "so the file imports back unchanged.",
        parameters=[OpenApiParameter("links", OpenApiTypes.BOOL)],
    )
    @action(detail=False, methods=["get"], renderer_classes=[JSONRenderer, OmbCsvRenderer])
    def export(self, request):
        """Export the use cases you may see (with the list's filters) in OMB's inventory format."""
        use_cases = self.filter_queryset(self.get_queryset())
        links = request.query_params.get("links", "").lower() in ("1", "true", "yes")
        text = services.use_case_export(use_cases=use_cases, include_links=links)
        response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="ai-use-case-inventory.csv"'
        return response


class ReportViewSet(ApiReadViewSet):
    """Compliance reports: request one (202, poll the Location), list them, download an issued PDF."""

    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    write_roles = AGENCY_OR_GSA
    ordering_fields = ["requested_at", "issued_at", "status"]

    @property
    def throttle_scope(self):
        return "expensive" if self.action == "create" else None

    def get_queryset(self):
        return services.report_list(user=self.request.user)

    @extend_schema(request=ReportRequestSerializer, responses={202: ReportSerializer})
    def create(self, request, *args, **kwargs):
        """Queue a report for an agency (or government-wide); it is rendered in the background."""
        data = ReportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_request(requested_by=request.user, **data.validated_data)
        location = reverse("api:report-detail", kwargs={"pk": report.pk})
        body = ReportSerializer(self.get_queryset().get(pk=report.pk)).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": location})

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PdfRenderer])
    def pdf(self, request, pk=None):
        """The issued report's PDF attestation (409 while it is queued or running, or if it failed)."""
        report = self.get_object()
        if report.status != Report.Status.ISSUED or not report.pdf:
            raise ServiceError(NOT_ISSUED, code="conflict")
        return FileResponse(
            report.pdf.open("rb"), content_type="application/pdf", as_attachment=True, filename=f"{report.number}.pdf"
        )


class AttestationViewSet(ApiBaseMixin, viewsets.GenericViewSet):
    """Public: was this PDF issued by the registry, for whom, and has a newer report replaced it?"""

    queryset = Report.objects.none()  # the check looks reports up itself
    permission_classes = [AllowAny]
    serializer_class = AttestationCheckSerializer
    pagination_class = None

    @extend_schema(
        methods=["GET"], parameters=[AttestationQuerySerializer], request=None, responses=AttestationCheckSerializer
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": AttestationUploadSerializer},
        responses=AttestationCheckSerializer,
    )
    @action(detail=False, methods=["get", "post"], parser_classes=UPLOAD_PARSERS)
    def verify(self, request):
        """GET `?sha256=`, or POST a multipart `pdf` (or a `sha256` field)."""
        if request.method == "GET":
            data = AttestationQuerySerializer(data=request.query_params)
            data.is_valid(raise_exception=True)
            return Response(services.attestation_verify(sha256=data.validated_data["sha256"]).as_dict())
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_ATTESTATION_BYTES + 64 * 1024:  # before parsing
            raise ServiceError(ATTESTATION_TOO_LARGE, code="file_too_large", field="pdf")
        data = AttestationUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data.get("pdf")
        if upload is None:
            return Response(services.attestation_verify(sha256=data.validated_data["sha256"]).as_dict())
        if upload.size > MAX_ATTESTATION_BYTES:
            raise ServiceError(ATTESTATION_TOO_LARGE, code="file_too_large", field="pdf")
        return Response(services.attestation_verify(content=b"".join(upload.chunks())).as_dict())


class AgencyComplianceViewSet(ApiBaseMixin, viewsets.GenericViewSet):
    """An agency's compliance assessment and AI bill of materials (`/agencies/{id}/assessment/`, `/aibom/`)."""

    pagination_class = None
    serializer_class = AssessmentSerializer

    def get_queryset(self):
        return agency_list(user=self.request.user)

    @extend_schema(parameters=[FRAMEWORK_PARAMETER], responses=AssessmentSerializer)
    @action(detail=True, methods=["get"])
    def assessment(self, request, pk=None):
        """Each requirement's status for the agency: automatic checks first, then the recorded evidence."""
        agency = self.get_object()
        framework = request.query_params.get("framework") or None
        if framework is not None and framework not in services.framework_choices():
            raise ServiceError(f"Use one of: {', '.join(services.framework_choices())}.", field="framework")
        frameworks = None if framework in (None, "all") else [framework]
        return Response(AssessmentSerializer(services.agency_assess(agency=agency, frameworks=frameworks)).data)

    @extend_schema(responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="A CycloneDX 1.6 document.")})
    @action(detail=True, methods=["get"])
    def aibom(self, request, pk=None):
        """The CycloneDX 1.6 AI-BOM of every model version the agency deploys, with verification status."""
        from compliance.aibom import aibom_document  # cyclonedx loads when a BOM is asked for

        return Response(aibom_document(agency=self.get_object(), actor=request.user))


class ModelVersionAibomViewSet(ApiBaseMixin, viewsets.GenericViewSet):
    """A model version's CycloneDX 1.6 AI-BOM (`/model-versions/{id}/aibom/`), as public as the version itself."""

    pagination_class = None
    permission_classes = PUBLIC_CATALOG_PERMISSIONS

    def get_queryset(self):
        return model_version_list(user=self.request.user)

    @extend_schema(responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="A CycloneDX 1.6 document.")})
    @action(detail=True, methods=["get"])
    def aibom(self, request, pk=None):
        """The model version as a machine-learning-model component, with its files, hashes and license."""
        from compliance.aibom import aibom_document  # cyclonedx loads when a BOM is asked for

        return Response(aibom_document(model_version=self.get_object()))


class ModelVersionManifestViewSet(ApiBaseMixin, viewsets.GenericViewSet):
    """`/model-versions/{id}/sync/`: compliance's manifest sync, beside the catalog's model version routes."""

    pagination_class = None
    permission_classes = PUBLIC_CATALOG_PERMISSIONS
    serializer_class = ManifestSyncAcceptedSerializer
    throttle_scope = None  # the sync action sets "expensive"

    def get_queryset(self):
        return model_version_list(user=self.request.user)

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
