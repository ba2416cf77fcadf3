from django.urls import path

from compliance.views import attestation, audit, verification

app_name = "compliance"
urlpatterns = [
    path("deployments/<int:pk>/verify/", verification.VerificationStartView.as_view(), name="verification-start"),
    path("verifications/<int:pk>/", verification.VerificationRunDetailView.as_view(), name="run-detail"),
    path("audit/", audit.AuditEventListView.as_view(), name="audit-list"),
    path("attestations/verify/", attestation.AttestationVerifyView.as_view(), name="attestation-verify"),
    path("attestations/verify.json", attestation.AttestationVerifyJsonView.as_view(), name="attestation-verify-json"),
]
