"""Compliance reports: request one (an agency's, or government-wide for GSA officers), list them, download PDFs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from agencies.selectors import agency_list
from compliance.filtersets import ReportFilterSet
from compliance.forms import ReportRequestForm
from compliance.models import Report
from compliance.services import framework_choices, report_list, report_request
from compliance.tables import ReportTable
from core.errors import PermissionRefused, ServiceError
from core.portal import OfficerRequiredMixin, SignedInMixin, form_add_service_error
from core.tables import TableListView

REQUESTED = "Report #{pk} was queued; it is issued in a minute or two."
GOVERNMENT_WIDE = "government"
NOT_ISSUED = "This report has no PDF yet."


class ReportListView(SignedInMixin, TableListView):
    template_name = "compliance/report_list.html"
    table_class = ReportTable
    filterset_class = ReportFilterSet
    export_name = "reports"

    def get_queryset(self):
        return report_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        user = self.request.user
        pending = report_list(user=user).filter(status__in=[Report.Status.QUEUED, Report.Status.RUNNING]).exists()
        return {
            **super().get_context_data(**kwargs),
            # While a report is queued or running the list refreshes itself (htmx) until its PDF is ready.
            "pending": pending,
            "can_request": user.is_gsa_officer or user.is_agency_officer,
        }


class ReportRequestView(OfficerRequiredMixin, View):
    template_name = "compliance/report_form.html"

    def _form(self, *args, **kwargs) -> ReportRequestForm:
        user = self.request.user
        agencies = [(str(a.pk), f"{a.name} ({a.abbreviation})") for a in agency_list(user=user).order_by("name")]
        if user.is_gsa_officer:
            agencies = [(GOVERNMENT_WIDE, "Government-wide (every agency)"), *agencies]
        return ReportRequestForm(*args, agencies=agencies, frameworks=framework_choices(), **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": self._form()})

    def post(self, request):
        form = self._form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            agency = None
            if data["agency"] != GOVERNMENT_WIDE:
                agency = get_object_or_404(agency_list(user=request.user), pk=data["agency"])
            try:
                report = report_request(
                    requested_by=request.user,
                    framework=data["framework"],
                    agency=agency,
                )
            except PermissionRefused as error:
                raise PermissionDenied(error.message) from error
            except ServiceError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, REQUESTED.format(pk=report.pk))
                return redirect("compliance:report-list")
        return render(request, self.template_name, {"form": form}, status=400)


class ReportDownloadView(SignedInMixin, View):
    """The issued PDF of a report the user may see."""

    def get(self, request, pk):
        report = get_object_or_404(report_list(user=request.user), pk=pk)
        if report.status != Report.Status.ISSUED or not report.pdf:
            raise Http404(NOT_ISSUED)
        scope = report.agency.abbreviation.lower() if report.agency else "government-wide"
        return FileResponse(
            report.pdf.open("rb"),
            as_attachment=True,
            filename=f"onegov-report-{report.pk}-{scope}-{report.framework}.pdf",
            content_type="application/pdf",
        )
