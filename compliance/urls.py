from django.urls import path

from compliance.views import attestation, audit, inventory, manifest, notifications, reports, status, verification

app_name = "compliance"
urlpatterns = [
    path("deployments/<int:pk>/verify/", verification.VerificationStartView.as_view(), name="verification-start"),
    path("verifications/", verification.VerificationRunListView.as_view(), name="run-list"),
    path("verifications/<int:pk>/", verification.VerificationRunDetailView.as_view(), name="run-detail"),
    path(
        "verifications/<int:pk>/scan-exception/",
        verification.ScanExceptionGrantView.as_view(),
        name="scan-exception-grant",
    ),
    path(
        "verifications/<int:pk>/files.csv",
        verification.VerificationFileResultExportView.as_view(),
        name="run-files-export",
    ),
    path("model-versions/<int:pk>/sync/", manifest.ManifestSyncView.as_view(), name="manifest-sync"),
    path("model-versions/<int:pk>/manifest/", manifest.ManifestImportView.as_view(), name="manifest-import"),
    path("audit/", audit.AuditEventListView.as_view(), name="audit-list"),
    path("attestations/verify/", attestation.AttestationVerifyView.as_view(), name="attestation-verify"),
    path("attestations/verify.json", attestation.AttestationVerifyJsonView.as_view(), name="attestation-verify-json"),
    # Compliance pages: status, evidence, use case inventory, reports; notifications and alert preferences.
    path("agencies/<int:pk>/compliance/", status.AgencyComplianceView.as_view(), name="agency-compliance"),
    path(
        "agencies/<int:pk>/compliance/<str:code>/evidence/",
        status.EvidenceRecordView.as_view(),
        name="evidence-record",
    ),
    path("evidence/", status.EvidenceListView.as_view(), name="evidence-list"),
    path("evidence/<int:pk>/review/", status.EvidenceReviewView.as_view(), name="evidence-review"),
    path("evidence/documents/<int:pk>/", status.EvidenceDocumentView.as_view(), name="evidence-document"),
    path("use-cases/", inventory.UseCaseListView.as_view(), name="use-case-list"),
    path("use-cases/new/", inventory.UseCaseFormView.as_view(), name="use-case-create"),
    path("use-cases/<int:pk>/edit/", inventory.UseCaseFormView.as_view(), name="use-case-edit"),
    path("use-cases/template.csv", inventory.UseCaseTemplateView.as_view(), name="use-case-template"),
    path("use-cases/import/", inventory.UseCaseImportView.as_view(), name="use-case-import"),
    path("use-cases/export.csv", inventory.UseCaseExportView.as_view(), name="use-case-export"),
    path("use-cases/<int:pk>/", inventory.UseCaseDetailView.as_view(), name="use-case-detail"),
    path("reports/", reports.ReportListView.as_view(), name="report-list"),
    path("reports/new/", reports.ReportRequestView.as_view(), name="report-request"),
    path("reports/<int:pk>/pdf/", reports.ReportDownloadView.as_view(), name="report-download"),
    path("notifications/", notifications.NotificationListView.as_view(), name="notification-list"),
    path("notifications/<int:pk>/read/", notifications.NotificationReadView.as_view(), name="notification-read"),
    path("notifications/read-all/", notifications.NotificationsReadAllView.as_view(), name="notifications-read-all"),
    path("notifications/preferences/", notifications.AlertPreferencesView.as_view(), name="alert-preferences"),
]
