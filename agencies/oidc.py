"""Single sign-on with OpenID Connect: Login.gov, or an agency's own identity provider (IdP).

The library is authlib (its Django client): it is maintained, certified-provider agnostic, and has
what Login.gov asks for without any JWT code of ours: `private_key_jwt` client authentication
(`PrivateKeyJWT`, RFC 7523), PKCE (S256), state and nonce kept in the session, discovery from the
issuer, and ID token validation (signature against the IdP's JWKS, issuer, audience, expiry, nonce).
mozilla-django-oidc was the alternative; it has no private_key_jwt and no PKCE of its own.

A sign-in:
1. `oidc_signin_start` redirects to the IdP with state, nonce, a PKCE challenge and OIDC_ACR_VALUES.
2. `oidc_signin_finish` exchanges the code (authenticating with a JWT signed by OIDC_PRIVATE_KEY_FILE),
   validates the ID token, refuses an `acr` that is not one of OIDC_ACR_VALUES, and finds the user:
   by the (issuer, subject) link, or on first sign-in by the verified e-mail of an account an
   administrator created (`create_user ... --email`). Nobody registers themselves, and an account
   linked to one subject is never taken over by another subject with the same e-mail.
3. The acr is kept on the session and written in the audit event of the sign-in.
Sign-out (`oidc_logout_url`) also ends the IdP session when the IdP has an end_session_endpoint.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from agencies.models import IdentityLink, User
from core.audit import audit_record

SESSION_ACR = "oidc_acr"
SESSION_ISSUER = "oidc_issuer"
# Clock difference tolerated between the registry and the IdP when checking exp and iat.
LEEWAY_SECONDS = 60

IDP_FAILED = "Sign-in with {provider} did not complete: {reason}"
IDP_UNREACHABLE = "{provider} could not be reached. Try again in a few minutes."
TOKEN_INVALID = "Sign-in with {provider} was refused: its answer did not pass the registry's checks ({reason})."
NO_ID_TOKEN = "Sign-in with {provider} was refused: it returned no identity token."
WEAK_ACR = (
    "Sign-in with {provider} was refused: you signed in with {acr}, and the registry requires {required} "
    "(a PIV or CAC card for federal staff). Sign in again with your PIV/CAC."
)
EMAIL_NOT_VERIFIED = "Sign-in with {provider} was refused: {provider} has not verified your e-mail address."
UNKNOWN_USER = (
    "Signed in with {provider} as {email}, but no registry account has that e-mail address. Accounts are "
    "created by an administrator: ask yours to create one for {email}."
)
AMBIGUOUS_EMAIL = "More than one registry account has the e-mail address {email}: ask an administrator to fix it."
SUBJECT_MISMATCH = (
    "Signed in with {provider} as {email}, but the registry account with that e-mail address is linked to "
    "another {provider} identity. Sign in with that identity, or ask an administrator."
)
INACTIVE = "The registry account linked to this {provider} identity is deactivated."


class SignInRefused(Exception):
    """A single sign-on that the registry refuses; `message` is what the user is told."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class OidcIdentity:
    issuer: str
    subject: str
    email: str
    email_verified: bool
    acr: str


def oidc_enabled() -> bool:
    return bool(settings.OIDC_ISSUER_URL and settings.OIDC_CLIENT_ID and settings.OIDC_PRIVATE_KEY_FILE)


def _provider() -> str:
    return settings.OIDC_PROVIDER_NAME


def _required_acrs() -> list[str]:
    return settings.OIDC_ACR_VALUES.split()


@functools.lru_cache(maxsize=4)
def _client(issuer: str, client_id: str, key_file: str, scopes: str, timeout: int) -> DjangoOAuth2App:
    # The private key is the client's only credential: authlib signs the private_key_jwt assertion with it.
    return OAuth().register(
        name="idp",
        client_id=client_id,
        client_secret=Path(key_file).read_text(),
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": scopes,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "private_key_jwt",
            "default_timeout": timeout,
        },
        client_auth_methods=[PrivateKeyJWT()],
    )


