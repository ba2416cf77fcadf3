"""The AI use case inventory: list, detail, CSV import (all rows or none) and CSV export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import TemplateView

from agencies.selectors import agency_list
from compliance.filtersets import UseCaseFilterSet
from compliance.forms import UseCaseForm, UseCaseImportForm
from compliance.inventory import FIELD_OF, LINK_COLUMNS, OMB_COLUMNS, inventory_columns
from compliance.models import UseCase
from compliance.services import InventoryImportError, use_case_export, use_case_import, use_case_list, use_case_save
from compliance.tables import UseCaseTable
from core.api.csv_export import csv_response
from core.errors import PermissionRefused
from core.portal import OfficerRequiredMixin, SignedInMixin, form_add_service_error
from core.tables import TableListView

IMPORTED = (
    "Imported the inventory: {created} added, {updated} updated, {unchanged} unchanged, "
    "{with_warnings} with warnings, {refused} refused ({agencies})."
)
NOTHING_SAVED = "Nothing was saved: the file itself could not be read ({count} problem(s) below)."


def _scoped_use_cases(request):
    """The use cases the user may see, narrowed to ?agency=<pk> when given."""
    agency = None
    if request.GET.get("agency", "").isdigit():
        agency = get_object_or_404(agency_list(user=request.user), pk=request.GET["agency"])
    return use_case_list(user=request.user, agency=agency), agency


class UseCaseListView(SignedInMixin, TableListView):
    """The inventory the user may see (or one agency's, with ?agency=<pk>); OMB's CSV is at UseCaseExportView."""

    template_name = "compliance/use_case_list.html"
    table_class = UseCaseTable
    filterset_class = UseCaseFilterSet
    export_name = "use-cases"

    def get_queryset(self):
        return _scoped_use_cases(self.request)[0]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "agency": _scoped_use_cases(self.request)[1],
            "can_import": self.request.user.is_gsa_officer or self.request.user.is_agency_officer,
        }


class UseCaseDetailView(SignedInMixin, TemplateView):
    template_name = "compliance/use_case_detail.html"

    def get_context_data(self, **kwargs):
        use_case = get_object_or_404(use_case_list(user=self.request.user), pk=kwargs["pk"])
        # OMB's column names and the values as OMB writes them (the inventory's own vocabulary).
        fields = [
            (column, getattr(use_case, FIELD_OF.get(column, column)))
            for column in OMB_COLUMNS
            if column not in {"agency", "agency_name", "id", "use_case_name"}
        ]
        return {**super().get_context_data(**kwargs), "use_case": use_case, "fields": fields}


class UseCaseImportView(OfficerRequiredMixin, View):
    """Upload OMB's CSV; every problem is listed with its line and field, and nothing is saved unless none."""

    template_name = "compliance/use_case_import.html"

    def get(self, request):
        return render(request, self.template_name, {"form": UseCaseImportForm(), "columns": inventory_columns()})

    def post(self, request):
        form = UseCaseImportForm(request.POST, request.FILES)
        errors = []
        if form.is_valid():
            try:
                result = use_case_import(actor=request.user, data=form.cleaned_data["file"].read())
            except PermissionRefused as error:
                raise Http404(error.message) from error
            except InventoryImportError as error:
                errors = error.errors
                form.add_error("file", NOTHING_SAVED.format(count=len(errors)))
                form.mark_errors()
            else:
                summary = IMPORTED.format(
                    created=result.created,
                    updated=result.updated,
                    unchanged=result.unchanged,
                    with_warnings=result.with_warnings,
                    refused=result.refused,
                    agencies=", ".join(result.agencies) or "none changed",
                )
                if not result.problems:
                    messages.success(request, summary)
                    return redirect("compliance:use-case-list")
                context = {
                    "form": UseCaseImportForm(),
                    "errors": result.problems,
                    "summary": summary,
                    "columns": inventory_columns(),
                }
                return render(request, self.template_name, context, status=400 if result.refused else 200)
        context = {"form": form, "errors": errors, "columns": inventory_columns()}
        return render(request, self.template_name, context, status=400)


class UseCaseExportView(SignedInMixin, View):
    """The use cases the user may see (or one agency's, with ?agency=<pk>) as OMB's CSV."""

    def get(self, request):
        use_cases, agency = _scoped_use_cases(request)
        body = use_case_export(use_cases=use_cases.order_by("agency__abbreviation", "use_case_id"), include_links=True)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        name = f"{agency.abbreviation.lower()}-" if agency else ""
        response["Content-Disposition"] = f'attachment; filename="{name}ai-use-cases.csv"'
        return response


USE_CASE_SAVED = "Saved use case {use_case_id} of {agency}."


class UseCaseFormView(OfficerRequiredMixin, View):
    """Create one use case, or edit one the user may see (GSA, or an officer of its agency)."""

    template_name = "compliance/use_case_form.html"

    def _use_case(self, request, pk):
        if pk is None:
            return UseCase()
        return get_object_or_404(use_case_list(user=request.user), pk=pk)

    def get(self, request, pk=None):
        use_case = self._use_case(request, pk)
        return render(request, self.template_name, {"form": UseCaseForm(instance=use_case, user=request.user)})

    def post(self, request, pk=None):
        use_case = self._use_case(request, pk)
        form = UseCaseForm(request.POST, instance=use_case, user=request.user)
        if form.is_valid():
            try:
                saved = use_case_save(actor=request.user, use_case=form.instance)
            except (PermissionRefused, ValidationError) as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, USE_CASE_SAVED.format(use_case_id=saved.use_case_id, agency=saved.agency))
                return redirect("compliance:use-case-detail", pk=saved.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class UseCaseTemplateView(SignedInMixin, View):
    """An empty inventory CSV with the columns the import reads, in order (the import page explains each)."""

    def get(self, request):
        return csv_response([], name="use-case-inventory-template", header=OMB_COLUMNS + LINK_COLUMNS)
