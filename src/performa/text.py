"""Rules every text Performa stores keeps, whichever way it came in.

Why a top-level module: a member's name (``accounts``), a value file's cell (``measures``), a
plan in any format (``plans.store``) and every text a client sends to the API (``api``) are
refused for the same reason in the same words, and they sit in different layers. Not in
``filelimits``: that module is about the size and shape of imported files, and a form or an
API body is no file. This module imports nothing of Performa and no Django, so any layer may
use it.
"""

from __future__ import annotations

from typing import Final

__all__ = ["NUL_REASON", "refuse_nul"]

NUL_REASON: Final = "il testo contiene il carattere nullo (NUL)"


def refuse_nul(text: str) -> str:
    """``text`` itself, or ValueError(NUL_REASON) when it holds a NUL character.

    PostgreSQL cannot store NUL in text: let through, it fails deep in the driver as a server
    error, while SQLite keeps what production would refuse. Callers raise their own error
    (a form's field, a file's row and column, a plan's field) with the reason; returning the
    text lets a pydantic schema use this as a validator as it is.
    """
    if "\x00" in text:
        raise ValueError(NUL_REASON)
    return text
