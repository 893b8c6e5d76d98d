"""Template filters that write figures the Italian way, as the plan documents print them.

Formatting lives in `performa.engine.values`, so a page, an export and a document show the
same "98%" for the same result; these filters only adapt template values (None, "" for a
missing variable, Decimal from the database) to it. `{% load performa %}`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

from performa.engine.values import format_money, format_number, format_percent

register = template.Library()

# Traffic-light thresholds on the achievement shown to users (a display convention of the
# dashboards, not an SMVP scoring band): green from 95%, yellow from 70%, red below.
GREEN_FROM = 95
YELLOW_FROM = 70

LIGHT_WORDS = {
    "green": "verde",
    "yellow": "giallo",
    "red": "rosso",
    "grey": "non disponibile",
}


def _fraction(value: object) -> float | None:
    """A number, or None for anything else: a missing variable renders as "" in templates
    and is n.d. like None. Booleans are not figures."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return float(value)


@register.filter
def percent(value: object) -> str:
    """An achievement as a whole percent: 0.9777 → "98%", None → "n.d."."""
    return format_percent(_fraction(value))


@register.filter
def percent1(value: object) -> str:
    """A weight or share with one decimal, as the Piano prints them: 0.125 → "12,5%"."""
    return format_percent(_fraction(value), 1)


@register.filter
def euro(value: object) -> str:
    """An amount in euro with cents: Decimal("10285.71") → "€ 10.285,71", None → "n.d."."""
    number = _fraction(value)
    return "n.d." if number is None else format_money(number)


@register.filter
def ratio(value: object) -> str:
    """An index or ratio with two decimals, as the bilancio prints it: 1.9013 → "1,90"."""
    number = _fraction(value)
    return "n.d." if number is None else format_number(number, 2)


@register.filter
def light(value: object) -> str:
    """The traffic-light colour of an achievement: "green", "yellow", "red" or "grey" (n.d.).

    Decided on the percent the page shows (rounded half up like `percent`), so "95%" is
    never yellow because the fraction behind it was 0.9497.
    """
    fraction = _fraction(value)
    if fraction is None:
        return "grey"
    shown = Decimal(repr(round(fraction * 100, 9))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if shown >= GREEN_FROM:
        return "green"
    return "yellow" if shown >= YELLOW_FROM else "red"


@register.filter
def light_word(value: object) -> str:
    """The traffic light in words, for screen readers and print: colour is never the only
    signal (WCAG 1.4.1)."""
    return LIGHT_WORDS[light(value)]


_LIMITS = {
    "note": "NOTE_MAX_LENGTH",
    "not_available_reason": "NOT_AVAILABLE_REASON_MAX_LENGTH",
    "deviation": "DEVIATION_MAX_LENGTH",
}


@register.simple_tag
def limit(field: str) -> int:
    """The length limit of a measured value's text field (measures.models), for an input's
    maxlength: the browser stops the typing where the action would refuse the save."""
    from performa.measures import models

    return int(getattr(models, _LIMITS[field]))
