"""The formula language of indicator algorithms.

Indicators are computed from variables with formulas written the way planning documents write
them (``N_Imprese_CD / N_ImprAtt``, ``Dip-Form / (Unit_Stab + N_Dir)``, ``1.000,5``, ``15%``).
The text comes from users and imported documents, so it is never handed to ``eval``/``ast``:
a small hand-written lexer and a recursive-descent parser build an immutable tree, which is
compiled once into nested closures so that the engine can evaluate hundreds of thousands of
formulas per second.

Language summary (documented for users and for the rest of the code base):

* numbers: ``12``, ``2.5``, ``0,5``, ``1.000`` (a dot followed by exactly three digits after a
  1-3 digit group not starting with 0 is a thousands separator, so ``1.234`` is 1234 and
  ``0.500`` one half), ``1.000,5``, ``15%`` and ``20 %`` (= 0.15, 0.2): the grammar of values
  and targets (``engine.values.scan_number``), so a text is the same number in all three. A
  comma directly followed by a digit belongs to the number, so function arguments are
  separated by ``;`` or by a comma followed by a space: ``min(a, 1,5)`` is ``min(a; 1.5)``;
* operators, loosest first: ``or`` < ``and`` < ``not`` < comparisons (``> < >= <= = == != <>
  ≥ ≤ ≠``, true = 1, false = 0, not chainable) < ``+ -`` < ``* /`` (also the signs U+00D7 and
  U+00F7) < unary minus; ``x`` is a name, not an operator;
* names: a letter or ``_`` followed by letters, digits, ``_``, ``.`` and ``-`` (a ``-`` glued
  between two name characters belongs to the name: ``Dip-Form``), or anything in square
  brackets: ``[Proventi correnti]``. With ``parse(text, known=...)`` a hyphenated name that is
  not known but whose pieces are known is read as a subtraction;
* functions (case-insensitive, with Italian aliases): ``min``, ``max``, ``avg``/``media``,
  ``sum``/``somma``, ``if``/``se``, ``abs``, ``prev``/``prec`` (previous year's value of a
  variable), ``achievement``/``raggiungimento`` (achievement of another plan node, by code).

Evaluation never raises. A value that is not available (n.d., ``None``) makes arithmetic and
comparisons n.d., while ``min/max/avg/sum`` skip it like a spreadsheet does; ``if`` evaluates only
the branch it takes and ``and``/``or`` stop early (three-valued logic: ``0 and n.d.`` is 0).
Failures (unknown variable or node, division by zero, overflow, bad input) are returned as
:class:`FormulaError` values, the first one met left to right winning over n.d., so that one bad
indicator does not stop the computation of a whole plan.

``str(formula)`` is a canonical text (English function names, plain numbers, single spaces,
only the parentheses needed) that parses back to an equal formula.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Final, NamedTuple, Protocol

from .values import LEADING_ZERO_GROUP, LEADING_ZERO_GROUP_REASON, scan_number

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Env",
    "Formula",
    "FormulaError",
    "FormulaSyntaxError",
    "MappingEnv",
    "Number",
    "evaluate",
    "find_cycles",
    "parse",
]

MAX_LENGTH: Final = 2000
"""Longest accepted formula, in characters: real algorithms are far shorter, and the bound keeps
parsing and error messages cheap whatever a user pastes."""

MAX_DEPTH: Final = 50
"""Deepest accepted nesting of parentheses, function calls and prefix operators: it keeps the
parser and the compiled closures far from Python's recursion limit."""

EQUALITY_REL_TOL: Final = 1e-9
EQUALITY_ABS_TOL: Final = 1e-12
"""Comparisons treat numbers this close as equal, as users expect ``0.1 + 0.2 = 0.3`` to hold."""

Number = float


# --------------------------------------------------------------------------- public types


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


_Result = float | None | FormulaError
_Fn = Callable[[Env], _Result]


# --------------------------------------------------------------------------- tree

# Precedence levels, loosest first; used by the parser's structure and by the formatter to
# decide where parentheses are needed so that str() re-parses to an equal tree.
_P_OR: Final = 1
_P_AND: Final = 2
_P_NOT: Final = 3
_P_CMP: Final = 4
_P_ADD: Final = 5
_P_MUL: Final = 6
_P_NEG: Final = 7
_P_ATOM: Final = 8


@dataclass(frozen=True, slots=True)
class _Num:
    value: float


@dataclass(frozen=True, slots=True)
class _Var:
    name: str


@dataclass(frozen=True, slots=True)
class _Prev:
    name: str


@dataclass(frozen=True, slots=True)
class _Ach:
    code: str


@dataclass(frozen=True, slots=True)
class _Neg:
    operand: _Node


@dataclass(frozen=True, slots=True)
class _Not:
    operand: _Node


@dataclass(frozen=True, slots=True)
class _Chain:
    """``first op term op term ...`` for ``+ -`` (kind "add") or ``* /`` (kind "mul").

    Chains are flat rather than binary so that a long sum neither deepens the tree nor the
    Python stack when compiled and evaluated.
    """

    kind: str
    first: _Node
    rest: tuple[tuple[str, _Node], ...]


@dataclass(frozen=True, slots=True)
class _Logic:
    kind: str  # "and" / "or"
    terms: tuple[_Node, ...]


@dataclass(frozen=True, slots=True)
class _Cmp:
    op: str  # canonical: > < >= <= = !=
    left: _Node
    right: _Node


@dataclass(frozen=True, slots=True)
class _Call:
    func: str  # canonical English name
    args: tuple[_Node, ...]


_Node = _Num | _Var | _Prev | _Ach | _Neg | _Not | _Chain | _Logic | _Cmp | _Call


# --------------------------------------------------------------------------- lexer

_KEYWORDS: Final = frozenset({"and", "or", "not"})

