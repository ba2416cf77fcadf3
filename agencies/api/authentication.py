"""Token authentication for procurement systems: `Authorization: Token <key>`, and nowhere else.

Keys in the query string or the body are ignored (they end up in logs and browser history).
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from agencies.tokens import api_token_authenticate

KEYWORD = "Token"
MALFORMED = "Give the key as `Authorization: Token <key>`."
REFUSED = "This token is unknown, expired or revoked."


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(MALFORMED)
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(MALFORMED) from None
        token = api_token_authenticate(key)
        if token is None:
            raise AuthenticationFailed(REFUSED)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return KEYWORD


class ApiTokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "agencies.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`; create a key in the portal or with `manage.py create_api_token`.",
        }
