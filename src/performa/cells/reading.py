"""A spreadsheet cell's value and number format → the Italian text the engine reads.

The number format decides what a number means (``0.125`` under ``0.0%`` is ``"12,5%"``);
the rule and its reasons are in the package's docstring (``performa.cells``) and in
``docs/interchange.md`` («Numbers and dates typed in a spreadsheet»). Callers pass the
cell's value and its number format string: no openpyxl here (``xlsx`` and ``ods`` adapt the
libraries' cells).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Final

from performa.engine.values import format_money

__all__ = ["cell_text", "datetime_text", "number_text", "percent_text"]

# Quoted text and backslash-escaped characters of a number format show literally: a "%" there
# does not make the cell a percentage (Excel does not multiply it by 100).
_FORMAT_LITERALS: Final = re.compile(r'"[^"]*"|\\.')


def number_text(value: int | float | Decimal) -> str:
    """Italian decimal form, only the digits the value has (at most 15 significant).

    No thousands separator, so that the text is exactly the value whatever the cell showed
    (the engine reads ``1500`` and ``1.500`` alike).
    """
    if isinstance(value, bool):
        return "si" if value else "no"
    if isinstance(value, int):
        return str(value)
    number = Decimal(f"{value:.15g}") if isinstance(value, float) else value
    if not number.is_finite():
        return str(value)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return text.replace(".", ",")


def percent_text(value: int | float | Decimal) -> str:
    """``0.125`` → ``12,5%``: every digit of the value, whatever decimals the format shows."""
    number = Decimal(f"{value:.15g}") if isinstance(value, float) else Decimal(value)
    return f"{number_text(number * 100)}%"


def datetime_text(value: dt.datetime | dt.date | dt.time) -> str:
    """``30/11/2022``, ``30/11/2022 09:30`` when it has a time, ``09:30`` for a time."""
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M" if not value.second else "%d/%m/%Y %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value.strftime("%H:%M" if not value.second else "%H:%M:%S")


def _is_percent_format(number_format: str) -> bool:
    return "%" in _FORMAT_LITERALS.sub("", number_format)


def _is_euro_format(number_format: str) -> bool:
    # "€" may be quoted ('#,##0.00 "€"') or in a locale tag ('[$€-410]', '[$EUR]'): both count.
    return "€" in number_format or "[$eur" in number_format.casefold()


def cell_text(value: object, number_format: str | None = "") -> str:
    """The text of an XLSX cell from its value (as openpyxl reads it) and its number format.

    A spreadsheet error (``#DIV/0!``) comes back as its text: whether to refuse it, and with
    which place in the message, is the caller's business.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "si" if value else "no"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return datetime_text(value)
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, int | float | Decimal):
        fmt = number_format or ""
        if _is_percent_format(fmt):
            return percent_text(value)
        if _is_euro_format(fmt):
            return format_money(value)
        return number_text(value)
    return str(value)