# Alias (lower case) -> canonical name.
_FUNCS: Final[dict[str, str]] = {
    "min": "min",
    "max": "max",
    "avg": "avg",
    "media": "avg",
    "sum": "sum",
    "somma": "sum",
    "if": "if",
    "se": "if",
    "abs": "abs",
    "prev": "prev",
    "prec": "prev",
    "achievement": "achievement",
    "raggiungimento": "achievement",
}
# Canonical name -> (fewest, most) arguments; None for variadic. prev and achievement take one
# name or code and are parsed apart.
_ARITY: Final[dict[str, tuple[int, int | None]]] = {
    "min": (1, None),
    "max": (1, None),
    "avg": (1, None),
    "sum": (1, None),
    "if": (3, 3),
    "abs": (1, 1),
}

_CMP_OPS: Final[dict[str, str]] = {
    ">": ">",
    "<": "<",
    ">=": ">=",
    "<=": "<=",
    "=": "=",
    "==": "=",
    "!=": "!=",
    "<>": "!=",
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
    "=>": ">=",
    "=<": "<=",
}
# Besides ASCII: the minus sign and the en dash that word processors put for "-", and the
# multiplication and division signs of printed documents.
_ONE_CHAR_OPS: Final[dict[str, str]] = {
    "+": "+",
    "-": "-",
    "\u2212": "-",
    "\u2013": "-",
    "*": "*",
    "\u00d7": "*",
    "/": "/",
    "\u00f7": "/",
    ">": ">",
    "<": "<",
    "=": "=",
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
}
_TWO_CHAR_OPS: Final = frozenset({">=", "<=", "==", "!=", "<>", "=>", "=<"})
# Straight quotes and the typographic pairs word processors substitute for them.
_QUOTES: Final[dict[str, str]] = {
    '"': '"',
    "'": "'",
    "\u201c": "\u201d",
    "\u2018": "\u2019",
    "«": "»",
}


class _Tok(NamedTuple):
    kind: str  # num name qname str op kw ( ) , end
    value: str  # canonical operator, keyword, name, code or the number's source text
    num: float
    pos: int
    end: int


def _is_name_start(c: str) -> bool:
    return c == "_" or c.isalpha()


def _is_name_char(c: str) -> bool:
    # ASCII digits only: superscripts and other scripts' digits would make look-alike names.
    return c == "_" or "0" <= c <= "9" or c.isalpha()


# The same rules as _name_end for ASCII text, where a regular expression is several times faster.
_ASCII_NAME: Final = re.compile(
    r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+|-[A-Za-z_][A-Za-z0-9_]*)*"
)


def _name_end(text: str, i: int) -> int:
    n = len(text)
    j = i + 1
    while j < n:
        c = text[j]
        # "." and "-" belong to the name only when glued to a following name character.
        if not (
            _is_name_char(c)
            or (c == "." and j + 1 < n and _is_name_char(text[j + 1]))
            or (c == "-" and j + 1 < n and _is_name_start(text[j + 1]))
        ):
            break
        j += 1
    return j


_INVISIBLE: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _show_char(c: str) -> str:
    if c.isprintable() and not c.isspace() and unicodedata.category(c) not in ("Cf", "Mn"):
        return f"«{c}»"
    return f"U+{ord(c):04X}"


def _excerpt(s: str, limit: int = 60) -> str:
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _visible(text: str) -> str:
    # Control, format (bidi, zero-width) and surrogate characters would make the quoted text in
    # a message lie about what it contains, or break its encoding: one placeholder each, so
    # positions still line up.
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        (" " if c.isspace() else "\ufffd") if unicodedata.category(c) in _INVISIBLE else c
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


def _is_digit(c: str) -> bool:
    return "0" <= c <= "9"


def _decimal_comma_at(text: str, i: int) -> bool:
    return text[i] == "," and i + 1 < len(text) and _is_digit(text[i + 1])


def _lex_number(text: str, i: int) -> tuple[_Tok, int]:
    # The number grammar of values (engine.values.scan_number): a formula's 1.500 is the
    # 1.500 of a target, and 0.500 is one half in both.
    n = len(text)
    scanned = scan_number(text, i)
    if scanned is None:  # the lexer calls it on a digit: never
        raise FormulaSyntaxError(text, i, "numero atteso")
    value, _, j = scanned
    raw = text[i:j]
    # What may follow a number: a dot or comma starting more digits, a letter or a dangling dot
    # means the user wrote something we must not guess about (1e5, 1.000.5, 3x4, 2.).
    if j < n and (_is_name_char(text[j]) or text[j] == "." or _decimal_comma_at(text, j)):
        e = j
        while e < n and (_is_name_char(text[e]) or text[e] == "." or _decimal_comma_at(text, e)):
            e += 1
        shown = _excerpt(text[i:e], 40)
        hint = ""
        if LEADING_ZERO_GROUP.fullmatch(text, i, e):
            hint = f" ({LEADING_ZERO_GROUP_REASON})"
        elif "," in text[i:e]:
            hint = (
                " (la virgola seguita da una cifra fa parte del numero: separare gli"
                " argomenti con «;» o con una virgola seguita da uno spazio)"
            )
        elif "_" in text[i:e]:
            hint = ' (il codice di un obiettivo va scritto tra virgolette, es. "01_01_02")'
        elif any(c in "xX" for c in text[j:e]):
            hint = " (per moltiplicare usare «*»)"
        elif any(c in "eE" for c in text[j:e]):
            hint = " (la notazione esponenziale non è ammessa)"
        raise FormulaSyntaxError(text, i, f"numero non valido «{shown}»{hint}")
    if not math.isfinite(value):
        raise FormulaSyntaxError(text, i, f"numero troppo grande «{_excerpt(raw, 30)}»")
    # A percent sign, possibly after spaces (documents write "20 %"), divides by 100.
    p = j
    while p < n and text[p].isspace():
        p += 1
    if p < n and text[p] == "%":
        value /= 100.0
        j = p + 1
        raw = text[i:j]
    return _Tok("num", raw, value, i, j), j


