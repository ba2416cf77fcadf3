from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from agencies.models import Agency, Deployment, Onboarding, OnboardingTransition, User
from agencies.services import user_admin_save
from core.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "role", "agency", "is_active"]
    list_filter = ["role", "is_active", "agency"]
    fieldsets = [*BaseUserAdmin.fieldsets, ("Registry role", {"fields": ["role", "agency"]})]

    def save_model(self, request, obj, form, change):
        """Every admin edit of a user (role, agency, superuser, staff, active) is audited with its before and after."""
        user_admin_save(actor=request.user, user=obj)

    def has_delete_permission(self, request, obj=None):
        return False  # users who acted are deactivated, never deleted (their audit events point at them)


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ["name", "abbreviation", "cgac_code", "is_cfo_act", "caio_name"]
    list_filter = ["is_cfo_act"]
    search_fields = ["name", "abbreviation", "cgac_code"]


class TransitionInline(admin.TabularInline):
    model = OnboardingTransition
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_state", "to_state", "actor", "reason", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Onboarding)
class OnboardingAdmin(ReadOnlyAdmin):
    """Read-mostly: states change only through the workflow (portal or API), never by editing here."""

    list_display = ["agency", "offering", "state", "created_at"]
    list_filter = ["state", "offering"]
    readonly_fields = ["state", "approved_by", "approved_at", "requested_by"]
    inlines = [TransitionInline]


@admin.register(Deployment)
class DeploymentAdmin(ReadOnlyAdmin):
    list_display = ["name", "agency", "model_version", "environment", "is_active"]
    list_filter = ["environment", "is_active"]
