"""Who may call what. Reads are scoped by each view's queryset; writes are checked here by role.

The default for every API view is IsAuthenticated + RolePermission: nothing is anonymous unless
a view says so (the public catalog), auditors never write, read-scope tokens never write, and a
view names the roles that may write (`write_roles`, GSA officers by default).
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

GSA_ONLY = frozenset({"gsa_officer"})
AGENCY_OR_GSA = frozenset({"agency_officer", "gsa_officer"})

READ_ONLY_TOKEN = "This token may only read: create a write-scope token to make changes."
AUDITORS_READ_ONLY = "Auditors read the registry; they do not change it."
ROLE_MAY_NOT_WRITE = "Your role may not make this change."


class RolePermission(BasePermission):
    """Writes only for active users whose role the view allows, through a token that may write."""

    message = ROLE_MAY_NOT_WRITE

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.auth is not None and not getattr(request.auth, "can_write", True):
            self.message = READ_ONLY_TOKEN
            return False
        if user.role == "auditor":
            self.message = AUDITORS_READ_ONLY
            return False
        return user.role in getattr(view, "write_roles", GSA_ONLY)


class PublicReadOrAuthenticated(BasePermission):
    """Anonymous visitors may read (the view narrows its queryset for them); everything else needs sign-in."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or bool(request.user and request.user.is_authenticated)


PUBLIC_CATALOG_PERMISSIONS = [PublicReadOrAuthenticated, RolePermission]
