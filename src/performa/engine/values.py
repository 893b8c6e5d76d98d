"""Values as Italian planning documents write them, read into typed values and written back.

The seeds' tables mix Italian numbers (``1.500,0``), percents, euros, *n.d.*, yes/no words,
dates in three spellings, ``4 su 8`` fractions, scale words and comparators glued to numbers.
Every form is read here, in one place, so that a cell typed in the UI, a row imported from a
workbook and a target in a plan document all mean the same thing. What cannot be read raises
:class:`ValueParseError` quoting the text: a wrong value is never silently zero.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from typing import Final

__all__ = [
    "DEFAULT_SCALE",
    "LEADING_ZERO_GROUP",
    "LEADING_ZERO_GROUP_REASON",
    "MAX_MAGNITUDE",
    "Comparator",
    "Kind",
    "Target",
    "Value",
    "ValueParseError",
    "NOT_AVAILABLE",
    "format_money",
    "format_number",
    "format_percent",
    "format_value",
    "parse_comparator",
    "parse_money",
    "parse_target",
    "parse_value",
    "scan_number",
    "unit_kind",
]


MAX_MAGNITUDE: Final = 1e15
"""Numbers read must stay below this in magnitude: every whole number of up to 15 digits is
exact in a float, so a value is never silently changed (nor made infinite) on the way in."""

_QUOTE_LIMIT: Final = 80
# Control, format (bidi, zero-width), surrogate and unassigned characters, shown as U+FFFD in
# messages: a message must not lie about the text it quotes, nor fail to encode.
_INVISIBLE: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _quoted(text: str) -> str:
    """The text as a message quotes it: invisible characters replaced, long text cut."""
    if not (text.isascii() and text.isprintable()):
        text = "".join(
            (" " if c.isspace() else "\ufffd") if unicodedata.category(c) in _INVISIBLE else c
            for c in text
        )
    return text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 1] + "…"


class ValueParseError(ValueError):
    """A text that is not a value; the message quotes it and says why, in Italian.

    ``text`` keeps the text as given; the message quotes at most its first 80 characters.
    """

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        super().__init__(f"Valore «{_quoted(text)}» non leggibile: {reason}")


class Kind(StrEnum):
    NUMBER = "number"
    PERCENT = "percent"
    MONEY = "money"
    BOOLEAN = "boolean"
    DONE = "done"  # "realizzato": a yes that documents write as a word of completion
    DATE = "date"
    FRACTION = "fraction"  # "4 su 8"
    ORDINAL = "ordinal"
    NOT_AVAILABLE = "n.d."


class Comparator(StrEnum):
    GE = ">="
    LE = "<="
    EQ = "="
    GT = ">"
    LT = "<"


# The ordinal scale most SMVPs use; a body may pass its own to parse_value.
DEFAULT_SCALE: tuple[str, ...] = ("insufficiente", "sufficiente", "discreto", "buono", "ottimo")


@dataclass(frozen=True, slots=True)
class Value:
    """A typed value. ``number`` is the magnitude used in formulas and scoring.

    Percents are stored as fractions (``0,2%`` → 0.002) so that a ratio formula and a typed
    percent compare directly; ``decimals`` remembers how many decimals were written so the
    value is formatted back as the document had it.
    """

    kind: Kind
    number: float | None = None
    decimals: int = 0
    day: date | None = None
    numerator: float | None = None
    denominator: float | None = None
    level: int | None = None  # position on ``scale`` for ordinal values
    scale: tuple[str, ...] = ()

    @property
    def available(self) -> bool:
        return self.kind is not Kind.NOT_AVAILABLE


@dataclass(frozen=True, slots=True)
class Target:
    comparator: Comparator
    value: Value


NOT_AVAILABLE = Value(Kind.NOT_AVAILABLE)

_NA_WORDS = frozenset({"n.d.", "n.d", "nd", "n/d", "n.a.", "na", "non disponibile"})
_TRUE_WORDS = frozenset({"si", "sì", "sí", "yes", "vero"})
_FALSE_WORDS = frozenset({"no", "falso"})
_DONE_WORDS = frozenset({"realizzato", "realizzata", "realizzati", "realizzate", "realizzazione"})
_NOT_DONE_WORDS = frozenset({"non realizzato", "non realizzata", "non realizzati"})
_MONTHS = {
    "gen": 1, "feb": 2, "mar": 3, "apr": 4, "mag": 5, "giu": 6,
    "lug": 7, "ago": 8, "set": 9, "ott": 10, "nov": 11, "dic": 12,
}  # fmt: skip

_COMPARATORS = (
    (">=", Comparator.GE), ("=>", Comparator.GE), ("≥", Comparator.GE),
    ("<=", Comparator.LE), ("=<", Comparator.LE), ("≤", Comparator.LE),
    ("==", Comparator.EQ), ("=", Comparator.EQ),
    (">", Comparator.GT), ("<", Comparator.LT),
)  # fmt: skip

# Unit words that may trail a number in a cell ("30 gg", "100,00 N.") and carry no meaning
# beyond what the indicator's unit already says.
_UNIT_SUFFIX = re.compile(
    r"\s*(?:n\.|n|nr\.?|num\.?|numero|gg\.?|giorni|gg\s*lavorativi|ore|fte|unità)\s*$",
    re.IGNORECASE,
)
YEARS = (1900, 2199)  # the years a date of a plan, a deadline or a baseline can fall in
_DATE_NUMERIC = re.compile(r"^(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{2}|\d{4})$")
_DATE_MONTH_WORD = re.compile(r"^(\d{1,2})[\s\-/.]+([a-zà]{3,})\.?[\s\-/.]+(\d{2}|\d{4})$", re.I)
_FRACTION = re.compile(r"^(.+?)\s+su\s+(.+)$", re.IGNORECASE)
# The one number grammar of values, targets and formula literals (docs/interchange.md,
# "Numeri"). Italian: dots group thousands in threes after a first group of 1-3 digits that
# does not start with 0, then an optional decimal comma: 1.500 is 1500, 1.500,5 is 1500,5.
# Anything else has at most one separator, a comma or a dot, and it is the decimal one: 0.500
# is 0,5 (nobody writes five hundred with a leading zero group), 1.5 and 1.5000 are 1,5,
# 1234.5 is 1234,5. A group is three digits not followed by a fourth, so that 1.5000 is not
# 1500 followed by a 0.
_NUMBER: Final = re.compile(
    r"(?P<grouped>[1-9]\d{0,2}(?:\.\d{3}(?!\d))+)(?:,(?P<comma>\d+))?"
    r"|(?P<whole>\d+)(?:[.,](?P<fraction>\d+))?"
)
# Thousands groups after a first group starting with 0 (0.500,5 or 0.500.000): refused, with
# this reason, by values and formulas alike.
LEADING_ZERO_GROUP: Final = re.compile(r"0\d{0,2}(?:\.\d{3})+(?:,\d+)?")
LEADING_ZERO_GROUP_REASON: Final = (
    "il punto separa le migliaia solo dopo una prima cifra diversa da 0: 0.500 è 0,5, "
    "cinquecento si scrive 500"
)
_ITALIAN_SEPARATORS = str.maketrans({",": ".", ".": ","})
_DASHES = re.compile(r"^'?[-–—_]+$")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")
    text = text.strip().strip("\"'").strip()
    return re.sub(r"\s+", " ", text)


def unit_kind(unit: str) -> Kind | None:
    """The kind a unit of measure implies, or None when the unit says nothing special."""
    u = unit.strip().lower().rstrip(".")
    if u in {"%", "percentuale", "perc"}:
        return Kind.PERCENT
    if u in {"€", "euro", "eur"}:
        return Kind.MONEY
    if u in {"data", "date", "scadenza"}:
        return Kind.DATE
    if u in {"si/no", "sì/no", "s/n", "booleano"}:
        return Kind.BOOLEAN
    return None


def _bounded(number: float, original: str) -> float:
    if not abs(number) < MAX_MAGNITUDE:  # also catches inf (a few hundred digits) and nan
        raise ValueParseError(
            original, "numero troppo grande (al massimo 15 cifre prima della virgola)"
        )
    return number


def scan_number(text: str, start: int = 0) -> tuple[float, int, int] | None:
    """The unsigned number written at ``text[start:]``: (number, decimals written, end).

    The one reader of number texts: values and targets (``parse_value``) and the number
    literals of formulas (``performa.engine.formula``) call it, so that the same text is the
    same number everywhere. It reads the longest number the grammar allows and leaves what
    follows to the caller (``1.000.5`` stops after ``1.000``: the caller refuses the rest).
    None when no digit starts at ``start``. The number may be infinite (hundreds of digits):
    values refuse it beyond 15 digits, formulas when it is not finite.
    """
    match = _NUMBER.match(text, start)
    if match is None:
        return None
    grouped = match["grouped"]
    if grouped is not None:
        whole, fraction = grouped.replace(".", ""), match["comma"]
    else:
        whole, fraction = match["whole"], match["fraction"]
    if fraction is None:
        return float(whole), 0, match.end()
    return float(f"{whole}.{fraction}"), len(fraction), match.end()


def _parse_number(text: str, original: str) -> tuple[float, int]:
    """Read an Italian or plain number; returns the number and the decimals written."""
    t = text.replace(" ", "")
    sign = 1.0
    if t[:1] in ("+", "-"):
        sign, t = (-1.0 if t[0] == "-" else 1.0), t[1:]
    scanned = scan_number(t)
    if scanned is not None and scanned[2] == len(t):
        return _bounded(sign * scanned[0], original), scanned[1]
    if LEADING_ZERO_GROUP.fullmatch(t):
        raise ValueParseError(original, LEADING_ZERO_GROUP_REASON)
    if "," in t and "." in t and t.index(",") < t.index("."):
        raise ValueParseError(original, "sembra un numero in notazione inglese; usare 1.500,5")
    if t.count(",") > 1:
        raise ValueParseError(original, "più di una virgola decimale")
    if not any(c.isdigit() for c in t):
        raise ValueParseError(
            original, "non è un numero, una percentuale, una data, si/no, n.d. né un giudizio"
        )
    raise ValueParseError(original, "non è un numero scritto all'italiana (es. 1.500,5)")


def _parse_date(text: str, original: str) -> date | None:
    m = _DATE_NUMERIC.match(text)
    if m:
        day, month, written = int(m[1]), int(m[3]), m[4]
    else:
        m = _DATE_MONTH_WORD.match(text)
        if not m:
            return None
        month_word = m[2].lower()[:3]
        if month_word not in _MONTHS:
            raise ValueParseError(original, f"mese «{m[2]}» sconosciuto")
        day, month, written = int(m[1]), _MONTHS[month_word], m[3]
    # Only a two-digit year is short for 20xx: "0001" is the year 1, not 2001, and no date of
    # a performance plan falls there, so it is refused rather than silently moved.
    year = int(written) + (2000 if len(written) == 2 else 0)
    if not YEARS[0] <= year <= YEARS[1]:
        raise ValueParseError(original, f"anno {written} fuori dagli anni ammessi "
                                        f"({YEARS[0]}-{YEARS[1]})")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueParseError(original, "data inesistente") from None


def _scale_level(word: str, scale: tuple[str, ...]) -> int | None:
    """Position of a scale word, accepting the feminine form documents use (``buona``)."""
    for candidate in (word, word[:-1] + "o" if word.endswith("a") else word):
        if candidate in scale:
            return scale.index(candidate)
    return None


def parse_value(text: str, unit: str = "", scale: tuple[str, ...] = DEFAULT_SCALE) -> Value:
    """Read one cell as written. ``unit`` resolves what the text alone leaves open.

    ``88`` under unit ``%`` is 88%, not 8800%; a bare number under unit ``data`` is refused;
    under unit ``si/no`` the numbers 1 and 0 are yes and no, as PIRAs write them, others refused.
    Blank cells are refused: whether a blank means *n.d.* is for the caller to decide.
    """
    original = text
    t = _normalise(text)
    if not t:
        raise ValueParseError(original, "il valore è vuoto")
    lower = t.lower()
    if lower in _NA_WORDS or _DASHES.match(t):
        return NOT_AVAILABLE
    if lower in _TRUE_WORDS:
        return Value(Kind.BOOLEAN, 1.0)
    if lower in _FALSE_WORDS:
        return Value(Kind.BOOLEAN, 0.0)
    if lower in _DONE_WORDS:
        return Value(Kind.DONE, 1.0)
    if lower in _NOT_DONE_WORDS:
        return Value(Kind.DONE, 0.0)
    level = _scale_level(lower, scale)
    if level is not None:
        return Value(Kind.ORDINAL, float(level), level=level, scale=scale)
    for comparator_text, _ in _COMPARATORS:
        if t.startswith(comparator_text):
            raise ValueParseError(original, "contiene un comparatore: è un target, non un valore")

    day = _parse_date(t, original)
    if day is not None:
        return Value(Kind.DATE, float(day.toordinal()), day=day)

    m = _FRACTION.match(t)
    if m:
        num, _ = _parse_number(_UNIT_SUFFIX.sub("", m[1]), original)
        den, _ = _parse_number(_UNIT_SUFFIX.sub("", m[2]), original)
        if den == 0:
            raise ValueParseError(original, "il totale di una frazione «x su y» non può essere 0")
        if not abs(num / den) < MAX_MAGNITUDE:
            raise ValueParseError(original, "il rapporto «x su y» è un numero troppo grande")
        return Value(Kind.FRACTION, num / den, numerator=num, denominator=den)

    implied = unit_kind(unit)
    if implied is Kind.DATE:
        raise ValueParseError(original, "l'unità di misura è «data»: scrivere gg/mm/aaaa")

    kind = Kind.NUMBER
    body = t
    if body.endswith("%"):
        kind, body = Kind.PERCENT, body[:-1].strip()
    elif body.startswith("€") or body.lower().startswith("euro "):
        kind, body = Kind.MONEY, body.lstrip("€").strip().removeprefix("euro ").strip()
    elif body.endswith("€") or body.lower().endswith(" euro"):
        kind, body = Kind.MONEY, body.rstrip("€").strip().removesuffix(" euro").strip()
    else:
        body = _UNIT_SUFFIX.sub("", body)
        if implied is Kind.PERCENT or implied is Kind.MONEY:
            kind = implied
    if not body:
        raise ValueParseError(original, "manca il numero")
    if implied is Kind.BOOLEAN:
        return _yes_no_number(body, kind, original)
    number, decimals = _parse_number(body, original)
    if kind is Kind.PERCENT:
        return Value(Kind.PERCENT, number / 100, decimals=decimals)
    return Value(kind, number, decimals=decimals)


def _yes_no_number(body: str, kind: Kind, original: str) -> Value:
    """A yes/no written as a number: exactly 1 (yes) or 0 (no), however written (``1,0``).

    Real PIRAs fill a *si/no* row as «Attività informativa — si/no — 1 — 1 — 100%»: refusing
    the 1 would refuse the plan as printed. Any other number (or a percent, an amount) means
    the writer meant a quantity, not a yes/no, so it is refused rather than guessed.
    """
    refused = ValueParseError(original, "l'unità di misura è «si/no»: scrivere si oppure no")
    if kind is not Kind.NUMBER:
        raise refused
    try:
        number, _ = _parse_number(body, original)
    except ValueParseError:
        raise refused from None
    if number not in (0.0, 1.0):
        raise refused
    return Value(Kind.BOOLEAN, abs(number))  # abs: "-0" is no, stored as 0.0, not -0.0


_CENT: Final = Decimal("0.01")
_NOT_AN_AMOUNT: Final = "non è un importo in euro (es. € 20.000,00)"


def parse_money(text: str, *, strict: bool = True) -> Decimal | None:
    """An amount as documents print it (``€ 129.000,00``, ``8.934.921``, ``20.000 euro``),
    to the cent, rounding half up; None when the text is blank or *n.d.*: no amount stated.

    The one reader of amounts, with the number grammar of every other value. Anything else
    (words, a percent, a date, a number badly written) raises :class:`ValueParseError`
    saying why; with ``strict=False`` it is None instead, for the texts that may state an
    amount or words in its place, as a card's resources («risorse interne»).
    """
    if not _normalise(text):
        return None
    try:
        value = parse_value(text, "€")
    except ValueParseError:
        if not strict:
            return None
        if any(c.isdigit() for c in text):
            raise  # a number badly written: the reason says how
        raise ValueParseError(text, _NOT_AN_AMOUNT) from None
    if value.kind is Kind.NOT_AVAILABLE:
        return None
    if value.kind is not Kind.MONEY or value.number is None:
        if not strict:
            return None
        raise ValueParseError(text, _NOT_AN_AMOUNT)
    return Decimal(repr(value.number)).quantize(_CENT, rounding=ROUND_HALF_UP)


def parse_comparator(text: str) -> Comparator:
    t = _normalise(text)
    for comparator_text, comparator in _COMPARATORS:
        if t == comparator_text:
            return comparator
    raise ValueParseError(text, "comparatore non valido (usare >=, <=, =, >, <, ≥, ≤)")


def parse_target(
    text: str,
    unit: str = "",
    comparator: str = "",
    scale: tuple[str, ...] = DEFAULT_SCALE,
) -> Target:
    """Read a target such as ``>= 600,0`` or ``≤30/04/2022``.

    The comparator may be glued to the value, written apart (``comparator``) or both, as in
    the seeds' tables that repeat it; when they disagree the target is refused. With no
    comparator anywhere the default follows the unit: a date is a deadline (``<=``), a yes/no
    must match (``=``), anything else is more-is-better (``>=``), as the PIRA writes ``70%``.
    """
    t = _normalise(text)
    glued: Comparator | None = None
    for comparator_text, candidate in _COMPARATORS:
        if t.startswith(comparator_text):
            glued, t = candidate, t[len(comparator_text) :].strip()
            break
    apart = parse_comparator(comparator) if comparator.strip() else None
    if glued and apart and glued is not apart:
        raise ValueParseError(text, f"comparatore «{glued}» diverso da «{apart}»")
    value = parse_value(t, unit, scale) if t else None
    if value is None:
        raise ValueParseError(text, "manca il valore del target")
    chosen = glued or apart
    if chosen is None:
        if value.kind is Kind.DATE:
            chosen = Comparator.LE
        elif value.kind in (Kind.BOOLEAN, Kind.DONE):
            chosen = Comparator.EQ
        else:
            chosen = Comparator.GE
    return Target(chosen, value)


def format_number(number: float, decimals: int = 0) -> str:
    """Italian grouping and decimal comma, rounding half up: 1500 → ``1.500``, 97.5 → ``98``.

    Float noise is cut first, at nine decimals or at the 15th significant digit if that comes
    later, so 0.975 × 100 rounds as the 97,5 it means while a small value keeps its digits:
    1e-19 with 19 decimals is 0,0000000000000000001, not 0. Any finite float and any number
    of decimals can be written (``1e300``, 16 decimals).
    """
    magnitude = math.floor(math.log10(abs(number))) if number else 0
    shortest = Decimal(repr(round(number, max(9, 14 - magnitude))))
    with localcontext() as context:
        # quantize() fails beyond the context's precision (28 digits by default).
        context.prec = max(context.prec, shortest.adjusted() + decimals + 2)
        exact = shortest.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if exact == 0:
        exact = abs(exact)
    return f"{exact:,.{decimals}f}".translate(_ITALIAN_SEPARATORS)


def format_value(value: Value) -> str:
    """Write a value back as an Italian document would."""
    kind = value.kind
    if kind is Kind.NOT_AVAILABLE or value.number is None:
        return "n.d."
    if kind is Kind.BOOLEAN:
        return "si" if value.number else "no"
    if kind is Kind.DONE:
        return "realizzato" if value.number else "non realizzato"
    if kind is Kind.DATE and value.day is not None:
        # Not strftime: it writes the year 202 as "202", which would not read back.
        return f"{value.day.day:02d}/{value.day.month:02d}/{value.day.year:04d}"
    if kind is Kind.ORDINAL and value.level is not None:
        return value.scale[value.level]
    if kind is Kind.FRACTION and value.numerator is not None and value.denominator is not None:
        return (
            f"{format_number(value.numerator, _decimals_of(value.numerator))} su "
            f"{format_number(value.denominator, _decimals_of(value.denominator))}"
        )
    if kind is Kind.PERCENT:
        return format_number(value.number * 100, value.decimals) + "%"
    if kind is Kind.MONEY:
        return format_money(value.number, value.decimals)
    return format_number(value.number, value.decimals)


def format_money(amount: Decimal | float | int, decimals: int = 2) -> str:
    """An amount as the plan documents print it: ``€ 10.285,71``, the cents always shown.

    The one writer of amounts (documents, pages, the fund's formulas, plans read back into
    text), so that the same figure reads the same everywhere and :func:`parse_money` reads
    it back. ``decimals`` is for a value written back as it was typed (``€ 20.000``).
    """
    return "€ " + format_number(float(amount), decimals)


def _decimals_of(number: float) -> int:
    text = repr(number)
    if "e" in text or "." not in text:
        return 0
    fraction = text.split(".")[1].rstrip("0")
    return len(fraction)


def format_percent(fraction: float | None, decimals: int = 0) -> str:
    """An achievement for display: 0.9777 → ``98%``. Rounding happens only here."""
    if fraction is None:
        return "n.d."
    return format_number(fraction * 100, decimals) + "%"
