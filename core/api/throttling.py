"""Rate limits per token (or per signed-in user, or per client address for anonymous visitors).

Throttling smooths load; it is not a security control (see DRF's own warning). Client
addresses come from REMOTE_ADDR, or from X-Forwarded-For only as far as NUM_PROXIES trusted
proxies vouch for it, so rotating X-Forwarded-For does not dodge the anonymous limit.
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle


def _ident(throttle: SimpleRateThrottle, request) -> str:
    prefix = getattr(request.auth, "prefix", None)
    if prefix:
        return f"token-{prefix}"
    if request.user and request.user.is_authenticated:
        return f"user-{request.user.pk}"
    return f"anon-{throttle.get_ident(request)}"


class _LiveRates:
    """Read the rates at each request, so that settings overrides (tests, reloads) apply."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(_LiveRates, AnonRateThrottle):
    pass


class TokenRateThrottle(_LiveRates, SimpleRateThrottle):
    """The general limit of an authenticated client: one bucket per token, else per user."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": _ident(self, request)}


class ExpensiveActionThrottle(_LiveRates, ScopedRateThrottle):
    """A tighter limit for actions that start work (verifications, manifest syncs), on views with `throttle_scope`."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": _ident(self, request)}
