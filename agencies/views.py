"""Portal pages of agencies: agencies, the onboarding workflow, deployments and the offering page.

Every read goes through agencies.selectors, so an agency officer's lookups of another agency's
records find nothing (404); every write goes through agencies.services, whose refusals are shown
next to the field they name.
"""

from __future__ import annotations

from typing import NoReturn

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import TemplateView

from agencies.caio import caio_designate
from agencies.filtersets import AgencyFilterSet, DeploymentFilterSet, OnboardingFilterSet
from agencies.forms import (
    CaioDesignateForm,
    ContractFactsEditForm,
    DeploymentForm,
    OnboardingRequestForm,
    TransitionForm,
)
from agencies.models import Deployment, Onboarding
from agencies.selectors import agency_list, deployment_list, onboarding_list, onboarding_offboarding_queue
from agencies.services import (
    TRANSITIONS,
    deployment_save,
    onboarding_contract_facts_update,
    onboarding_request,
    onboarding_transition,
)
from agencies.tables import AgencyTable, DeploymentTable, OnboardingTable
from core.errors import PermissionRefused, ServiceError
from core.portal import (
    CHANGE_REFUSED,
    OfficerRequiredMixin,
    SignedInMixin,
    form_add_service_error,
    paginate,
)
from core.tables import TableListView

REQUESTED = "The request for {offering} was sent to GSA for review."
FACTS_SAVED = "The contract facts were saved."
STEP_DONE = "The onboarding was {verb}."
DEPLOYMENT_SAVED = "Deployment {deployment} was saved."
STATUS_CHANGED = "{offering} is now {status}."
CAIO_SAVED = "{name} is recorded as the Chief AI Officer of {agency} from {day:%d %b %Y}."


def _refuse(error: PermissionRefused) -> NoReturn:
    """Another agency's record is not found (404); a wrong role is forbidden (403)."""
    if error.code == "not_found":
        raise Http404(error.message)
    raise PermissionDenied(error.message)


class AgencyListView(SignedInMixin, TableListView):
    template_name = "agencies/agency_list.html"
    table_class = AgencyTable
    filterset_class = AgencyFilterSet
    export_name = "agencies"

    def get_queryset(self):
        return agency_list(user=self.request.user)


class AgencyDetailView(SignedInMixin, TemplateView):
    """One agency: its Chief AI Officer, onboardings, deployments, use cases and compliance status."""

    template_name = "agencies/agency_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        agency = get_object_or_404(agency_list(user=user).prefetch_related("caio_terms"), pk=kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "agency": agency,
            "caio_terms": sorted(agency.caio_terms.all(), key=lambda t: (t.designated_on, t.pk), reverse=True),
            "may_edit_caio": user.is_gsa_officer or (user.is_agency_officer and user.agency_id == agency.pk),
            "onboardings": onboarding_list(user=user).filter(agency=agency),
            "deployments": deployment_list(user=user).filter(agency=agency),
        }


