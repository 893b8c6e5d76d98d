"""API tokens: create, find by key, revoke. The key itself is never stored.

A token is a person's access in another form, so it never outlives that access: it is created
by the person logged in with a password (the *Token API* page, or the API from that browser
session) or by the server's administrator (``performa token``), never by another token; and
it stops working when the person does — an inactive account's tokens are refused, and
deactivating the account or taking away its last role revokes them (``performa.accounts
.signals``), with who and why on the token.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.utils import timezone

from .models import ApiToken

# «pf_» tells a Performa key apart in a configuration file or a leaked log.
KEY_PREFIX = "pf_"

BY_OWNER = "revocato dal titolare"
BY_COMMAND_LINE = "revocato dalla riga di comando"
DEACTIVATED = "utente disattivato"
LAST_ROLE_REMOVED = "tolto l'ultimo ruolo dell'utente"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token of ``user``; returns it with the key, which is shown this once only."""
    if not user.is_active:  # its token would be refused anyway: say so now
        raise ValueError(f"L'utente {user.get_username()} è disattivato: non può avere token.")
    name = name.strip()
    if not name:
        raise ValueError("Indicare una descrizione del token (per esempio: contabilità).")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=key[:10],
                                    digest=digest(key))
    return token, key


def token_for_key(key: str) -> ApiToken | None:
    """The active token a key is, with its user, or None (unknown, revoked, inactive user)."""
    if not key.startswith(KEY_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(
        digest=digest(key), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # One write a minute at most: a busy integration should not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def user_for_key(key: str) -> Any | None:
    """The active user a key belongs to, or None (unknown, revoked, or inactive user)."""
    token = token_for_key(key)
    return token.user if token is not None else None


def _actor(user: Any) -> Any | None:
    """The account to record as revoker: none for the command line (SystemActor)."""
    return user if getattr(user, "pk", None) is not None else None


def revoke_token(user: Any, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s tokens (a superuser may revoke anyone's)."""
    tokens = ApiToken.objects.all() if user.is_superuser else user.api_tokens.all()
    token = tokens.filter(pk=token_id).first()
    if token is None:
        raise ValueError(f"Nessun token n. {token_id} tra i suoi token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = _actor(user)
        if token.user_id == user.pk:
            token.revoked_reason = BY_OWNER
        elif token.revoked_by is None:
            token.revoked_reason = BY_COMMAND_LINE
        else:
            token.revoked_reason = f"revocato da {user.get_username()}"
        token.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    return token


def revoke_all(user_id: int, *, reason: str, actor: Any = None) -> int:
    """Revoke every active token of one account (its access ended); returns how many."""
    return ApiToken.objects.filter(user_id=user_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=_actor(actor), revoked_reason=reason)
