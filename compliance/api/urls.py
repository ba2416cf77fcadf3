"""The compliance app's routes on the API router: (prefix, viewset, basename).

Requirements, evidence, use cases and reports add one line each here when they land.
"""

from compliance.api import views

ROUTES = [
    ("verification-runs", views.VerificationRunViewSet, "verificationrun"),
    ("verification-file-results", views.VerificationFileResultViewSet, "verificationfileresult"),
    ("manifest-drifts", views.ManifestDriftViewSet, "manifestdrift"),
    ("audit-events", views.AuditEventViewSet, "auditevent"),
    ("changes", views.ChangeFeedViewSet, "change"),
    ("webhook-subscriptions", views.WebhookSubscriptionViewSet, "webhooksubscription"),
    ("webhook-deliveries", views.WebhookDeliveryViewSet, "webhookdelivery"),
]
