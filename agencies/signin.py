"""Sign-in lockout: after repeated failures for one username from one address, refuse sign-in for a while.

A small implementation of our own rather than django-axes: it needs one table and one
authentication backend, counts in the database so every gunicorn worker agrees, keys on the
client address (REMOTE_ADDR, or what our own proxies added: never a client-supplied X-Forwarded-For), and records each
lockout in the audit chain like every other security-relevant change.

The backend refuses a locked username+address before checking the password, so a locked
account cannot be probed; Django's `user_login_failed` signal counts every failure, whichever
front door (admin, portal, API session login) it came through.

Usernames typed by anonymous visitors are never stored as typed: the table and the audit chain
hold a keyed hash of them, so an attacker cannot write strings of their choice into the
append-only trail. Failures from one address are also counted across all usernames
(SIGNIN_ADDRESS_FAILURES), which stops password spraying, and rows older than their window
are deleted as new failures arrive, so the table stays bounded.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from agencies.models import SignInThrottle
from core.audit import audit_record

LOCKED_OUT = "Too many failed sign-ins. Try again in {minutes} minutes."
ANY_USERNAME = "*"  # the row counting an address's failures across usernames (a hash is never "*")


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the X-Forwarded-For entry added by our NUM_PROXIES trusted proxies.

    Entries further left are whatever the client sent, so they are never trusted.
    """
    if request is None:
        return None
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if settings.NUM_PROXIES and len(forwarded) >= settings.NUM_PROXIES:
        return forwarded[-settings.NUM_PROXIES]
    return request.META.get("REMOTE_ADDR") or None


def _username(credentials: dict) -> str:
    return str(credentials.get("username") or "")[:150].lower()


def username_key(username: str) -> str:
    """The keyed hash a username is counted (and audited) under: never the attacker-chosen string itself."""
    return salted_hmac("agencies.signin.username", username.lower(), algorithm="sha256").hexdigest()[:40]


def signin_locked_until(*, username: str, ip_address: str | None) -> dt.datetime | None:
    """When the lockout of this username (or of the whole address) ends, or None when it may sign in."""
    now = timezone.now()
    keys = [username_key(username), ANY_USERNAME]
    throttles = SignInThrottle.objects.filter(username__in=keys, ip_address=ip_address, locked_until__gt=now)
    return max((t.locked_until for t in throttles), default=None)


def signin_throttles_expire(*, now: dt.datetime | None = None) -> int:
    """Delete counters whose window and lock are over; returns how many. Keeps the table bounded."""
    now = now or timezone.now()
    window = dt.timedelta(seconds=settings.SIGNIN_LOCKOUT_WINDOW_SECONDS)
    stale = Q(window_started_at__lt=now - window) & (Q(locked_until__isnull=True) | Q(locked_until__lte=now))
    deleted, _ = SignInThrottle.objects.filter(stale).delete()
    return deleted


def signin_failure_record(*, username: str, ip_address: str | None) -> SignInThrottle:
    """Count one failed sign-in for the username (hashed) and for the address; lock either at its limit.

    1. Delete expired counters, so rows for invented usernames do not pile up.
    2. Count the failure against the username+address (limit SIGNIN_LOCKOUT_FAILURES) and against
       the address across all usernames (limit SIGNIN_ADDRESS_FAILURES); a lock writes one
       `auth.locked_out` event naming the hash, never the typed username.
    """
    now = timezone.now()
    with transaction.atomic():
        signin_throttles_expire(now=now)
        throttle = _count(username_key(username), ip_address, now, settings.SIGNIN_LOCKOUT_FAILURES)
        _count(ANY_USERNAME, ip_address, now, settings.SIGNIN_ADDRESS_FAILURES)
    return throttle


def _count(key: str, ip_address: str | None, now: dt.datetime, limit: int) -> SignInThrottle:
    window = dt.timedelta(seconds=settings.SIGNIN_LOCKOUT_WINDOW_SECONDS)
    throttle = _locked_throttle(key, ip_address, now)
    if throttle.locked_until and throttle.locked_until > now:
        return throttle
    if throttle.window_started_at < now - window or throttle.locked_until:
        throttle.failures, throttle.window_started_at, throttle.locked_until = 0, now, None
    throttle.failures += 1
    if throttle.failures >= limit:
        throttle.locked_until = now + dt.timedelta(seconds=settings.SIGNIN_LOCKOUT_SECONDS)
        audit_record(
            actor=None,
            action="auth.locked_out" if key != ANY_USERNAME else "auth.address_locked_out",
            object_type="auth.signin",
            object_id=key,
            after={
                "ip_address": ip_address,
                "failures": throttle.failures,
                "locked_until": throttle.locked_until.isoformat(),
            },
        )
    throttle.save()
    return throttle


def _locked_throttle(username: str, ip_address: str | None, now: dt.datetime) -> SignInThrottle:
    lookup = {"username": username, "ip_address": ip_address}
    throttle = SignInThrottle.objects.select_for_update().filter(**lookup).first()
    if throttle is None:
        try:
            with transaction.atomic():
                throttle = SignInThrottle.objects.create(**lookup, window_started_at=now)
        except IntegrityError:  # Another request created it first: lock theirs.
            throttle = SignInThrottle.objects.select_for_update().get(**lookup)
    return throttle


def signin_success_record(*, user, ip_address: str | None) -> None:
    """Clear the username's counter (not the address's: one good password must not reset a spray) and audit."""
    with transaction.atomic():
        SignInThrottle.objects.filter(username=username_key(user.get_username()), ip_address=ip_address).delete()
        audit_record(actor=user, action="auth.signed_in", obj=user, after={"ip_address": ip_address})


def signout_record(*, user, ip_address: str | None) -> None:
    audit_record(actor=user, action="auth.signed_out", obj=user, after={"ip_address": ip_address})


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing a username+address while it is locked out.

    With PASSWORD_SIGNIN off (single sign-on in production) only superusers may use a password; a
    password session of anyone else stops being valid too (get_user asks the same question).
    """

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and (settings.PASSWORD_SIGNIN or user.is_superuser)

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and signin_locked_until(username=str(username), ip_address=client_ip(request)):
            raise PermissionDenied(LOCKED_OUT.format(minutes=settings.SIGNIN_LOCKOUT_SECONDS // 60))
        return super().authenticate(request, username=username, password=password, **kwargs)


def _on_failure(sender, credentials, request=None, **kwargs):
    username = _username(credentials)
    if username:
        signin_failure_record(username=username, ip_address=client_ip(request))


def _on_success(sender, request, user, **kwargs):
    signin_success_record(user=user, ip_address=client_ip(request))


def _on_signout(sender, request, user, **kwargs):
    if user is not None and getattr(user, "pk", None):
        signout_record(user=user, ip_address=client_ip(request))


def connect_signals() -> None:
    user_login_failed.connect(_on_failure, dispatch_uid="agencies.signin.failure")
    user_logged_in.connect(_on_success, dispatch_uid="agencies.signin.success")
    user_logged_out.connect(_on_signout, dispatch_uid="agencies.signin.signout")
