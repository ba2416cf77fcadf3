from django.urls import path

from compliance.views import alerts, attestation, audit, verification

app_name = "compliance"
urlpatterns = [
    path("deployments/<int:pk>/verify/", verification.VerificationStartView.as_view(), name="verification-start"),
    path("verifications/<int:pk>/", verification.VerificationRunDetailView.as_view(), name="run-detail"),
    path("audit/", audit.AuditEventListView.as_view(), name="audit-list"),
    path("attestations/verify/", attestation.AttestationVerifyView.as_view(), name="attestation-verify"),
    path("attestations/verify.json", attestation.AttestationVerifyJsonView.as_view(), name="attestation-verify-json"),
    path("notifications/", alerts.NotificationListView.as_view(), name="notification-list"),
    path("notifications/<int:pk>/read/", alerts.NotificationReadView.as_view(), name="notification-read"),
    path("notifications/read-all/", alerts.NotificationReadAllView.as_view(), name="notification-read-all"),
    path("notifications/preferences/", alerts.AlertPreferencesView.as_view(), name="alert-preferences"),
]
