"""API tokens for procurement systems: created (the key shown once), checked, revoked.

A key is `<prefix>.<secret>`. The prefix finds the row; the SHA-256 of the whole key is
compared in constant time. Only the hash is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from agencies.models import ApiToken, User
from core.audit import audit_record, snapshot
from core.errors import PermissionRefused, ServiceError

LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
MAX_EXPIRY_DAYS = 3650


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(
    *, actor: User, user: User, name: str, scope: str = ApiToken.Scope.READ, expires_days: int | None = 90
) -> tuple[ApiToken, str]:
    """Create a token for `user` and return it with its key, which is never available again."""
    if actor.pk != user.pk and not actor.is_gsa_officer:
        raise PermissionRefused("Only GSA officers create tokens for other users.")
    if not user.is_active:
        raise ServiceError("This user is inactive.", field="user")
    if scope not in ApiToken.Scope.values:
        raise ServiceError(f"Unknown scope {scope!r}; choose read or write.", field="scope")
    if not name.strip():
        raise ServiceError("Name the system that will use this token.", field="name")
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        raise ServiceError(f"A token expires after 1 to {MAX_EXPIRY_DAYS} days.", field="expires_days")
    prefix = secrets.token_hex(6)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    expires_at = timezone.now() + dt.timedelta(days=expires_days) if expires_days else None
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=prefix,
        key_hash=_hash(key),
        scope=scope,
        expires_at=expires_at,
        created_by=actor,
    )
    with transaction.atomic():
        token.save()
        audit_record(
            actor=actor,
            action="api_token.created",
            obj=token,
            agency_id=user.agency_id,
            after=snapshot(token, exclude=("key_hash",)),
        )
    return token, key


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token at once (its owner or a GSA officer)."""
    if actor.pk != token.user_id and not actor.is_gsa_officer:
        raise PermissionRefused("This token belongs to another user.", code="not_found")
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            before = snapshot(locked, exclude=("key_hash",))
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor,
                action="api_token.revoked",
                obj=locked,
                agency_id=locked.user.agency_id,
                before=before,
                after=snapshot(locked, exclude=("key_hash",)),
            )
    return locked


def api_token_authenticate(key: str) -> ApiToken | None:
    """The live token for this key, or None when unknown, malformed, expired, revoked or its user inactive."""
    prefix, dot, secret = key.partition(".")
    if not dot or not prefix or not secret or len(prefix) > 16:
        return None
    token = ApiToken.objects.select_related("user", "user__agency").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(key)):
        return None
    now = timezone.now()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        # Recorded at most once a minute, so a busy client does not write on every request.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_token_list(*, user: User):
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
