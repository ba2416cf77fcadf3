"""Start a verification of a deployment and follow its run until it ends."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from agencies.selectors import deployment_list
from compliance.verification import verification_start
from compliance.views.dashboard import verification_run_list
from core.api.csv_export import csv_response
from core.portal import OfficerRequiredMixin, SignedInMixin, paginate

VERIFICATION_QUEUED = "Verification of {deployment} was queued; this page follows its progress."
POLL_SECONDS = 2


class VerificationStartView(OfficerRequiredMixin, View):
    """POST only: queue a verification of a deployment the user may see."""

    def post(self, request, pk):
        deployment = get_object_or_404(deployment_list(user=request.user), pk=pk)
        run = verification_start(deployment=deployment, requested_by=request.user)
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
        context = {
            "run": run,
            "results": paginate(request, run.file_results.all(), per_page=100),
            "poll_seconds": POLL_SECONDS,
        }
        return render(request, "compliance/run_detail.html", context)


FILE_RESULT_COLUMNS = ["path", "status", "algorithm", "expected", "actual", "size", "detail"]


class VerificationFileResultExportView(SignedInMixin, View):
    """The per-file results of a run the user may see, as CSV (the API's exporter)."""

    def get(self, request, pk):
        run = get_object_or_404(verification_run_list(user=request.user), pk=pk)
        rows = run.file_results.order_by("path").values(*FILE_RESULT_COLUMNS).iterator()
        return csv_response(rows, name=f"verification-{run.pk}-files", header=FILE_RESULT_COLUMNS)