class AgencyCaioView(OfficerRequiredMixin, View):
    """Record a new Chief AI Officer (GSA officers, or the agency's own officers); the history is kept."""

    template_name = "agencies/caio_form.html"

    def _agency(self, request, pk):
        agency = get_object_or_404(agency_list(user=request.user).prefetch_related("caio_terms"), pk=pk)
        if not (request.user.is_gsa_officer or request.user.agency_id == agency.pk):
            raise PermissionDenied(CHANGE_REFUSED)
        return agency

    def get(self, request, pk):
        agency = self._agency(request, pk)
        return render(request, self.template_name, {"form": CaioDesignateForm(), "agency": agency})

    def post(self, request, pk):
        agency = self._agency(request, pk)
        form = CaioDesignateForm(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                term = caio_designate(
                    actor=request.user, agency=agency, document=data.pop("designation_document"), **data
                )
            except PermissionRefused as error:
                _refuse(error)
            except (ServiceError, ValidationError) as error:
                form_add_service_error(form, error)
            else:
                messages.success(
                    request, CAIO_SAVED.format(name=term.name, agency=agency.abbreviation, day=term.designated_on)
                )
                return redirect("agencies:agency-detail", pk=agency.pk)
        return render(request, self.template_name, {"form": form, "agency": agency}, status=400)


class OnboardingListView(SignedInMixin, TableListView):
    template_name = "agencies/onboarding_list.html"
    table_class = OnboardingTable
    filterset_class = OnboardingFilterSet
    export_name = "onboardings"

    def get_queryset(self):
        return onboarding_list(user=self.request.user)


class OffboardingQueueView(OfficerRequiredMixin, TemplateView):
    """GSA officers (every agency) and agency officers (their own): onboardings flagged for offboarding."""

    template_name = "agencies/offboarding_queue.html"

    def get_context_data(self, **kwargs):
        queryset = onboarding_offboarding_queue(user=self.request.user)
        return {**super().get_context_data(**kwargs), "page": paginate(self.request, queryset)}


class OnboardingRequestView(OfficerRequiredMixin, View):
    """An agency officer (or a GSA officer on an agency's behalf) requests an approved offering."""

    template_name = "agencies/onboarding_form.html"

    def get(self, request):
        initial = {"offering": request.GET.get("offering")} if request.GET.get("offering") else {}
        return render(request, self.template_name, {"form": OnboardingRequestForm(user=request.user, initial=initial)})

    def post(self, request):
        form = OnboardingRequestForm(request.POST, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            agency = data.pop("agency", None) or request.user.agency
            try:
                onboarding = onboarding_request(actor=request.user, agency=agency, **data)
            except PermissionRefused as error:
                _refuse(error)
            except (ServiceError, ValidationError) as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, REQUESTED.format(offering=onboarding.offering))
                return redirect("agencies:onboarding-detail", pk=onboarding.pk)
        return render(request, self.template_name, {"form": form}, status=400)


def _available_actions(user, onboarding: Onboarding) -> list:
    return [
        transition
        for transition in TRANSITIONS.values()
        if onboarding.state in transition.sources and user.is_active and user.role in transition.roles
    ]


class OnboardingDetailView(SignedInMixin, View):
    """An onboarding, its contract facts, its whole history and the steps the user may take next."""

    template_name = "agencies/onboarding_detail.html"

    def get(self, request, pk):
        return self._render(self._onboarding(pk))

    def post(self, request, pk):
        if not (request.user.is_gsa_officer or request.user.is_agency_officer):
            raise PermissionDenied(CHANGE_REFUSED)
        onboarding = self._onboarding(pk)
        form = TransitionForm(request.POST)
        if form.is_valid():
            action = form.cleaned_data["action"]
            try:
                onboarding = onboarding_transition(
                    actor=request.user, onboarding=onboarding, action=action, reason=form.cleaned_data["reason"]
                )
            except ServiceError as error:
                if error.code == "not_found":
                    raise Http404(error.message) from error
                form.add_error("reason", error.message)
                form.mark_errors()
            else:
                messages.success(request, STEP_DONE.format(verb=TRANSITIONS[action].verb))
                return redirect("agencies:onboarding-detail", pk=onboarding.pk)
        return self._render(onboarding, failed=form, status=400)

    def _onboarding(self, pk) -> Onboarding:
        return get_object_or_404(onboarding_list(user=self.request.user).prefetch_related("transitions__actor"), pk=pk)

    def _render(self, onboarding, failed: TransitionForm | None = None, status: int = 200):
        forms, refusal = [], None
        for transition in _available_actions(self.request.user, onboarding):
            if failed is not None and failed.data.get("action") == transition.action:
                forms.append((transition, failed))
            else:
                forms.append((transition, TransitionForm(initial={"action": transition.action})))
        if failed is not None and all(form is not failed for _, form in forms):
            # A step the page did not offer (a stale page, or a hand-made request): say why above the steps.
            refusal = " ".join(message for messages_ in failed.errors.values() for message in messages_)
        context = {"onboarding": onboarding, "transition_forms": forms, "refusal": refusal}
        context["can_edit_facts"] = (
            self.request.user.is_gsa_officer or self.request.user.is_agency_officer
        ) and onboarding.state not in Onboarding.CLOSED_STATES
        return render(self.request, self.template_name, context, status=status)


class OnboardingContractFactsView(OfficerRequiredMixin, View):
    template_name = "agencies/contract_facts_form.html"

    def get(self, request, pk):
        onboarding = get_object_or_404(onboarding_list(user=request.user), pk=pk)
        initial = {name: getattr(onboarding, name) for name in ContractFactsEditForm.base_fields}
        return render(
            request, self.template_name, {"form": ContractFactsEditForm(initial=initial), "onboarding": onboarding}
        )

    def post(self, request, pk):
        onboarding = get_object_or_404(onboarding_list(user=request.user), pk=pk)
        form = ContractFactsEditForm(request.POST)
        if form.is_valid():
            try:
                onboarding_contract_facts_update(actor=request.user, onboarding=onboarding, **form.cleaned_data)
            except PermissionRefused as error:
                _refuse(error)
            except (ServiceError, ValidationError) as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, FACTS_SAVED)
                return redirect("agencies:onboarding-detail", pk=onboarding.pk)
        return render(request, self.template_name, {"form": form, "onboarding": onboarding}, status=400)


class DeploymentListView(SignedInMixin, TableListView):
    """Deployments; compliance registers the "re-verify" bulk action on this list (list_name)."""

    template_name = "agencies/deployment_list.html"
    table_class = DeploymentTable
    filterset_class = DeploymentFilterSet
    export_name = "deployments"
    list_name = "agencies.deployment"

    def get_queryset(self):
        return deployment_list(user=self.request.user)


class DeploymentDetailView(SignedInMixin, TemplateView):
    """A deployment and its verification runs, newest first, with a button to start one."""

    template_name = "agencies/deployment_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        deployment = get_object_or_404(deployment_list(user=user), pk=kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "deployment": deployment,
            "runs": paginate(self.request, deployment.verification_runs.select_related("requested_by")),
            "can_change": user.is_gsa_officer or user.is_agency_officer,
            "full_rehash_days": settings.VERIFY_FULL_REHASH_DAYS,
        }


class DeploymentFormView(OfficerRequiredMixin, View):
    """Register a deployment (agency officers for their own agency) or edit one."""

    template_name = "agencies/deployment_form.html"

    def _deployment(self, pk) -> Deployment:
        if pk is None:
            return Deployment()
        return get_object_or_404(deployment_list(user=self.request.user), pk=pk)

    def get(self, request, pk=None):
        form = DeploymentForm(instance=self._deployment(pk), user=request.user)
        return render(request, self.template_name, {"form": form, "deployment": form.instance})

    def post(self, request, pk=None):
        form = DeploymentForm(request.POST, instance=self._deployment(pk), user=request.user)
        if form.is_valid():
            try:
                deployment = deployment_save(actor=request.user, deployment=form.instance)
            except PermissionRefused as error:
                _refuse(error)
            except (ServiceError, ValidationError) as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, DEPLOYMENT_SAVED.format(deployment=deployment))
                return redirect("agencies:deployment-detail", pk=deployment.pk)
        return render(request, self.template_name, {"form": form, "deployment": form.instance}, status=400)
