"""Start a verification of a deployment and follow its run until it ends."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from agencies.selectors import deployment_list
from compliance.filtersets import VerificationRunFilterSet
from compliance.forms import ScanExceptionForm
from compliance.models import HubManifest
from compliance.supply_chain import scan_exception_active, scan_exception_grant
from compliance.tables import VerificationRunTable
from compliance.verification import verification_start
from compliance.views.dashboard import verification_run_list
from core.api.csv_export import csv_response
from core.errors import ServiceError
from core.portal import GsaOfficerRequiredMixin, OfficerRequiredMixin, SignedInMixin, form_add_service_error, paginate
from core.tables import TableListView

VERIFICATION_QUEUED = "Verification of {deployment} was queued; this page follows its progress."
EXCEPTION_RECORDED = "The exception is recorded; verify the deployment again for it to take effect."
POLL_SECONDS = 2


class VerificationStartView(OfficerRequiredMixin, View):
    """POST only: queue a verification of a deployment the user may see (`full=1`: hash every file)."""

    def post(self, request, pk):
        deployment = get_object_or_404(deployment_list(user=request.user), pk=pk)
        full = request.POST.get("full") == "1"
        run = verification_start(deployment=deployment, requested_by=request.user, full=full)
        messages.success(request, VERIFICATION_QUEUED.format(deployment=deployment))
        return redirect("compliance:run-detail", pk=run.pk)


class VerificationRunDetailView(SignedInMixin, View):
    """A run: a progress bar while it is queued or running, then the per-file results.

    With JavaScript, htmx fetches the progress fragment every few seconds and reloads the page
    when the run ends; without it, a meta refresh reloads the whole page at the same pace.
    """

    def get(self, request, pk):
        run = get_object_or_404(verification_run_list(user=request.user), pk=pk)
        if request.headers.get("HX-Request"):
            response = render(request, "compliance/includes/run_progress.html", {"run": run})
            if run.is_finished:
                response["HX-Refresh"] = "true"
            return response
        return render(request, "compliance/run_detail.html", _run_context(request, run))


def _run_context(request, run, form: ScanExceptionForm | None = None) -> dict:
    """The run, its files (with the Hub's own scan beside ours) and, for GSA, the exception form when it applies."""
    results = paginate(request, run.file_results.all(), per_page=100)
    security = None
    if run.model_version_id:
        manifest = HubManifest.objects.filter(model_version_id=run.model_version_id).first()
        security = manifest.file_security if manifest else None
    for result in results:
        result.hub_scan = None if security is None else security.get(result.path)
    refused = run.file_results.exclude(policy="").order_by("path") if run.is_finished else []
    exception = scan_exception_active(model_version=run.model_version, commit=run.manifest_commit)
    can_except = request.user.is_gsa_officer and bool(refused) and exception is None and run.model_version_id
    return {
        "run": run,
        "results": results,
        "poll_seconds": POLL_SECONDS,
        "hub_security_known": security is not None,
        "refused": refused,
        "active_exception": exception,
        "exception_form": (form or ScanExceptionForm()) if can_except else None,
    }


class ScanExceptionGrantView(GsaOfficerRequiredMixin, View):
    """POST only: GSA records an exception to the scanning policy for the run's model version."""

    def post(self, request, pk):
        run = get_object_or_404(verification_run_list(user=request.user).select_related("model_version"), pk=pk)
        form = ScanExceptionForm(request.POST)
        if form.is_valid():
            try:
                scan_exception_grant(
                    model_version=run.model_version, reason=form.cleaned_data["reason"], granted_by=request.user
                )
            except ServiceError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, EXCEPTION_RECORDED)
                return redirect("compliance:run-detail", pk=run.pk)
        return render(request, "compliance/run_detail.html", _run_context(request, run, form), status=400)


class VerificationRunListView(SignedInMixin, TableListView):
    """Every verification run of the deployments the user may see, newest first."""

    template_name = "compliance/run_list.html"
    table_class = VerificationRunTable
    filterset_class = VerificationRunFilterSet
    export_name = "verification-runs"

    def get_queryset(self):
        return verification_run_list(user=self.request.user).select_related("deployment")


FILE_RESULT_COLUMNS = [
    "path",
    "status",
    "algorithm",
    "expected",
    "actual",
    "size",
    "detail",
    "format",
    "scan_verdict",
    "scan_detail",
    "trusted_since",
]


class VerificationFileResultExportView(SignedInMixin, View):
    """The per-file results of a run the user may see, as CSV (the API's exporter)."""

    def get(self, request, pk):
        run = get_object_or_404(verification_run_list(user=request.user), pk=pk)
        rows = run.file_results.order_by("path").values(*FILE_RESULT_COLUMNS).iterator()
        return csv_response(rows, name=f"verification-{run.pk}-files", header=FILE_RESULT_COLUMNS)
