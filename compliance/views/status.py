"""An agency's compliance status, requirement by requirement, and the forms that record and review evidence.

Reads are scoped by agencies.selectors.agency_list (another agency answers 404 to an agency officer);
writes go through compliance.services, whose refusals are shown next to the field they name.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import TemplateView

from agencies.selectors import agency_list
from compliance.assessment import requirement_subjects
from compliance.filtersets import EvidenceFilterSet
from compliance.forms import EvidenceForm
from compliance.models import Evidence, EvidenceDocument, Requirement
from compliance.services import (
    Waiver,
    agency_assess,
    evidence_document_add,
    evidence_list,
    evidence_record,
    evidence_review,
)
from compliance.tables import EvidenceTable
from core.errors import PermissionRefused, ServiceError
from core.portal import OfficerRequiredMixin, SignedInMixin, form_add_service_error
from core.tables import BulkAction, TableListView

EVIDENCE_SAVED = "The evidence for {code} was recorded."
EVIDENCE_REVIEWED = "The evidence for {code} was marked reviewed."
REVIEW_REFUSED = "Only GSA officers review evidence."


def _may_record(user, agency) -> bool:
    return user.is_gsa_officer or (user.is_agency_officer and user.agency_id == agency.pk)


class AgencyComplianceView(SignedInMixin, TemplateView):
    """Every requirement that applies to the agency: status, automatic or evidence, due date, evidence, waivers."""

    template_name = "compliance/agency_compliance.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        agency = get_object_or_404(agency_list(user=user), pk=kwargs["pk"])
        assessment = agency_assess(agency=agency)
        counts = assessment.counts()
        return {
            **super().get_context_data(**kwargs),
            "agency": agency,
            "results": assessment.results,
            "counts": [(label, counts.get(value, 0)) for value, label in Evidence._meta.get_field("status").choices],
            "can_record": _may_record(user, agency),
            "can_review": user.is_gsa_officer,
        }


class EvidenceRecordView(OfficerRequiredMixin, View):
    """Record the status of one requirement for one subject, with an optional waiver and document."""

    template_name = "compliance/evidence_form.html"

    def _setup(self, pk: int, code: str):
        agency = get_object_or_404(agency_list(user=self.request.user), pk=pk)
        if not _may_record(self.request.user, agency):
            raise Http404("Not your agency.")
        requirement = get_object_or_404(Requirement.objects.select_related("catalog"), code=code, is_active=True)
        facts = agency_assess(agency=agency, frameworks=[requirement.catalog.slug]).facts
        subjects = {self._key(key): (label, key) for label, _, key in requirement_subjects(requirement, facts)}
        return agency, requirement, subjects

    @staticmethod
    def _key(key: dict) -> str:
        if "use_case" in key:
            return f"use_case:{key['use_case']}"
        if "onboarding" in key:
            return f"onboarding:{key['onboarding']}"
        return "agency"

    def _form(self, subjects, *args, **kwargs) -> EvidenceForm:
        return EvidenceForm(*args, subjects=[(k, label) for k, (label, _) in subjects.items()], **kwargs)

    def get(self, request, pk, code):
        agency, requirement, subjects = self._setup(pk, code)
        chosen = request.GET.get("subject") or next(iter(subjects), "agency")
        initial = {"subject": chosen}
        if chosen in subjects:
            key = subjects[chosen][1]
            existing = Evidence.objects.filter(
                requirement=requirement, agency=agency, use_case=key.get("use_case"), onboarding=key.get("onboarding")
            ).first()
            if existing is not None:
                initial |= {name: getattr(existing, name) for name in ("status", "notes", *EvidenceForm.WAIVER_FIELDS)}
        form = self._form(subjects, initial=initial)
        return self._render(agency, requirement, form, subjects)

    def post(self, request, pk, code):
        agency, requirement, subjects = self._setup(pk, code)
        form = self._form(subjects, request.POST, request.FILES)
        if form.is_valid():
            try:
                evidence = self._save(agency, requirement, subjects[form.cleaned_data["subject"]][1], form.cleaned_data)
            except PermissionRefused as error:
                raise Http404(error.message) from error
            except (ServiceError, ValidationError) as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, EVIDENCE_SAVED.format(code=evidence.requirement.code))
                return redirect("compliance:agency-compliance", pk=agency.pk)
        return self._render(agency, requirement, form, subjects, status=400)

    def _save(self, agency, requirement, key: dict, data: dict) -> Evidence:
        """Record the evidence and its document together: a refused document saves nothing."""
        waiver = None
        if data.get("waiver_granted_by"):
            waiver = Waiver(
                granted_by=data["waiver_granted_by"],
                granted_on=data["waiver_granted_on"],
                justification=data["waiver_justification"],
                recertify_by=data["waiver_recertify_by"],
            )
        with transaction.atomic():
            evidence = evidence_record(
                actor=self.request.user,
                requirement=requirement,
                agency=agency,
                status=data["status"],
                notes=data["notes"],
                use_case=agency.use_cases.get(pk=key["use_case"]) if "use_case" in key else None,
                onboarding=agency.onboardings.get(pk=key["onboarding"]) if "onboarding" in key else None,
                waiver=waiver,
            )
            if data.get("file"):
                evidence_document_add(actor=self.request.user, evidence=evidence, upload=data["file"])
        return evidence

    def _render(self, agency, requirement, form, subjects, status: int = 200):
        context = {"agency": agency, "requirement": requirement, "form": form}
        return render(self.request, self.template_name, context, status=status)


class EvidenceReviewView(SignedInMixin, View):
    """POST: mark one evidence row reviewed (GSA officers)."""

    def post(self, request, pk):
        evidence = get_object_or_404(evidence_list(user=request.user), pk=pk)
        if not request.user.is_gsa_officer:
            raise PermissionDenied(REVIEW_REFUSED)
        evidence_review(actor=request.user, evidence=evidence)
        messages.success(request, EVIDENCE_REVIEWED.format(code=evidence.requirement.code))
        return redirect("compliance:agency-compliance", pk=evidence.agency_id)


class EvidenceDocumentView(SignedInMixin, View):
    """Download an evidence document (as an attachment, under the name it was uploaded with)."""

    def get(self, request, pk):
        evidence_ids = evidence_list(user=request.user).values("pk")
        document = get_object_or_404(EvidenceDocument.objects.filter(evidence__in=evidence_ids), pk=pk)
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )


REVIEW = BulkAction(
    name="review",
    label="Mark reviewed",
    explanation="Each chosen evidence row is marked reviewed by you, today.",
    run=lambda user, evidence: evidence_review(actor=user, evidence=evidence),
    allowed=lambda user: user.is_gsa_officer,
)


class EvidenceListView(SignedInMixin, TableListView):
    """Recorded evidence the user may see (agency officers: their agency's); GSA officers review it in bulk."""

    template_name = "compliance/evidence_list.html"
    table_class = EvidenceTable
    filterset_class = EvidenceFilterSet
    export_name = "evidence"
    bulk_actions = (REVIEW,)

    def get_queryset(self):
        return evidence_list(user=self.request.user)
