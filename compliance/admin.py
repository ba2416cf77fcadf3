from django.contrib import admin

from compliance.models import Alert, AlertPreference, Notification, Report, Requirement, UseCase
from core.admin import ReadOnlyAdmin
from core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail is read-only everywhere, the admin included."""

    list_display = ["seq", "created_at", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_label", "action"]


@admin.register(Requirement)
class RequirementAdmin(ReadOnlyAdmin):
    """Requirements come from the data files (load_requirements); the admin only shows them."""

    list_display = ["code", "title", "applies_to", "deadline", "automatic_check", "is_active"]
    list_filter = ["catalog", "applies_to", "is_active"]
    search_fields = ["code", "title", "text"]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "title", "agency", "due_on", "threshold_days"]
    list_filter = ["kind"]
    search_fields = ["title", "dedupe_key"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "alert", "read_at", "email_status", "email_attempts"]
    list_filter = ["email_status", "alert__kind"]
    list_select_related = ["recipient", "alert"]


@admin.register(AlertPreference)
class AlertPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "enabled", "updated_at"]
    list_filter = ["kind", "enabled"]


@admin.register(UseCase)
class UseCaseAdmin(ReadOnlyAdmin):
    list_display = ["use_case_id", "use_case_name", "agency", "development_stage", "is_high_impact"]
    list_filter = ["development_stage", "is_high_impact", "agency"]
    search_fields = ["use_case_id", "use_case_name"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    """Issued reports are attestations: read-only here, issued only through report_request."""

    list_display = ["pk", "agency", "framework", "status", "issued_at", "sha256", "superseded_by"]
    list_filter = ["status", "framework"]