def _lex_bracket(text: str, i: int) -> tuple[_Tok, int]:
    n = len(text)
    j = i + 1
    while j < n and text[j] != "]":
        c = text[j]
        if c == "[":
            raise FormulaSyntaxError(text, j, "«[» non ammesso dentro un nome tra parentesi quadre")
        if unicodedata.category(c) in _INVISIBLE and c not in "\t":
            raise FormulaSyntaxError(text, j, f"carattere non ammesso {_show_char(c)} in un nome")
        j += 1
    if j >= n:
        raise FormulaSyntaxError(text, i, "parentesi quadra «[» non chiusa")
    name = " ".join(text[i + 1 : j].split())
    if not name:
        raise FormulaSyntaxError(text, i, "nome vuoto tra parentesi quadre «[]»")
    return _Tok("qname", name, 0.0, i, j + 1), j + 1


def _lex_string(text: str, i: int) -> tuple[_Tok, int]:
    close = _QUOTES[text[i]]
    j = text.find(close, i + 1)
    if j < 0:
        raise FormulaSyntaxError(text, i, f"testo tra virgolette non chiuso (manca {close})")
    body = text[i + 1 : j]
    for off, c in enumerate(body):
        if unicodedata.category(c) in _INVISIBLE:
            raise FormulaSyntaxError(text, i + 1 + off, f"carattere non ammesso {_show_char(c)}")
    code = body.strip()
    if not code:
        raise FormulaSyntaxError(text, i, "codice vuoto tra virgolette")
    return _Tok("str", code, 0.0, i, j + 1), j + 1


