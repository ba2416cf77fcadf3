"""The compliance app's routes on the API router: (prefix, viewset, basename).

`agencies` and `model-versions` appear twice on purpose: the compliance viewsets there have only
detail actions (`/agencies/{id}/assessment/`, `/agencies/{id}/aibom/`, `/model-versions/{id}/aibom/`,
`/model-versions/{id}/sync/`),
so they add those routes beside the agencies and catalog viewsets without importing compliance there.
"""

from compliance.api import alerts, record_views, views

ROUTES = [
    ("verification-runs", views.VerificationRunViewSet, "verificationrun"),
    ("verification-file-results", views.VerificationFileResultViewSet, "verificationfileresult"),
    ("manifest-drifts", views.ManifestDriftViewSet, "manifestdrift"),
    ("audit-events", views.AuditEventViewSet, "auditevent"),
    ("changes", views.ChangeFeedViewSet, "change"),
    ("webhook-subscriptions", views.WebhookSubscriptionViewSet, "webhooksubscription"),
    ("webhook-deliveries", views.WebhookDeliveryViewSet, "webhookdelivery"),
    ("requirements", record_views.RequirementViewSet, "requirement"),
    ("agencies", record_views.AgencyComplianceViewSet, "agencycompliance"),
    ("evidence", record_views.EvidenceViewSet, "evidence"),
    ("use-cases", record_views.UseCaseViewSet, "usecase"),
    ("reports", record_views.ReportViewSet, "report"),
    ("attestations", record_views.AttestationViewSet, "attestation"),
    ("model-versions", record_views.ModelVersionAibomViewSet, "modelversionaibom"),
    ("model-versions", record_views.ModelVersionManifestViewSet, "modelversionmanifest"),
    ("notifications", alerts.NotificationViewSet, "notification"),
    ("alert-preferences", alerts.AlertPreferenceViewSet, "alertpreference"),
]
