"""The canonical text of a formula tree: what ``str(formula)`` gives and what gets stored.

Separate because it is the parser's inverse and must stay so (the text re-parses to an equal
tree); the compiler also uses it, lazily, to quote the failing part of a formula in an error.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from .lexer import ASCII_NAME, KEYWORDS, is_name_start, name_end
from .syntax import Ach, Chain, Cmp, Logic, Neg, Node, Not, Num, Prev, Var

# Precedence levels, loosest first, as the parser's methods nest them (syntax.Parser); the
# formatter uses them to decide where parentheses are needed so that str() re-parses to an
# equal tree.
_P_OR: Final = 1
_P_AND: Final = 2
_P_NOT: Final = 3
_P_CMP: Final = 4
_P_ADD: Final = 5
_P_MUL: Final = 6
_P_NEG: Final = 7
_P_ATOM: Final = 8


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
        return ASCII_NAME.fullmatch(name) is not None and name.lower() not in KEYWORDS
    return (
        bool(name)
        and is_name_start(name[0])
        and name_end(name, 0) == len(name)
        and name.lower() not in KEYWORDS
    )


def _format_name(name: str) -> str:
    return name if _is_bare_name(name) else f"[{name}]"


def _format_code(code: str) -> str:
    return f"'{code}'" if '"' in code else f'"{code}"'


def _prec(node: Node) -> int:
    if isinstance(node, Chain):
        return _P_ADD if node.kind == "add" else _P_MUL
    if isinstance(node, Logic):
        return _P_OR if node.kind == "or" else _P_AND
    if isinstance(node, Cmp):
        return _P_CMP
    if isinstance(node, Not):
        return _P_NOT
    if isinstance(node, Neg):
        return _P_NEG
    return _P_ATOM


def _wrap(node: Node, min_prec: int) -> str:
    s = format_node(node)
    return s if _prec(node) >= min_prec else f"({s})"


def format_node(node: Node) -> str:
    if isinstance(node, Num):
        return _format_number(node.value)
    if isinstance(node, Var):
        return _format_name(node.name)
    if isinstance(node, Prev):
        return f"prev({_format_name(node.name)})"
    if isinstance(node, Ach):
        return f"achievement({_format_code(node.code)})"
    if isinstance(node, Neg):
        return "-" + _wrap(node.operand, _P_NEG)
    if isinstance(node, Not):
        return "not " + _wrap(node.operand, _P_NOT)
    if isinstance(node, Chain):
        # Operands of the same level are parenthesised: an unparenthesised one would merge
        # into this chain when re-parsed and give a different (if equivalent) tree.
        level = _P_ADD if node.kind == "add" else _P_MUL
        parts = [_wrap(node.first, level + 1)]
        for op, term in node.rest:
            parts.append(f" {op} {_wrap(term, level + 1)}")
        return "".join(parts)
    if isinstance(node, Logic):
        level = _P_OR if node.kind == "or" else _P_AND
        return f" {node.kind} ".join(_wrap(t, level + 1) for t in node.terms)
    if isinstance(node, Cmp):
        return f"{_wrap(node.left, _P_ADD)} {node.op} {_wrap(node.right, _P_ADD)}"
    return f"{node.func}({', '.join(format_node(a) for a in node.args)})"
