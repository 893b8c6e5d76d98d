"""Who and why on the history rows (django-simple-history) an action writes.

Every action of every layer records its author and reason the same way, in a web request as
on the command line or in a test: the request's middleware names nobody outside a request,
and the command line (``accounts.access.SYSTEM``) is no user account. Kept at the bottom of
the layers, importing nothing of the project, so any layer may use it.
"""

from __future__ import annotations

from typing import Any


def account_of(user: Any) -> Any:
    """The user account to record as author: none for the command line or anonymous."""
    return user if user.is_authenticated and user.pk is not None else None


def record(instance: Any, user: Any, reason: str = "") -> None:
    """Name the author and the reason on the history row of ``instance``'s next save or
    delete (and of its many-to-many changes)."""
    instance._history_user = account_of(user)
    instance._change_reason = reason
