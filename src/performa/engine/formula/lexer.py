"""Formula text to tokens: numbers, names, codes, operators, in the notations documents use.

Separate from the parser because this is where the tolerance for real-world text lives
(decimal commas, ``1.000``, ``20 %``, typographic quotes and dashes, hyphenated names) and the
parser never looks at characters; the printer reuses its name rules so that what it prints
lexes back to the same name.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection
from typing import Final, NamedTuple

from ..values import LEADING_ZERO_GROUP, LEADING_ZERO_GROUP_REASON, scan_number
from .types import INVISIBLE, FormulaSyntaxError, excerpt

KEYWORDS: Final = frozenset({"and", "or", "not"})

# Alias (lower case) -> canonical name.
FUNCS: Final[dict[str, str]] = {
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
ARITY: Final[dict[str, tuple[int, int | None]]] = {
    "min": (1, None),
    "max": (1, None),
    "avg": (1, None),
    "sum": (1, None),
    "if": (3, 3),
    "abs": (1, 1),
}

CMP_OPS: Final[dict[str, str]] = {
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


class Tok(NamedTuple):
    kind: str  # num name qname str op kw ( ) , end
    value: str  # canonical operator, keyword, name, code or the number's source text
    num: float
    pos: int
    end: int


def is_name_start(c: str) -> bool:
    return c == "_" or c.isalpha()


def _is_name_char(c: str) -> bool:
    # ASCII digits only: superscripts and other scripts' digits would make look-alike names.
    return c == "_" or "0" <= c <= "9" or c.isalpha()


# The same rules as name_end for ASCII text, where a regular expression is several times faster.
ASCII_NAME: Final = re.compile(
    r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+|-[A-Za-z_][A-Za-z0-9_]*)*"
)


def name_end(text: str, i: int) -> int:
    n = len(text)
    j = i + 1
    while j < n:
        c = text[j]
        # "." and "-" belong to the name only when glued to a following name character.
        if not (
            _is_name_char(c)
            or (c == "." and j + 1 < n and _is_name_char(text[j + 1]))
            or (c == "-" and j + 1 < n and is_name_start(text[j + 1]))
        ):
            break
        j += 1
    return j


def _show_char(c: str) -> str:
    if c.isprintable() and not c.isspace() and unicodedata.category(c) not in ("Cf", "Mn"):
        return f"«{c}»"
    return f"U+{ord(c):04X}"


def _is_digit(c: str) -> bool:
    return "0" <= c <= "9"


def _decimal_comma_at(text: str, i: int) -> bool:
    return text[i] == "," and i + 1 < len(text) and _is_digit(text[i + 1])


def _lex_number(text: str, i: int) -> tuple[Tok, int]:
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
        shown = excerpt(text[i:e], 40)
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
        raise FormulaSyntaxError(text, i, f"numero troppo grande «{excerpt(raw, 30)}»")
    # A percent sign, possibly after spaces (documents write "20 %"), divides by 100.
    p = j
    while p < n and text[p].isspace():
        p += 1
    if p < n and text[p] == "%":
        value /= 100.0
        j = p + 1
        raw = text[i:j]
    return Tok("num", raw, value, i, j), j


def _lex_bracket(text: str, i: int) -> tuple[Tok, int]:
    n = len(text)
    j = i + 1
    while j < n and text[j] != "]":
        c = text[j]
        if c == "[":
            raise FormulaSyntaxError(text, j, "«[» non ammesso dentro un nome tra parentesi quadre")
        if unicodedata.category(c) in INVISIBLE and c not in "\t":
            raise FormulaSyntaxError(text, j, f"carattere non ammesso {_show_char(c)} in un nome")
        j += 1
    if j >= n:
        raise FormulaSyntaxError(text, i, "parentesi quadra «[» non chiusa")
    name = " ".join(text[i + 1 : j].split())
    if not name:
        raise FormulaSyntaxError(text, i, "nome vuoto tra parentesi quadre «[]»")
    return Tok("qname", name, 0.0, i, j + 1), j + 1


def _lex_string(text: str, i: int) -> tuple[Tok, int]:
    close = _QUOTES[text[i]]
    j = text.find(close, i + 1)
    if j < 0:
        raise FormulaSyntaxError(text, i, f"testo tra virgolette non chiuso (manca {close})")
    body = text[i + 1 : j]
    for off, c in enumerate(body):
        if unicodedata.category(c) in INVISIBLE:
            raise FormulaSyntaxError(text, i + 1 + off, f"carattere non ammesso {_show_char(c)}")
    code = body.strip()
    if not code:
        raise FormulaSyntaxError(text, i, "codice vuoto tra virgolette")
    return Tok("str", code, 0.0, i, j + 1), j + 1


def lex(text: str) -> list[Tok]:
    toks: list[Tok] = []
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
        elif is_name_start(c):
            match = ASCII_NAME.match(text, i) if ascii_only else None
            j = match.end() if match is not None else name_end(text, i)
            word = text[i:j]
            if word.lower() in KEYWORDS:
                toks.append(Tok("kw", word.lower(), 0.0, i, j))
            else:
                toks.append(Tok("name", word, 0.0, i, j))
            i = j
        elif c == "[":
            tok, i = _lex_bracket(text, i)
            toks.append(tok)
        elif c in _QUOTES:
            tok, i = _lex_string(text, i)
            toks.append(tok)
        elif c in "()":
            toks.append(Tok(c, c, 0.0, i, i + 1))
            i += 1
        elif c in ",;":
            toks.append(Tok(",", c, 0.0, i, i + 1))
            i += 1
        elif text[i : i + 2] in _TWO_CHAR_OPS:
            toks.append(Tok("op", CMP_OPS[text[i : i + 2]], 0.0, i, i + 2))
            i += 2
        elif c in _ONE_CHAR_OPS:
            toks.append(Tok("op", _ONE_CHAR_OPS[c], 0.0, i, i + 1))
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
    toks.append(Tok("end", "", 0.0, n, n))
    return toks


_MAX_NAME_PIECES: Final = 8
"""Known names are matched inside a hyphenated token only up to this many ``-`` pieces, which
keeps the split linear on adversarial input such as ``a-b-c-…`` a thousand times."""


def split_hyphenated(toks: list[Tok], known: Collection[str]) -> list[Tok]:
    """Re-read ``A-B`` as ``A - B`` when only the pieces are known variables.

    The fewest pieces win, so ``Dip-Form-N_Dir`` with known ``Dip-Form`` and ``N_Dir`` reads as
    ``Dip-Form - N_Dir``. The last piece may be a function name when a ``(`` follows.
    """
    out: list[Tok] = []
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
                ok = word in known or (end == m and call_follows and word.lower() in FUNCS)
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
                out.append(Tok("op", "-", 0.0, minus_at, minus_at + 1))
            word = "-".join(pieces[start:end])
            pos = offsets[start]
            out.append(Tok("name", word, 0.0, pos, pos + len(word)))
    return out
