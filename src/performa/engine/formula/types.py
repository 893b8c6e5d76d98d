"""The formula language's public types and limits, and how formula text is quoted in messages.

Separate so that it can sit at the bottom of the package: every other module imports from it
and it imports nothing from them, which keeps the package free of import cycles. The quoting
helpers live here because :class:`FormulaSyntaxError` builds its own message with them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Protocol

MAX_LENGTH: Final = 2000
"""Longest accepted formula, in characters: real algorithms are far shorter, and the bound keeps
parsing and error messages cheap whatever a user pastes."""

MAX_DEPTH: Final = 50
"""Deepest accepted nesting of parentheses, function calls and prefix operators: it keeps the
parser and the compiled closures far from Python's recursion limit."""

Number = float


class FormulaSyntaxError(ValueError):
    """A formula text that cannot be read; the message is meant for the person who wrote it."""

    text: str
    position: int
    reason: str

    def __init__(self, text: str, position: int, reason: str) -> None:
        self.text = text
        self.position = position
        self.reason = reason
        super().__init__(
            f"Formula «{_excerpt_around(text, position)}»: {reason} alla posizione {position}"
        )

    def __reduce__(self) -> tuple[type[FormulaSyntaxError], tuple[str, int, str]]:
        # Keeps the exception picklable (task queues, caches) despite the custom __init__.
        return (type(self), (self.text, self.position, self.reason))


@dataclass(frozen=True, slots=True)
class FormulaError:
    """An evaluation failure carried as a value, so that one broken indicator is reported next to
    the others instead of aborting the computation of a whole plan."""

    code: str
    reason: str

    def __str__(self) -> str:
        return self.reason


class Env(Protocol):
    """Where a formula reads its inputs; the engine supplies one per body, year and period.

    Each method raises ``KeyError`` for an unknown name or code and returns ``None`` for n.d.
    A method may also return a :class:`FormulaError` (e.g. the achievement of a node whose own
    computation failed): it is propagated unchanged.
    """

    def value(self, name: str) -> float | None: ...

    def previous(self, name: str) -> float | None: ...

    def achievement(self, code: str) -> float | None: ...


@dataclass(frozen=True)
class MappingEnv:
    """An :class:`Env` over plain mappings, for tests and for callers that already hold the
    figures in dictionaries."""

    values: Mapping[str, float | None]
    previous_values: Mapping[str, float | None] = field(default_factory=dict)
    achievements: Mapping[str, float | None] = field(default_factory=dict)

    def value(self, name: str) -> float | None:
        return self.values[name]

    def previous(self, name: str) -> float | None:
        return self.previous_values[name]

    def achievement(self, code: str) -> float | None:
        return self.achievements[code]


INVISIBLE: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def excerpt(s: str, limit: int = 60) -> str:
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _visible(text: str) -> str:
    # Control, format (bidi, zero-width) and surrogate characters would make the quoted text in
    # a message lie about what it contains, or break its encoding: one placeholder each, so
    # positions still line up.
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        (" " if c.isspace() else "\ufffd") if unicodedata.category(c) in INVISIBLE else c
        for c in text
    )


def _excerpt_around(text: str, position: int, width: int = 100) -> str:
    text = _visible(text)
    if len(text) <= width:
        return text
    start = max(0, min(position - width // 2, len(text) - width))
    head = "…" if start > 0 else ""
    tail = "…" if start + width < len(text) else ""
    return head + text[start : start + width] + tail
