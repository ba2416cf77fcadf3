"""The one family of refusals every service raises, and every front door (portal, API, command) formats.

A refusal carries a message written for the person who asked, a stable code for the API, and
optionally the form field it concerns.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A request that the rules refuse, with a message for the person who asked and a stable code."""

    code = "refused"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class PermissionRefused(ServiceError):
    """The actor may not do this (role, agency or scope)."""

    code = "permission_denied"


class TransitionRefused(ServiceError):
    """The object's current state does not allow this step."""

    code = "transition_refused"
