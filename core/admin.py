"""The admin shows the registry's records but never changes them.

Every change goes through a service (portal, API or command), which checks the rules and writes the
audit event in the same transaction; an admin form would do neither.
"""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
