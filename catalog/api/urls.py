"""The catalog's routes on the API router: (prefix, viewset, basename)."""

from catalog.api import views

ROUTES = [
    ("vendors", views.VendorViewSet, "vendor"),
    ("offerings", views.OfferingViewSet, "offering"),
    ("offering-status-changes", views.OfferingStatusChangeViewSet, "offeringstatuschange"),
    ("agreements", views.AgreementViewSet, "agreement"),
    ("model-versions", views.ModelVersionViewSet, "modelversion"),
    ("artifacts", views.ArtifactViewSet, "artifact"),
]
