"""Catalog pages: the public list of offerings, the offering page, status changes and catalog management."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from catalog.filtersets import AgreementFilterSet, ModelVersionFilterSet, OfferingFilterSet, VendorFilterSet
from catalog.forms import AgreementForm, ModelVersionForm, OfferingForm, OfferingStatusForm, VendorForm
from catalog.models import Agreement, ModelVersion, Offering, Vendor
from catalog.selectors import (
    agreement_list,
    model_version_list,
    offering_list,
    offering_list_with_agreements,
    offering_request_refusal,
    vendor_list,
)
from catalog.services import OFFERING_STATUS_MOVES, catalog_record_save, offering_change_status
from catalog.tables import AgreementTable, ModelVersionTable, OfferingTable, VendorTable
from core.errors import PermissionRefused, ServiceError
from core.portal import GsaOfficerRequiredMixin, form_add_service_error
from core.tables import TableListView

SAVED = "{record} was saved."
STATUS_CHANGED = "{offering} is now {status}."


class OfferingListView(TableListView):
    """Search and filter the catalog. Visitors see approved offerings, and withdrawn ones with their status
    when they ask ("include withdrawn"); signed-in users see all of them."""

    template_name = "catalog/offering_list.html"
    table_class = OfferingTable
    filterset_class = OfferingFilterSet
    export_name = "offerings"
    filter_label = "Search and filter offerings"

    def get_queryset(self):
        include_withdrawn = self.request.GET.get("include_withdrawn") in ("on", "true", "1")
        return offering_list_with_agreements(user=self.request.user, include_withdrawn=include_withdrawn)

    def get_filterset(self, queryset):
        filterset = super().get_filterset(queryset)
        hidden = "status" if not self.request.user.is_authenticated else "include_withdrawn"
        filterset.form.fields.pop(hidden, None)
        return filterset


class AgreementListView(TableListView):
    """Every OneGov agreement the user may see (visitors: those of approved offerings), with its source."""

    template_name = "catalog/agreement_list.html"
    table_class = AgreementTable
    filterset_class = AgreementFilterSet
    export_name = "agreements"

    def get_queryset(self):
        return agreement_list(user=self.request.user).select_related("offering__vendor")


class AgreementDetailView(TemplateView):
    template_name = "catalog/agreement_detail.html"

    def get_context_data(self, **kwargs):
        queryset = agreement_list(user=self.request.user).select_related("offering__vendor")
        return {**super().get_context_data(**kwargs), "agreement": get_object_or_404(queryset, pk=kwargs["pk"])}


class VendorListView(TableListView):
    template_name = "catalog/vendor_list.html"
    table_class = VendorTable
    filterset_class = VendorFilterSet
    export_name = "vendors"

    def get_queryset(self):
        return vendor_list(user=self.request.user)


class VendorDetailView(TemplateView):
    """A vendor and the offerings of it that the user may see."""

    template_name = "catalog/vendor_detail.html"

    def get_context_data(self, **kwargs):
        vendor = get_object_or_404(vendor_list(user=self.request.user), pk=kwargs["pk"])
        offerings = offering_list(user=self.request.user).filter(vendor=vendor)
        return {**super().get_context_data(**kwargs), "vendor": vendor, "offerings": offerings}


class ModelVersionListView(TableListView):
    template_name = "catalog/model_version_list.html"
    table_class = ModelVersionTable
    filterset_class = ModelVersionFilterSet
    export_name = "model-versions"

    def get_queryset(self):
        return model_version_list(user=self.request.user).select_related("offering")


class ModelVersionDetailView(TemplateView):
    """A model version: its Hub repo, the revision asked for and the commit it is pinned to."""

    template_name = "catalog/model_version_detail.html"

    def get_context_data(self, **kwargs):
        queryset = model_version_list(user=self.request.user).select_related("offering__vendor")
        version = get_object_or_404(queryset, pk=kwargs["pk"])
        return {**super().get_context_data(**kwargs), "version": version}


RECORD_KINDS = {
    "vendors": (Vendor, VendorForm),
    "offerings": (Offering, OfferingForm),
    "agreements": (Agreement, AgreementForm),
    "model-versions": (ModelVersion, ModelVersionForm),
}


class CatalogRecordFormView(GsaOfficerRequiredMixin, View):
    """Add or edit a vendor, offering, agreement or model version, saved by catalog_record_save."""

    template_name = "catalog/record_form.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if kwargs["kind"] not in RECORD_KINDS:
            raise Http404("No such kind of catalog record.")
        self.model, self.form_class = RECORD_KINDS[kwargs["kind"]]
        pk = kwargs.get("pk")
        self.instance = get_object_or_404(self.model, pk=pk) if pk else self.model()

    def get(self, request, **kwargs):
        initial = {key: value for key, value in request.GET.items() if key in ("offering", "vendor")}
        return self._render(self.form_class(instance=self.instance, initial=initial))

    def post(self, request, **kwargs):
        form = self.form_class(request.POST, instance=self.instance)
        if form.is_valid():
            try:
                record = catalog_record_save(actor=request.user, instance=form.instance)
            except PermissionRefused as error:
                raise PermissionDenied(str(error)) from error
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, SAVED.format(record=record))
                return redirect(_record_return_url(record))
        return self._render(form, status=400)

    def _render(self, form, status: int = 200):
        context = {"form": form, "record": self.instance, "verbose_name": self.model._meta.verbose_name}
        return render(self.request, self.template_name, context, status=status)


def _record_return_url(record) -> str:
    offering = record if isinstance(record, Offering) else getattr(record, "offering", None)
    if offering is not None:
        return reverse("catalog:offering-detail", args=[offering.slug])
    return reverse("catalog:offering-list") + f"?vendor={record.pk}"


class OfferingDetailView(TemplateView):
    """An offering: terms and their source, status history, model versions and the agencies onboarded.

    Approved offerings are public; the others need sign-in. The verifications and the onboardings
    come from the apps above the catalog through their inclusion tags (compliance_panels,
    agencies_panels), which show agency officers their own agency's rows only.
    """

    template_name = "catalog/offering_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        # A withdrawn offering's page stays public, with its status: visitors are not shown a 404.
        offering = get_object_or_404(offering_list(user=user, include_withdrawn=True), slug=kwargs["slug"])
        no_terms = offering_request_refusal(offering=offering, today=timezone.localdate())
        return {
            **super().get_context_data(**kwargs),
            "offering": offering,
            "agreements": offering.agreements.select_related("successor"),
            "status_changes": offering.status_changes.select_related("changed_by"),
            "model_versions": offering.model_versions.all(),
            "can_request": offering.status == Offering.Status.APPROVED
            and not no_terms
            and (user.is_authenticated and (user.is_agency_officer or user.is_gsa_officer)),
            "request_refusal": no_terms,
        }


def _move_label(offering: Offering, to_status: str) -> str:
    if to_status == Offering.Status.APPROVED and offering.is_withdrawn:
        return "Reinstated (approved again)"
    return Offering.Status(to_status).label


class OfferingStatusView(GsaOfficerRequiredMixin, View):
    """Approve, suspend, remove, contest or reinstate an offering with a reason, the event's date and its source;
    lists the agencies whose onboardings were flagged."""

    template_name = "catalog/offering_status_form.html"

    @staticmethod
    def _moves(offering: Offering) -> list[tuple[str, str]]:
        return [(status, _move_label(offering, status)) for status in sorted(OFFERING_STATUS_MOVES[offering.status])]

    def _context(self, slug, form=None, result=None, confirm=False):
        offering = get_object_or_404(Offering.objects.select_related("vendor"), slug=slug)
        form = form or OfferingStatusForm(moves=self._moves(offering))
        return {
            "offering": offering,
            "form": form,
            "result": result,
            "confirm": confirm,
            "moves": self._moves(offering),
        }

    def get(self, request, slug):
        return render(request, self.template_name, self._context(slug))

    def post(self, request, slug):
        offering = get_object_or_404(Offering, slug=slug)
        form = OfferingStatusForm(request.POST, moves=self._moves(offering))
        if form.is_valid() and not form.cleaned_data["confirmed"]:
            return render(request, self.template_name, self._context(slug, form=form, confirm=True))
        if form.is_valid():
            fields = {name: value for name, value in form.cleaned_data.items() if name != "confirmed"}
            try:
                result = offering_change_status(actor=request.user, offering=offering, **fields)
            except PermissionRefused as error:
                raise PermissionDenied(error.message) from error
            except ServiceError as error:
                form_add_service_error(form, error)
            else:
                messages.success(
                    request,
                    STATUS_CHANGED.format(offering=result.offering, status=result.offering.get_status_display()),
                )
                return render(request, self.template_name, self._context(slug, result=result))
        return render(request, self.template_name, self._context(slug, form=form), status=400)