def oidc_client() -> DjangoOAuth2App:
    return _client(
        settings.OIDC_ISSUER_URL,
        settings.OIDC_CLIENT_ID,
        settings.OIDC_PRIVATE_KEY_FILE,
        settings.OIDC_SCOPES,
        settings.OIDC_TIMEOUT_SECONDS,
    )


def oidc_redirect_uri() -> str:
    """The address registered with the IdP; built from SITE_URL, the registry's public address."""
    return settings.SITE_URL.rstrip("/") + reverse("agencies:oidc-callback")


def oidc_public_jwk(key_pem: str) -> dict:
    """The public half of the client key as a JWK (what an IdP registers for private_key_jwt)."""
    key = RSAKey.import_key(key_pem)
    return {**key.as_dict(private=False), "kid": key.thumbprint(), "alg": "RS256", "use": "sig"}


def oidc_signin_start(request: HttpRequest) -> HttpResponse:
    """Redirect to the IdP; state, nonce and the PKCE verifier are kept in the session by authlib."""
    try:
        return oidc_client().authorize_redirect(request, oidc_redirect_uri(), acr_values=settings.OIDC_ACR_VALUES)
    except requests.RequestException as error:
        raise SignInRefused(IDP_UNREACHABLE.format(provider=_provider()), reason="idp_unreachable") from error


def _claims_options() -> dict:
    return {
        "iss": {"essential": True, "values": [settings.OIDC_ISSUER_URL]},
        "aud": {"essential": True, "values": [settings.OIDC_CLIENT_ID]},
        "sub": {"essential": True},
    }


def oidc_identity_read(request: HttpRequest) -> OidcIdentity:
    """Exchange the authorization code and validate the ID token; raise SignInRefused on any failure."""
    provider = _provider()
    try:
        token = oidc_client().authorize_access_token(request, claims_options=_claims_options(), leeway=LEEWAY_SECONDS)
    except requests.RequestException as error:
        raise SignInRefused(IDP_UNREACHABLE.format(provider=provider), reason="idp_unreachable") from error
    except (JoseError, ValueError) as error:
        message = TOKEN_INVALID.format(provider=provider, reason=str(error) or type(error).__name__)
        raise SignInRefused(message, reason="id_token_invalid") from error
    except AuthlibBaseError as error:
        reason = getattr(error, "description", "") or getattr(error, "error", "") or str(error)
        code = "id_token_invalid" if type(error).__module__.startswith("authlib.jose") else "idp_error"
        template = TOKEN_INVALID if code == "id_token_invalid" else IDP_FAILED
        raise SignInRefused(template.format(provider=provider, reason=reason), reason=code) from error
    claims = token.get("userinfo")
    if not claims:
        raise SignInRefused(NO_ID_TOKEN.format(provider=provider), reason="no_id_token")
    profile = _userinfo(token, subject=str(claims["sub"])) if "email" not in claims else claims
    return OidcIdentity(
        issuer=claims["iss"],
        subject=str(claims["sub"]),
        email=str(profile.get("email") or "").strip(),
        email_verified=profile.get("email_verified") is True,
        acr=str(claims.get("acr") or ""),
    )


def _userinfo(token: dict, *, subject: str) -> dict:
    """The user's e-mail from the userinfo endpoint (Login.gov puts it there, not in the ID token).

    Its `sub` must be the ID token's: an answer about anyone else is refused (OpenID Connect Core 5.3.2).
    """
    provider = _provider()
    try:
        profile = oidc_client().userinfo(token=token)
    except (requests.RequestException, AuthlibBaseError) as error:
        raise SignInRefused(
            IDP_FAILED.format(provider=provider, reason=f"userinfo: {error}"), reason="idp_error"
        ) from error
    if str(profile.get("sub")) != subject:
        raise SignInRefused(
            IDP_FAILED.format(provider=provider, reason="userinfo names another user"), reason="idp_error"
        )
    return profile


