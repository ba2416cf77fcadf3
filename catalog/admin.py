from django.contrib import admin

from catalog.models import Agreement, Artifact, ModelVersion, Offering, OfferingStatusChange, Vendor
from core.admin import ReadOnlyAdmin


@admin.register(Vendor)
class VendorAdmin(ReadOnlyAdmin):
    search_fields = ["name"]


class AgreementInline(admin.StackedInline):
    model = Agreement
    extra = 0


class StatusChangeInline(admin.TabularInline):
    model = OfferingStatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "effective_on", "reason", "source_url", "changed_by", "recorded_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Offering)
class OfferingAdmin(ReadOnlyAdmin):
    list_display = ["name", "vendor", "kind", "status", "fedramp_level"]
    list_filter = ["kind", "status", "fedramp_level"]
    search_fields = ["name", "vendor__name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["status", "status_changed_at", "status_reason"]
    inlines = [AgreementInline, StatusChangeInline]


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ["title", "offering", "price_per_agency", "announced_on", "expires_on"]
    search_fields = ["title", "offering__name"]


@admin.register(ModelVersion)
class ModelVersionAdmin(ReadOnlyAdmin):
    list_display = ["repo_id", "revision", "pinned_sha", "declared_license", "release_date"]
    list_filter = ["declared_license"]
    search_fields = ["repo_id", "name"]


@admin.register(Artifact)
class ArtifactAdmin(ReadOnlyAdmin):
    list_display = ["path", "model_version", "size", "is_lfs"]
    search_fields = ["path", "model_version__repo_id"]
    list_select_related = ["model_version"]
