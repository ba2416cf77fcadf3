"""Sign-in and sign-out pages: local passwords (unless PASSWORD_SIGNIN is off) and single sign-on (agencies/oidc.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from agencies.oidc import (
    SESSION_ISSUER,
    SignInRefused,
    oidc_enabled,
    oidc_logout_url,
    oidc_signin_finish,
    oidc_signin_start,
)

SESSION_NEXT = "oidc_next"
NOT_CONFIGURED = "Single sign-on is not configured on this registry."


def _signin_context() -> dict:
    return {
        "oidc_enabled": oidc_enabled(),
        "oidc_provider": settings.OIDC_PROVIDER_NAME,
        "password_signin": settings.PASSWORD_SIGNIN,
    }


class SignInView(auth_views.LoginView):
    """The sign-in page: a "Sign in with Login.gov" button when configured, and the password form."""

    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), **_signin_context()}


class OidcStartView(View):
    """Send the browser to the IdP (state, nonce and PKCE in the session)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            return _refused(request, NOT_CONFIGURED, status=404)
        next_url = request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            request.session[SESSION_NEXT] = next_url
        try:
            return oidc_signin_start(request)
        except SignInRefused as refusal:
            return _refused(request, refusal.message, status=502)


class OidcCallbackView(View):
    """Where the IdP sends the browser back: validate, find the user, sign in, or say why not."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            return _refused(request, NOT_CONFIGURED, status=404)
        next_url = request.session.get(SESSION_NEXT) or settings.LOGIN_REDIRECT_URL
        try:
            oidc_signin_finish(request)
        except SignInRefused as refusal:
            return _refused(request, refusal.message, status=403)
        return HttpResponseRedirect(next_url)


def _refused(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    context = {**_signin_context(), "signin_error": message, "form": None, "next": ""}
    return render(request, "registration/login.html", context, status=status)


class SignOutView(View):
    """Sign out of the registry and, after single sign-on, of the IdP too (its end_session_endpoint)."""

    def post(self, request: HttpRequest) -> HttpResponse:
        idp_logout = oidc_logout_url(signed_in_with_oidc=bool(request.session.get(SESSION_ISSUER)))
        logout(request)
        return HttpResponseRedirect(idp_logout) if idp_logout else redirect(settings.LOGOUT_REDIRECT_URL)
