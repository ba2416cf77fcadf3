"""Model version manifests from the portal: ask for a sync with the Hub, or import an offline manifest (GSA)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from catalog.models import ModelVersion
from compliance.forms import ManifestImportForm
from compliance.manifest import ManifestError, manifest_from_json, manifest_import, manifest_sync_request
from core.portal import GsaOfficerRequiredMixin

SYNC_QUEUED = "A manifest sync of {version} was queued; drifts it finds are raised as alerts."
IMPORTED = "Imported the offline manifest of {version} (commit {commit})."
OTHER_VERSION = "This is a manifest of {repo_id} at {commit}, not of {version}. Choose that version's file."


def _back(version: ModelVersion):
    return redirect("catalog:offering-detail", slug=version.offering.slug)


class ManifestSyncView(GsaOfficerRequiredMixin, View):
    """POST only: queue a sync of the version's manifest with the Hub."""

    def post(self, request, pk):
        version = get_object_or_404(ModelVersion.objects.select_related("offering"), pk=pk)
        manifest_sync_request(model_version=version, actor=request.user)
        messages.success(request, SYNC_QUEUED.format(version=version))
        return _back(version)


class ManifestImportView(GsaOfficerRequiredMixin, View):
    """Upload an offline manifest of this version (for enclaves that cannot reach the Hub)."""

    template_name = "compliance/manifest_import.html"

    def get(self, request, pk):
        version = get_object_or_404(ModelVersion.objects.select_related("offering"), pk=pk)
        return render(request, self.template_name, {"form": ManifestImportForm(), "version": version})

    def post(self, request, pk):
        version = get_object_or_404(ModelVersion.objects.select_related("offering"), pk=pk)
        form = ManifestImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                model = manifest_from_json(form.cleaned_data["file"].read().decode("utf-8", errors="replace"))
                if model.repo_id != version.repo_id:
                    raise ManifestError(
                        OTHER_VERSION.format(repo_id=model.repo_id, commit=model.commit, version=version)
                    )
                imported = manifest_import(model=model, actor=request.user)
            except ManifestError as error:
                form.add_error("file", str(error))
                form.mark_errors()
            else:
                messages.success(request, IMPORTED.format(version=imported, commit=model.commit[:12]))
                return _back(imported)
        return render(request, self.template_name, {"form": form, "version": version}, status=400)
