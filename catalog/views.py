"""Catalog pages: the public list of approved offerings and catalog management for GSA officers.

The offering page itself lives in agencies.views, because it lists the agencies onboarded.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from catalog.filtersets import OfferingFilterSet
from catalog.forms import AgreementForm, ModelVersionForm, OfferingForm, VendorForm
from catalog.models import Agreement, ModelVersion, Offering, Vendor
from catalog.selectors import offering_public_list
from catalog.services import CatalogPermissionDenied, catalog_record_save
from config.portal import GsaOfficerRequiredMixin, form_add_service_error, paginate, portal_filterset

SAVED = "{record} was saved."


class OfferingListView(TemplateView):
    """Search and filter the catalog. Visitors see approved offerings, and withdrawn ones with their status
    when they ask ("include withdrawn"); signed-in users see all of them."""

    template_name = "catalog/offering_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        anonymous = not self.request.user.is_authenticated
        if anonymous:
            include_withdrawn = self.request.GET.get("include_withdrawn") in ("on", "true", "1")
            queryset = offering_public_list(include_withdrawn=include_withdrawn)
        else:
            queryset = Offering.objects.select_related("vendor")
        queryset = queryset.prefetch_related(
            Prefetch("agreements", queryset=Agreement.objects.order_by("-announced_on"))
        )
        filterset = portal_filterset(OfferingFilterSet, self.request.GET, queryset)
        if anonymous:
            del filterset.form.fields["status"]
        else:
            del filterset.form.fields["include_withdrawn"]
        context["filter"] = filterset
        context["page"] = paginate(self.request, filterset.qs)
        context["query"] = _query_without_page(self.request)
        return context


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


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
            except CatalogPermissionDenied as error:
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
        return reverse("agencies:offering-detail", args=[offering.slug])
    return reverse("catalog:offering-list") + f"?vendor={record.pk}"
