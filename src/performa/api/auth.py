"""Who is calling: a personal token (``Authorization: Bearer pf_…``) or the browser session.

Integrations use tokens; the session lets a logged-in user's own page scripts call the API,
and then CSRF applies to writes, as for any form. A request authenticated by a token carries
it as ``request.api_token`` (see ``by_token``): what only a person logged in with a password
may do — creating tokens — asks it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import security
from ninja.security import HttpBearer

from performa.accounts.models import ApiToken
from performa.accounts.tokens import token_for_key


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        found = token_for_key(token)
        if found is None:
            return None
        request.user = found.user  # so history rows and actions see the caller
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


def by_token(request: HttpRequest) -> ApiToken | None:
    """The token that authenticated ``request``, or None (the browser session)."""
    token: ApiToken | None = getattr(request, "api_token", None)
    return token


class SessionAuth(security.SessionAuth):
    """The logged-in browser session, CSRF-checked as any form.

    A call without a logged-in session is none of this scheme's business: it answers 401 like
    any call without valid credentials, not 403 «CSRF check Failed» (which an integration
    with a mistyped or revoked token got on every write). Skipping the check then is safe:
    without a session there is no ambient authority to forge. Same class name as ninja's, so
    the OpenAPI document keeps the scheme's name.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        key: str | None = super()._get_key(request)
        return key


AUTH = [TokenAuth(), SessionAuth()]
