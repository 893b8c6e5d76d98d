"""API tokens: create, find by key, revoke. The key itself is never stored."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.utils import timezone

from .models import ApiToken

# «pf_» tells a Performa key apart in a configuration file or a leaked log.
KEY_PREFIX = "pf_"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token of ``user``; returns it with the key, which is shown this once only."""
    name = name.strip()
    if not name:
        raise ValueError("Indicare una descrizione del token (per esempio: contabilità).")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=key[:10],
                                    digest=digest(key))
    return token, key


def user_for_key(key: str) -> Any | None:
    """The active user a key belongs to, or None (unknown, revoked, or inactive user)."""
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
    return token.user


def revoke_token(user: Any, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s tokens (a superuser may revoke anyone's)."""
    tokens = ApiToken.objects.all() if user.is_superuser else user.api_tokens.all()
    token = tokens.filter(pk=token_id).first()
    if token is None:
        raise ValueError(f"Nessun token n. {token_id} tra i suoi token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
