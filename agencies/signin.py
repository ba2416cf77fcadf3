"""Sign-in lockout: after repeated failures for one username from one address, refuse sign-in for a while.

A small implementation of our own rather than django-axes: it needs one table and one
authentication backend, counts in the database so every gunicorn worker agrees, keys on the
client address (REMOTE_ADDR, or what our own proxies added: never a client-supplied X-Forwarded-For), and records each
lockout in the audit chain like every other security-relevant change.

The backend refuses a locked username+address before checking the password, so a locked
account cannot be probed; Django's `user_login_failed` signal counts every failure, whichever
front door (admin, portal, API session login) it came through.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from agencies.models import SignInThrottle
from core.audit import audit_record

LOCKED_OUT = "Too many failed sign-ins. Try again in {minutes} minutes."


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


def signin_locked_until(*, username: str, ip_address: str | None) -> dt.datetime | None:
    """When the lockout of this username from this address ends, or None when it may sign in."""
    throttle = SignInThrottle.objects.filter(username=username.lower(), ip_address=ip_address).first()
    if throttle and throttle.locked_until and throttle.locked_until > timezone.now():
        return throttle.locked_until
    return None


def signin_failure_record(*, username: str, ip_address: str | None) -> SignInThrottle:
    """Count one failed sign-in; on reaching the limit lock the username+address and audit the lockout.

    1. Lock (or create) the counter row; a window older than SIGNIN_LOCKOUT_WINDOW_SECONDS starts again.
    2. Count the failure; at SIGNIN_LOCKOUT_FAILURES set locked_until and write an `auth.locked_out` event.
    """
    username, now = username.lower(), timezone.now()
    window = dt.timedelta(seconds=settings.SIGNIN_LOCKOUT_WINDOW_SECONDS)
    with transaction.atomic():
        throttle = _locked_throttle(username, ip_address, now)
        if throttle.locked_until and throttle.locked_until > now:
            return throttle
        if throttle.window_started_at < now - window or throttle.locked_until:
            throttle.failures, throttle.window_started_at, throttle.locked_until = 0, now, None
        throttle.failures += 1
        if throttle.failures >= settings.SIGNIN_LOCKOUT_FAILURES:
            throttle.locked_until = now + dt.timedelta(seconds=settings.SIGNIN_LOCKOUT_SECONDS)
            audit_record(
                actor=None,
                action="auth.locked_out",
                object_type="auth.signin",
                object_id=username[:64],
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


def signin_success_record(*, username: str, ip_address: str | None) -> None:
    SignInThrottle.objects.filter(username=username.lower(), ip_address=ip_address).delete()


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing a username+address while it is locked out."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and signin_locked_until(username=str(username), ip_address=client_ip(request)):
            raise PermissionDenied(LOCKED_OUT.format(minutes=settings.SIGNIN_LOCKOUT_SECONDS // 60))
        return super().authenticate(request, username=username, password=password, **kwargs)


def _on_failure(sender, credentials, request=None, **kwargs):
    username = _username(credentials)
    if username:
        signin_failure_record(username=username, ip_address=client_ip(request))


def _on_success(sender, request, user, **kwargs):
    signin_success_record(username=user.get_username(), ip_address=client_ip(request))


def connect_signals() -> None:
    user_login_failed.connect(_on_failure, dispatch_uid="agencies.signin.failure")
    user_logged_in.connect(_on_success, dispatch_uid="agencies.signin.success")
