"""The public entry points: :class:`Formula`, :func:`parse`, :func:`evaluate`, :func:`find_cycles`.

Separate so that the stages (lexer, parser, printer, compiler) are wired together in one place
and the package's ``__init__`` only re-exports.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Mapping
from functools import lru_cache

from .compiler import compile_node
from .lexer import lex, split_hyphenated
from .printer import format_node
from .syntax import Ach, Call, Chain, Cmp, Logic, Neg, Node, Not, Parser, Prev, Var
from .types import MAX_LENGTH, Env, FormulaError, FormulaSyntaxError, MappingEnv, excerpt


def _collect(node: Node, variables: set[str], previous: set[str], codes: set[str]) -> None:
    stack: list[Node] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Var):
            variables.add(n.name)
        elif isinstance(n, Prev):
            previous.add(n.name)
        elif isinstance(n, Ach):
            codes.add(n.code)
        elif isinstance(n, (Neg, Not)):
            stack.append(n.operand)
        elif isinstance(n, Chain):
            stack.append(n.first)
            stack.extend(t for _, t in n.rest)
        elif isinstance(n, Logic):
            stack.extend(n.terms)
        elif isinstance(n, Cmp):
            stack.extend((n.left, n.right))
        elif isinstance(n, Call):
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

    def __init__(self, text: str, tree: Node) -> None:
        variables: set[str] = set()
        previous: set[str] = set()
        codes: set[str] = set()
        _collect(tree, variables, previous, codes)
        self.text = text
        self.variables = frozenset(variables)
        self.previous_variables = frozenset(previous)
        self.node_refs = frozenset(codes)
        self._tree = tree
        self._canonical = format_node(tree)
        self._fn = compile_node(tree)

    def evaluate(self, env: Env) -> float | FormulaError | None:
        try:
            return self._fn(env)
        except RecursionError:
            return FormulaError("overflow", "formula troppo annidata per essere calcolata")
        except Exception as exc:  # a faulty Env must not stop a whole computation
            return FormulaError(
                "invalid_argument",
                f"errore imprevisto nel calcolo: {type(exc).__name__}: {excerpt(str(exc))}",
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
        toks = lex(source)
        if known is not None:
            if isinstance(known, (list, tuple)):
                known = frozenset(known)
            toks = split_hyphenated(toks, known)
        formula = Formula(text, Parser(source, toks).parse())
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
