"""Who is calling: a personal token (``Authorization: Bearer pf_…``) or the browser session.

Integrations use tokens; the session lets a logged-in user's own page scripts call the API,
and then CSRF applies to writes, as for any form.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from performa.accounts.tokens import user_for_key


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = user_for_key(token)
        if user is not None:
            request.user = user  # so history rows and actions see the caller
        return user


AUTH = [TokenAuth(), SessionAuth()]