def _lex(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    n = len(text)
    i = 0
    ascii_only = text.isascii()
    if text.startswith("\ufeff"):  # byte-order mark left by files exported from Windows
        i = 1
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif _is_digit(c):
            tok, i = _lex_number(text, i)
            toks.append(tok)
        elif _is_name_start(c):
            match = _ASCII_NAME.match(text, i) if ascii_only else None
            j = match.end() if match is not None else _name_end(text, i)
            word = text[i:j]
            if word.lower() in _KEYWORDS:
                toks.append(_Tok("kw", word.lower(), 0.0, i, j))
            else:
                toks.append(_Tok("name", word, 0.0, i, j))
            i = j
        elif c == "[":
            tok, i = _lex_bracket(text, i)
            toks.append(tok)
        elif c in _QUOTES:
            tok, i = _lex_string(text, i)
            toks.append(tok)
        elif c in "()":
            toks.append(_Tok(c, c, 0.0, i, i + 1))
            i += 1
        elif c in ",;":
            toks.append(_Tok(",", c, 0.0, i, i + 1))
            i += 1
        elif text[i : i + 2] in _TWO_CHAR_OPS:
            toks.append(_Tok("op", _CMP_OPS[text[i : i + 2]], 0.0, i, i + 2))
            i += 2
        elif c in _ONE_CHAR_OPS:
            toks.append(_Tok("op", _ONE_CHAR_OPS[c], 0.0, i, i + 1))
            i += 1
        elif c == "]":
            raise FormulaSyntaxError(text, i, "parentesi quadra «]» senza «[» corrispondente")
        elif c == "%":
            raise FormulaSyntaxError(text, i, "«%» è ammesso solo subito dopo un numero")
        elif c == "!":
            raise FormulaSyntaxError(text, i, "«!» non ammesso (per «diverso da» usare «!=»)")
        elif c == ".":
            raise FormulaSyntaxError(text, i, "«.» inatteso (i numeri iniziano con una cifra)")
        else:
            raise FormulaSyntaxError(text, i, f"carattere non ammesso {_show_char(c)}")
    toks.append(_Tok("end", "", 0.0, n, n))
    return toks


_MAX_NAME_PIECES: Final = 8
"""Known names are matched inside a hyphenated token only up to this many ``-`` pieces, which
keeps the split linear on adversarial input such as ``a-b-c-…`` a thousand times."""


def _split_hyphenated(toks: list[_Tok], known: Collection[str]) -> list[_Tok]:
    """Re-read ``A-B`` as ``A - B`` when only the pieces are known variables.

    The fewest pieces win, so ``Dip-Form-N_Dir`` with known ``Dip-Form`` and ``N_Dir`` reads as
    ``Dip-Form - N_Dir``. The last piece may be a function name when a ``(`` follows.
    """
    out: list[_Tok] = []
    for idx, tok in enumerate(toks):
        if tok.kind != "name" or "-" not in tok.value or tok.value in known:
            out.append(tok)
            continue
        pieces = tok.value.split("-")
        offsets: list[int] = []
        off = tok.pos
        for p in pieces:
            offsets.append(off)
            off += len(p) + 1
        call_follows = toks[idx + 1].kind == "("
        m = len(pieces)
        inf = m + 1
        best = [0] + [inf] * m
        back = [0] * (m + 1)
        for end in range(1, m + 1):
            for start in range(max(0, end - _MAX_NAME_PIECES), end):
                if best[start] + 1 >= best[end]:
                    continue
                word = "-".join(pieces[start:end])
                ok = word in known or (end == m and call_follows and word.lower() in _FUNCS)
                if ok:
                    best[end] = best[start] + 1
                    back[end] = start
        if best[m] >= inf or best[m] == 1:
            out.append(tok)
            continue
        bounds: list[tuple[int, int]] = []
        end = m
        while end > 0:
            bounds.append((back[end], end))
            end = back[end]
        bounds.reverse()
        for n_piece, (start, end) in enumerate(bounds):
            if n_piece:
                minus_at = offsets[start] - 1
                out.append(_Tok("op", "-", 0.0, minus_at, minus_at + 1))
            word = "-".join(pieces[start:end])
            pos = offsets[start]
            out.append(_Tok("name", word, 0.0, pos, pos + len(word)))
    return out


# --------------------------------------------------------------------------- parser


def _describe(tok: _Tok) -> str:
    if tok.kind == "end":
        return "fine della formula"
    if tok.kind == "qname":
        return f"«[{tok.value}]»"
    if tok.kind == "str":
        return f'«"{_excerpt(tok.value, 30)}"»'
    return f"«{_excerpt(tok.value, 40)}»"


class _Parser:
    """One level per precedence (or, and, not, comparison, +-, */, unary, primary), so that the
    structure of the code mirrors the precedence table of the documentation."""

    __slots__ = ("depth", "i", "text", "toks")

    def __init__(self, text: str, toks: list[_Tok]) -> None:
        self.text = text
        self.toks = toks
        self.i = 0
        self.depth = 0

    def fail(self, pos: int, reason: str) -> FormulaSyntaxError:
        return FormulaSyntaxError(self.text, pos, reason)

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def advance(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def enter(self, tok: _Tok) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(
                tok.pos,
                f"formula troppo annidata (massimo {MAX_DEPTH} livelli di"
                " parentesi, funzioni e segni)",
            )

    def leave(self) -> None:
        self.depth -= 1

    def parse(self) -> _Node:
        if self.peek().kind == "end":
            raise self.fail(0, "formula vuota")
        node = self.or_()
        tok = self.peek()
        if tok.kind != "end":
            raise self.unexpected_after_operand(tok)
        return node

    def unexpected_after_operand(self, tok: _Tok) -> FormulaSyntaxError:
        if tok.kind == ")":
            return self.fail(tok.pos, "parentesi «)» senza «(» corrispondente")
        if tok.kind == ",":
            return self.fail(
                tok.pos, f"«{tok.value}» inatteso fuori dagli argomenti di una funzione"
            )
        if tok.kind == "op" and tok.value in _CMP_OPS.values():
            return self.fail(
                tok.pos, f"confronti concatenati non ammessi («{tok.value}»): usare «and»"
            )
        if tok.kind == "(":
            return self.fail(tok.pos, "manca un operatore prima di «(»")
        hint = ""
        if tok.kind == "name" and tok.value in ("x", "X"):
            hint = " (per moltiplicare usare «*»)"
        return self.fail(tok.pos, f"manca un operatore prima di {_describe(tok)}{hint}")

    def or_(self) -> _Node:
        first = self.and_()
        if not (self.peek().kind == "kw" and self.peek().value == "or"):
            return first
        terms = [first]
        while self.peek().kind == "kw" and self.peek().value == "or":
            self.advance()
            terms.append(self.and_())
        return _Logic("or", tuple(terms))

    def and_(self) -> _Node:
        first = self.not_()
        if not (self.peek().kind == "kw" and self.peek().value == "and"):
            return first
        terms = [first]
        while self.peek().kind == "kw" and self.peek().value == "and":
            self.advance()
            terms.append(self.not_())
        return _Logic("and", tuple(terms))

    def not_(self) -> _Node:
        tok = self.peek()
        if tok.kind == "kw" and tok.value == "not":
            self.advance()
            self.enter(tok)
            operand = self.not_()
            self.leave()
            return _Not(operand)
        return self.cmp()

    def cmp(self) -> _Node:
        left = self.add()
        tok = self.peek()
        if tok.kind == "op" and tok.value in _CMP_OPS.values():
            self.advance()
            right = self.add()
            after = self.peek()
            if after.kind == "op" and after.value in _CMP_OPS.values():
                raise self.fail(
                    after.pos, f"confronti concatenati non ammessi («{after.value}»): usare «and»"
                )
            return _Cmp(tok.value, left, right)
        return left

    def add(self) -> _Node:
        first = self.mul()
        rest: list[tuple[str, _Node]] = []
        while (tok := self.peek()).kind == "op" and tok.value in ("+", "-"):
            self.advance()
            rest.append((tok.value, self.mul()))
        return _Chain("add", first, tuple(rest)) if rest else first

    def mul(self) -> _Node:
        first = self.unary()
        rest: list[tuple[str, _Node]] = []
        while (tok := self.peek()).kind == "op" and tok.value in ("*", "/"):
            self.advance()
            rest.append((tok.value, self.unary()))
        return _Chain("mul", first, tuple(rest)) if rest else first

    def unary(self) -> _Node:
        tok = self.peek()
        if tok.kind == "op" and tok.value in ("-", "+"):
            self.advance()
            self.enter(tok)
            operand = self.unary()
            self.leave()
            return _Neg(operand) if tok.value == "-" else operand
        return self.primary()

    def primary(self) -> _Node:
        tok = self.advance()
        kind = tok.kind
        if kind == "num":
            return _Num(tok.num)
        if kind == "qname":
            return _Var(tok.value)
        if kind == "name":
            if self.peek().kind == "(":
                return self.call(tok)
            return _Var(tok.value)
        if kind == "(":
            self.enter(tok)
            node = self.or_()
            close = self.peek()
            if close.kind == "end":
                raise self.fail(tok.pos, "parentesi «(» non chiusa")
            if close.kind != ")":
                raise self.unexpected_after_operand(close)
            self.advance()
            self.leave()
            return node
        if kind == "str":
            raise self.fail(
                tok.pos,
                "un testo tra virgolette è ammesso solo come codice in"
                " achievement()/raggiungimento()",
            )
        raise self.missing_operand(tok)

    def missing_operand(self, tok: _Tok) -> FormulaSyntaxError:
        prev = self.toks[self.i - 2] if self.i >= 2 else None
        if tok.kind == "end":
            after = f" dopo {_describe(prev)}" if prev is not None else ""
            return self.fail(tok.pos, f"formula incompleta: manca un valore{after}")
        if tok.kind == ")":
            if prev is not None and prev.kind == "(":
                return self.fail(prev.pos, "parentesi vuote «()»")
            return self.fail(tok.pos, "«)» inatteso: manca un valore")
        if tok.kind == ",":
            return self.fail(tok.pos, f"«{tok.value}» inatteso: manca un valore")
        if tok.kind == "op":
            return self.fail(tok.pos, f"operatore «{tok.value}» inatteso")
        return self.fail(tok.pos, f"{_describe(tok)} inatteso")

    def call(self, name_tok: _Tok) -> _Node:
        alias = name_tok.value
        func = _FUNCS.get(alias.lower())
        if func is None:
            raise self.fail(name_tok.pos, f"funzione sconosciuta «{_excerpt(alias, 40)}»")
        open_tok = self.advance()
        self.enter(open_tok)
        if func == "prev":
            node: _Node = _Prev(self.single_name(alias, open_tok))
        elif func == "achievement":
            node = _Ach(self.single_code(alias, open_tok))
        else:
            node = _Call(func, self.arguments(name_tok, func, open_tok))
        self.leave()
        return node

    def close_call(self, alias: str, open_tok: _Tok) -> None:
        tok = self.peek()
        if tok.kind == ")":
            self.advance()
            return
        if tok.kind == "end":
            raise self.fail(open_tok.pos, f"parentesi «(» della funzione «{alias}» non chiusa")
        raise self.fail(tok.pos, f"manca un operatore o una virgola prima di {_describe(tok)}")

    def single_name(self, alias: str, open_tok: _Tok) -> str:
        tok = self.advance()
        if tok.kind not in ("name", "qname") or self.peek().kind not in (")", "end"):
            raise self.fail(
                tok.pos, f"«{alias}» vuole solo il nome di una variabile, es. {alias}(N_ImprAtt)"
            )
        self.close_call(alias, open_tok)
        return tok.value

    def single_code(self, alias: str, open_tok: _Tok) -> str:
        tok = self.advance()
        if tok.kind != "str" or self.peek().kind not in (")", "end"):
            raise self.fail(
                tok.pos,
                f"«{alias}» vuole solo il codice di un obiettivo tra virgolette,"
                f' es. {alias}("01_01_02")',
            )
        self.close_call(alias, open_tok)
        return tok.value

    def arguments(self, name_tok: _Tok, func: str, open_tok: _Tok) -> tuple[_Node, ...]:
        alias = name_tok.value
        start = self.i
        args: list[_Node] = []
        if self.peek().kind != ")":
            while True:
                args.append(self.or_())
                if self.peek().kind == ",":
                    self.advance()
                    continue
                self.close_call(alias, open_tok)
                break
        else:
            self.advance()
        low, high = _ARITY[func]
        if low <= len(args) and (high is None or len(args) <= high):
            return tuple(args)
        if high is None:
            wanted = f"almeno {low} argomento" if low == 1 else f"almeno {low} argomenti"
        elif high == 1:
            wanted = "1 argomento"
        else:
            wanted = f"{high} argomenti"
        if func == "if":
            wanted += " (condizione, valore se vera, valore se falsa)"
        hint = ""
        decimal_commas = [
            t.value for t in self.toks[start : self.i] if t.kind == "num" and "," in t.value
        ]
        if decimal_commas:
            hint = (
                f"; attenzione: «{decimal_commas[0]}» è letto come numero decimale, separare"
                " gli argomenti con «;» o con una virgola seguita da uno spazio"
            )
        raise self.fail(name_tok.pos, f"«{alias}» richiede {wanted}, trovati {len(args)}{hint}")


# --------------------------------------------------------------------------- formatter


def _format_number(value: float) -> str:
    if value == int(value) and abs(value) < 1e16:
        return str(int(value))
    s = repr(value)
    if "e" in s or "E" in s:
        s = format(Decimal(s), "f")
    if s.endswith(".0"):
        s = s[:-2]
    int_part, _, frac = s.partition(".")
    # "1.234" would be read back as one thousand two hundred and thirty-four.
    if len(frac) == 3 and 1 <= len(int_part) <= 3 and int_part[0] != "0":
        s += "0"
    return s


def _is_bare_name(name: str) -> bool:
    if name.isascii():
        return _ASCII_NAME.fullmatch(name) is not None and name.lower() not in _KEYWORDS
    return (
        bool(name)
        and _is_name_start(name[0])
        and _name_end(name, 0) == len(name)
        and name.lower() not in _KEYWORDS
    )


def _format_name(name: str) -> str:
    return name if _is_bare_name(name) else f"[{name}]"


def _format_code(code: str) -> str:
    return f"'{code}'" if '"' in code else f'"{code}"'


def _prec(node: _Node) -> int:
    if isinstance(node, _Chain):
        return _P_ADD if node.kind == "add" else _P_MUL
    if isinstance(node, _Logic):
        return _P_OR if node.kind == "or" else _P_AND
    if isinstance(node, _Cmp):
        return _P_CMP
    if isinstance(node, _Not):
        return _P_NOT
    if isinstance(node, _Neg):
        return _P_NEG
    return _P_ATOM


def _wrap(node: _Node, min_prec: int) -> str:
    s = _format(node)
    return s if _prec(node) >= min_prec else f"({s})"


def _format(node: _Node) -> str:
    if isinstance(node, _Num):
        return _format_number(node.value)
    if isinstance(node, _Var):
        return _format_name(node.name)
    if isinstance(node, _Prev):
        return f"prev({_format_name(node.name)})"
    if isinstance(node, _Ach):
        return f"achievement({_format_code(node.code)})"
    if isinstance(node, _Neg):
        return "-" + _wrap(node.operand, _P_NEG)
    if isinstance(node, _Not):
        return "not " + _wrap(node.operand, _P_NOT)
    if isinstance(node, _Chain):
        # Operands of the same level are parenthesised: an unparenthesised one would merge
        # into this chain when re-parsed and give a different (if equivalent) tree.
        level = _P_ADD if node.kind == "add" else _P_MUL
        parts = [_wrap(node.first, level + 1)]
        for op, term in node.rest:
            parts.append(f" {op} {_wrap(term, level + 1)}")
        return "".join(parts)
    if isinstance(node, _Logic):
        level = _P_OR if node.kind == "or" else _P_AND
        return f" {node.kind} ".join(_wrap(t, level + 1) for t in node.terms)
    if isinstance(node, _Cmp):
        return f"{_wrap(node.left, _P_ADD)} {node.op} {_wrap(node.right, _P_ADD)}"
    return f"{node.func}({', '.join(_format(a) for a in node.args)})"


# --------------------------------------------------------------------------- compiler
#
# Every compiled function returns float, None (n.d.) or FormulaError. Invariants that keep the
# closures short: floats flowing between closures are finite; an error met first (left to
# right) wins over n.d.; n.d. wins over division by zero.


def _first_problem(x: _Result, y: _Result) -> _Result:
    if isinstance(x, FormulaError):
        return x
    if isinstance(y, FormulaError):
        return y
    return None


def _coerce(v: object, label: str) -> _Result:
    """Slow path for env values that are not plain floats (int, bool, Decimal, junk)."""
    if v is None or isinstance(v, FormulaError):
        return v
    if isinstance(v, (int, float, Decimal)) or hasattr(v, "__float__"):
        try:
            f = float(v)
        except (TypeError, ValueError, OverflowError):
            f = math.nan
        if math.isfinite(f):
            return f
        return FormulaError("invalid_argument", f"valore non valido per {label}: {v!r:.40}")
    return FormulaError("invalid_argument", f"valore non numerico per {label}: {v!r:.40}")


def _compile_read(
    getter: Callable[[Env, str], float | None], key: str, label: str, missing: FormulaError
) -> _Fn:
    def read(env: Env) -> _Result:
        try:
            v = getter(env, key)
        except KeyError:
            return missing
        if v.__class__ is float:
            if v - v == 0.0:  # finite: inf - inf and nan - nan are nan
                return v
        elif v is None:
            return None
        return _coerce(v, label)

    return read


def _get_previous(env: Env, name: str) -> float | None:
    return env.previous(name)


def _get_achievement(env: Env, code: str) -> float | None:
    return env.achievement(code)


def _compile(node: _Node) -> _Fn:
    if isinstance(node, _Num):
        value = node.value

        def const(env: Env) -> _Result:
            return value

        return const
    if isinstance(node, _Var):
        name = node.name
        label = f"«{name}»"
        missing = FormulaError("unknown_variable", f"variabile sconosciuta «{name}»")
        return _compile_var(name, label, missing)
    if isinstance(node, _Prev):
        return _compile_read(
            _get_previous,
            node.name,
            f"«{node.name}» dell'anno precedente",
            FormulaError(
                "unknown_variable", f"variabile sconosciuta «{node.name}» (anno precedente)"
            ),
        )
    if isinstance(node, _Ach):
        return _compile_read(
            _get_achievement,
            node.code,
            f"il raggiungimento di «{node.code}»",
            FormulaError("unknown_node", f"obiettivo sconosciuto «{node.code}»"),
        )
    if isinstance(node, _Neg):
        return _compile_neg(_compile(node.operand))
    if isinstance(node, _Not):
        return _compile_not(_compile(node.operand))
    if isinstance(node, _Chain):
        return _compile_chain(node)
    if isinstance(node, _Logic):
        return _compile_logic(node.kind, [_compile(t) for t in node.terms])
    if isinstance(node, _Cmp):
        return _compile_cmp(node.op, _compile(node.left), _compile(node.right))
    return _compile_call(node)


def _compile_var(name: str, label: str, missing: FormulaError) -> _Fn:
    # The hottest closure of the engine: reads env.value directly, no helper call.
    def var(env: Env) -> _Result:
        try:
            v = env.value(name)
        except KeyError:
            return missing
        if v.__class__ is float:
            if v - v == 0.0:  # finite: inf - inf and nan - nan are nan
                return v
        elif v is None:
            return None
        return _coerce(v, label)

    return var


def _compile_neg(inner: _Fn) -> _Fn:
    def neg(env: Env) -> _Result:
        x = inner(env)
        return -x if isinstance(x, float) else x

    return neg


def _compile_not(inner: _Fn) -> _Fn:
    def not_(env: Env) -> _Result:
        x = inner(env)
        if isinstance(x, float):
            return 1.0 if x == 0.0 else 0.0
        return x

    return not_


_ErrorFactory = Callable[[], FormulaError]


# Error messages quote the formula's text; they are built only when the error happens, so that
# compiling (done for every formula of every body) formats nothing.
def _overflow(node: _Node) -> _ErrorFactory:
    def make() -> FormulaError:
        return FormulaError("overflow", f"risultato troppo grande in «{_excerpt(_format(node))}»")

    return make


def _division_by_zero(node: _Chain, upto: int) -> _ErrorFactory:
    def make() -> FormulaError:
        # The text up to the divisor, its end kept when long: that is where the zero is.
        prefix = _format(_Chain("mul", node.first, node.rest[: upto + 1]))
        if len(prefix) > 60:
            prefix = "…" + prefix[-59:]
        return FormulaError("division_by_zero", f"divisione per zero in «{prefix}»")

    return make


def _compile_chain(node: _Chain) -> _Fn:
    overflow = _overflow(node)
    first = _compile(node.first)
    if node.kind == "add":
        if len(node.rest) == 1:
            return _compile_add2(first, node.rest[0][0], _compile(node.rest[0][1]), overflow)
        signs = tuple((op == "-", _compile(t)) for op, t in node.rest)

        def add(env: Env) -> _Result:
            acc = first(env)
            if isinstance(acc, FormulaError):
                return acc
            for negative, fn in signs:
                y = fn(env)
                if isinstance(y, float):
                    if acc is not None:
                        acc = acc - y if negative else acc + y
                elif y is None:
                    acc = None
                else:
                    return y
            if acc is None or acc - acc == 0.0:
                return acc
            return overflow()

        return add

    steps = tuple(
        (op == "/", _compile(term), _division_by_zero(node, i))
        for i, (op, term) in enumerate(node.rest)
    )
    if len(steps) == 1:
        return _compile_mul2(first, steps[0], overflow)

    def mul(env: Env) -> _Result:
        acc = first(env)
        if isinstance(acc, FormulaError):
            return acc
        for is_div, fn, division_by_zero in steps:
            y = fn(env)
            if isinstance(y, float):
                if acc is not None:
                    if is_div:
                        if y == 0.0:
                            return division_by_zero()
                        acc = acc / y
                    else:
                        acc = acc * y
            elif y is None:
                acc = None
            else:
                return y
        if acc is None or acc - acc == 0.0:
            return acc
        return overflow()

    return mul


def _compile_add2(left: _Fn, op: str, right: _Fn, overflow: _ErrorFactory) -> _Fn:
    if op == "+":

        def add2(env: Env) -> _Result:
            x = left(env)
            y = right(env)
            if isinstance(x, float) and isinstance(y, float):
                r = x + y
                return r if r - r == 0.0 else overflow()
            return _first_problem(x, y)

        return add2

    def sub2(env: Env) -> _Result:
        x = left(env)
        y = right(env)
        if isinstance(x, float) and isinstance(y, float):
            r = x - y
            return r if r - r == 0.0 else overflow()
        return _first_problem(x, y)

    return sub2


def _compile_mul2(left: _Fn, step: tuple[bool, _Fn, _ErrorFactory], overflow: _ErrorFactory) -> _Fn:
    is_div, right, division_by_zero = step
    if is_div:

        def div2(env: Env) -> _Result:
            x = left(env)
            y = right(env)
            if isinstance(x, float) and isinstance(y, float):
                if y == 0.0:
                    return division_by_zero()
                r = x / y
                return r if r - r == 0.0 else overflow()
            return _first_problem(x, y)

        return div2

    def mul2(env: Env) -> _Result:
        x = left(env)
        y = right(env)
        if isinstance(x, float) and isinstance(y, float):
            r = x * y
            return r if r - r == 0.0 else overflow()
        return _first_problem(x, y)

    return mul2


def _compile_logic(kind: str, terms: list[_Fn]) -> _Fn:
    # Three-valued (Kleene) logic with short-circuit, like if(): "false and n.d." is false.
    fns = tuple(terms)
    if kind == "and":

        def and_(env: Env) -> _Result:
            result: float | None = 1.0
            for fn in fns:
                v = fn(env)
                if isinstance(v, float):
                    if v == 0.0:
                        return 0.0
                elif v is None:
                    result = None
                else:
                    return v
            return result

        return and_

    def or_(env: Env) -> _Result:
        result: float | None = 0.0
        for fn in fns:
            v = fn(env)
            if isinstance(v, float):
                if v != 0.0:
                    return 1.0
            elif v is None:
                result = None
            else:
                return v
        return result

    return or_


def _close(x: float, y: float) -> bool:
    return x == y or math.isclose(x, y, rel_tol=EQUALITY_REL_TOL, abs_tol=EQUALITY_ABS_TOL)


_COMPARATORS: Final[dict[str, Callable[[float, float], bool]]] = {
    "=": _close,
    "!=": lambda x, y: not _close(x, y),
    ">": lambda x, y: x > y and not _close(x, y),
    "<": lambda x, y: x < y and not _close(x, y),
    ">=": lambda x, y: x > y or _close(x, y),
    "<=": lambda x, y: x < y or _close(x, y),
}


def _compile_cmp(op: str, left: _Fn, right: _Fn) -> _Fn:
    test = _COMPARATORS[op]

    def cmp(env: Env) -> _Result:
        x = left(env)
        y = right(env)
        if isinstance(x, float) and isinstance(y, float):
            return 1.0 if test(x, y) else 0.0
        return _first_problem(x, y)

    return cmp


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _total(values: list[float]) -> float:
    return sum(values, 0.0)


_REDUCERS: Final[dict[str, Callable[[list[float]], float]]] = {
    "min": min,
    "max": max,
    "sum": _total,
    "avg": _mean,
}


def _compile_call(node: _Call) -> _Fn:
    args = tuple(_compile(a) for a in node.args)
    func = node.func
    if func == "if":
        cond, then, other = args

        def if_(env: Env) -> _Result:
            c = cond(env)
            if isinstance(c, float):
                return then(env) if c != 0.0 else other(env)
            return c

        return if_
    if func == "abs":
        (inner,) = args

        def abs_(env: Env) -> _Result:
            x = inner(env)
            return abs(x) if isinstance(x, float) else x

        return abs_

    overflow = _overflow(node)
    reduce = _REDUCERS[func]

    def aggregate(env: Env) -> _Result:
        # Like a spreadsheet, n.d. arguments are skipped: "the mean of the objectives'
        # achievements" must not become n.d. because one objective was not measured.
        present: list[float] = []
        for fn in args:
            v = fn(env)
            if isinstance(v, float):
                present.append(v)
            elif v is not None:
                return v
        if not present:
            return None
        r = reduce(present)
        return r if r - r == 0.0 else overflow()

    return aggregate


# --------------------------------------------------------------------------- public API


def _collect(node: _Node, variables: set[str], previous: set[str], codes: set[str]) -> None:
    stack: list[_Node] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, _Var):
            variables.add(n.name)
        elif isinstance(n, _Prev):
            previous.add(n.name)
        elif isinstance(n, _Ach):
            codes.add(n.code)
        elif isinstance(n, (_Neg, _Not)):
            stack.append(n.operand)
        elif isinstance(n, _Chain):
            stack.append(n.first)
            stack.extend(t for _, t in n.rest)
        elif isinstance(n, _Logic):
            stack.extend(n.terms)
        elif isinstance(n, _Cmp):
            stack.extend((n.left, n.right))
        elif isinstance(n, _Call):
            stack.extend(n.args)


class Formula:
    """A parsed, compiled formula: immutable, hashable, compared by its tree (so two texts that
    differ only in notation, e.g. ``1.000`` and ``1000``, are equal)."""

    __slots__ = (
        "_canonical",
        "_fn",
        "_tree",
        "node_refs",
        "previous_variables",
        "text",
        "variables",
    )

    text: str
    variables: frozenset[str]
    previous_variables: frozenset[str]
    node_refs: frozenset[str]

    def __init__(self, text: str, tree: _Node) -> None:
        variables: set[str] = set()
        previous: set[str] = set()
        codes: set[str] = set()
        _collect(tree, variables, previous, codes)
        self.text = text
        self.variables = frozenset(variables)
        self.previous_variables = frozenset(previous)
        self.node_refs = frozenset(codes)
        self._tree = tree
        self._canonical = _format(tree)
        self._fn = _compile(tree)

    def evaluate(self, env: Env) -> float | FormulaError | None:
        try:
            return self._fn(env)
        except RecursionError:
            return FormulaError("overflow", "formula troppo annidata per essere calcolata")
        except Exception as exc:  # a faulty Env must not stop a whole computation
            return FormulaError(
                "invalid_argument",
                f"errore imprevisto nel calcolo: {type(exc).__name__}: {_excerpt(str(exc))}",
            )

    def __str__(self) -> str:
        return self._canonical

    def __repr__(self) -> str:
        return f"Formula({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Formula):
            return NotImplemented
        return self._tree == other._tree

    def __hash__(self) -> int:
        return hash(self._tree)


def parse(text: str, known: Collection[str] | None = None) -> Formula:
    """Read a formula; ``known`` (the body's variable names) lets ``A-B`` mean a subtraction.

    Raises :class:`FormulaSyntaxError` with an Italian message for anything it cannot read.
    """
    if not isinstance(text, str):
        raise TypeError(f"formula text must be str, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise FormulaSyntaxError(
            text, MAX_LENGTH, f"formula troppo lunga ({len(text)} caratteri, massimo {MAX_LENGTH})"
        )
    # Composed and decomposed accents ("è" typed two ways) must give the same name.
    source = unicodedata.normalize("NFC", text) if not text.isascii() else text
    try:
        toks = _lex(source)
        if known is not None:
            if isinstance(known, (list, tuple)):
                known = frozenset(known)
            toks = _split_hyphenated(toks, known)
        formula = Formula(text, _Parser(source, toks).parse())
    except RecursionError:
        raise FormulaSyntaxError(source, 0, "formula troppo annidata") from None
    # str() must give text that parse() accepts again (it is what gets stored and shown), and
    # the canonical spacing can make a formula longer than the one typed.
    if len(formula._canonical) > MAX_LENGTH:
        raise FormulaSyntaxError(
            source,
            0,
            f"formula troppo lunga: la sua forma normalizzata ha {len(formula._canonical)}"
            f" caratteri (massimo {MAX_LENGTH})",
        )
    return formula


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> Formula:
    return parse(text)


def evaluate(text: str, values: Mapping[str, float | None]) -> float | FormulaError | None:
    """Parse (cached) and evaluate in one call; raises FormulaSyntaxError for unreadable text."""
    return _parse_cached(text).evaluate(MappingEnv(values))


def find_cycles(refs: Mapping[str, Collection[str]]) -> list[list[str]]:
    """Groups of nodes whose formulas reference each other circularly, to be marked "cycle".

    Each group is a strongly connected component with a cycle (or a node referencing itself),
    starting from its smallest node and, for a simple cycle, in reference order. graphlib only
    reports one cycle at a time, so this is an iterative Tarjan (no recursion limit).
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0

    def successors(node: str) -> list[str]:
        return sorted(refs.get(node, ()))

    for root in sorted(refs):
        if root in index:
            continue
        work: list[tuple[str, list[str], int]] = [(root, successors(root), 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, succ, pos = work[-1]
            if pos < len(succ):
                work[-1] = (node, succ, pos + 1)
                nxt = succ[pos]
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, successors(nxt), 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members: set[str] = set()
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    members.add(m)
                    if m == node:
                        break
                if len(members) > 1 or node in refs.get(node, ()):
                    groups.append(_cycle_order(members, refs))
    groups.sort(key=lambda g: g[0])
    return groups


def _cycle_order(members: set[str], refs: Mapping[str, Collection[str]]) -> list[str]:
    # Depth-first from the smallest member, following references inside the group: a simple
    # cycle comes out in reference order (a -> b -> c), which reads well in a message.
    start = min(members)
    order: list[str] = []
    seen: set[str] = set()
    todo = [start]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        nxt = sorted(
            (s for s in refs.get(node, ()) if s in members and s not in seen), reverse=True
        )
        todo.extend(nxt)
    return order