def oidc_user_resolve(*, identity: OidcIdentity) -> User:
    """The registry user of an IdP identity: by its link, or linked now by verified e-mail.

    1. An existing (issuer, subject) link decides: its user, if active.
    2. Otherwise the e-mail must be verified by the IdP and belong to exactly one active account.
    3. That account must have no link to another subject of this issuer (no takeover by e-mail).
    4. The link is written, and audited, in one transaction.
    """
    provider, email = _provider(), identity.email
    with transaction.atomic():
        link = (
            IdentityLink.objects.select_related("user").filter(issuer=identity.issuer, subject=identity.subject).first()
        )
        if link is not None:
            if not link.user.is_active:
                raise SignInRefused(INACTIVE.format(provider=provider), reason="inactive")
            return link.user
        if not email or not identity.email_verified:
            raise SignInRefused(EMAIL_NOT_VERIFIED.format(provider=provider), reason="email_not_verified")
        users = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
        if not users:
            raise SignInRefused(UNKNOWN_USER.format(provider=provider, email=email), reason="unknown_user")
        if len(users) > 1:
            raise SignInRefused(AMBIGUOUS_EMAIL.format(email=email), reason="ambiguous_email")
        user = users[0]
        if IdentityLink.objects.filter(user=user, issuer=identity.issuer).exists():
            message = SUBJECT_MISMATCH.format(provider=provider, email=email)
            raise SignInRefused(message, reason="subject_mismatch")
        link = IdentityLink.objects.create(user=user, issuer=identity.issuer, subject=identity.subject, email=email)
        audit_record(
            actor=user,
            action="auth.identity_linked",
            obj=link,
            after={"issuer": identity.issuer, "subject": identity.subject, "email": email},
            agency_id=user.agency_id,
        )
    return user


def oidc_signin_finish(request: HttpRequest) -> User:
    """Complete a single sign-on: validate, check the acr, find the user, sign them in and audit it.

    A refusal is audited too (reason, subject and e-mail as the IdP gave them), then raised.
    """
    identity = None
    try:
        identity = oidc_identity_read(request)
        if identity.acr not in _required_acrs():
            required = " or ".join(_required_acrs())
            message = WEAK_ACR.format(provider=_provider(), acr=identity.acr or "no acr", required=required)
            raise SignInRefused(message, reason="acr_too_weak")
        user = oidc_user_resolve(identity=identity)
    except SignInRefused as refusal:
        _audit_refusal(refusal, identity)
        raise
    login(request, user, backend="agencies.oidc.OidcSessionBackend")
    request.session[SESSION_ACR] = identity.acr
    request.session[SESSION_ISSUER] = identity.issuer
    with transaction.atomic():
        IdentityLink.objects.filter(issuer=identity.issuer, subject=identity.subject).update(
            last_signed_in_at=timezone.now()
        )
        audit_record(
            actor=user,
            action="auth.signed_in",
            object_type="auth.signin",
            object_id=str(user.pk),
            after={"method": "oidc", "issuer": identity.issuer, "subject": identity.subject, "acr": identity.acr},
            agency_id=user.agency_id,
        )
    return user


def _audit_refusal(refusal: SignInRefused, identity: OidcIdentity | None) -> None:
    after = {"reason": refusal.reason, "issuer": settings.OIDC_ISSUER_URL}
    if identity is not None:
        after.update(subject=identity.subject, email=identity.email, acr=identity.acr)
    audit_record(
        actor=None,
        action="auth.signin_refused",
        object_type="auth.signin",
        object_id=(identity.subject if identity else "")[:64],
        after=after,
    )


def oidc_logout_url(*, signed_in_with_oidc: bool) -> str | None:
    """Where to send the browser to end the IdP session too, or None (no IdP session or no endpoint)."""
    if not (signed_in_with_oidc and oidc_enabled()):
        return None
    client = oidc_client()
    try:
        if not client.load_server_metadata().get("end_session_endpoint"):
            return None
        result = client.create_logout_url(
            post_logout_redirect_uri=settings.SITE_URL.rstrip("/") + "/", client_id=settings.OIDC_CLIENT_ID
        )
    except requests.RequestException:
        return None
    return result["url"]


class OidcSessionBackend(ModelBackend):
    """Keeps users signed in through single sign-on: it restores them from the session, never checks a password.

    It is a backend of its own so that PASSWORD_SIGNIN=false, which the password backend enforces,
    does not sign out users who came through the IdP.
    """

    def authenticate(self, request, **credentials):
        return None
