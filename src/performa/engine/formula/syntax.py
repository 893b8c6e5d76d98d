"""The formula tree and the recursive-descent parser that builds it from tokens.

The tree lives with the parser that builds it, below the printer, the compiler and
:class:`~performa.engine.formula.Formula`, which all read the same immutable nodes; the
parser sees tokens only, never characters.
"""

from __future__ import annotations

from dataclasses import dataclass

from .lexer import ARITY, CMP_OPS, FUNCS, Tok
from .types import MAX_DEPTH, FormulaSyntaxError, excerpt


@dataclass(frozen=True, slots=True)
class Num:
    value: float


@dataclass(frozen=True, slots=True)
class Var:
    name: str


@dataclass(frozen=True, slots=True)
class Prev:
    name: str


@dataclass(frozen=True, slots=True)
class Ach:
    code: str


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Node


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node


@dataclass(frozen=True, slots=True)
class Chain:
    """``first op term op term ...`` for ``+ -`` (kind "add") or ``* /`` (kind "mul").

    Chains are flat rather than binary so that a long sum neither deepens the tree nor the
    Python stack when compiled and evaluated.
    """

    kind: str
    first: Node
    rest: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class Logic:
    kind: str  # "and" / "or"
    terms: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Cmp:
    op: str  # canonical: > < >= <= = !=
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    func: str  # canonical English name
    args: tuple[Node, ...]


Node = Num | Var | Prev | Ach | Neg | Not | Chain | Logic | Cmp | Call


def _describe(tok: Tok) -> str:
    if tok.kind == "end":
        return "fine della formula"
    if tok.kind == "qname":
        return f"«[{tok.value}]»"
    if tok.kind == "str":
        return f'«"{excerpt(tok.value, 30)}"»'
    return f"«{excerpt(tok.value, 40)}»"


class Parser:
    """One level per precedence (or, and, not, comparison, +-, */, unary, primary), so that the
    structure of the code mirrors the precedence table of the documentation."""

    __slots__ = ("depth", "i", "text", "toks")

    def __init__(self, text: str, toks: list[Tok]) -> None:
        self.text = text
        self.toks = toks
        self.i = 0
        self.depth = 0

    def fail(self, pos: int, reason: str) -> FormulaSyntaxError:
        return FormulaSyntaxError(self.text, pos, reason)

    def peek(self) -> Tok:
        return self.toks[self.i]

    def advance(self) -> Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def enter(self, tok: Tok) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(
                tok.pos,
                f"formula troppo annidata (massimo {MAX_DEPTH} livelli di"
                " parentesi, funzioni e segni)",
            )

    def leave(self) -> None:
        self.depth -= 1

    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise self.fail(0, "formula vuota")
        node = self.or_()
        tok = self.peek()
        if tok.kind != "end":
            raise self.unexpected_after_operand(tok)
        return node

    def unexpected_after_operand(self, tok: Tok) -> FormulaSyntaxError:
        if tok.kind == ")":
            return self.fail(tok.pos, "parentesi «)» senza «(» corrispondente")
        if tok.kind == ",":
            return self.fail(
                tok.pos, f"«{tok.value}» inatteso fuori dagli argomenti di una funzione"
            )
        if tok.kind == "op" and tok.value in CMP_OPS.values():
            return self.fail(
                tok.pos, f"confronti concatenati non ammessi («{tok.value}»): usare «and»"
            )
        if tok.kind == "(":
            return self.fail(tok.pos, "manca un operatore prima di «(»")
        hint = ""
        if tok.kind == "name" and tok.value in ("x", "X"):
            hint = " (per moltiplicare usare «*»)"
        return self.fail(tok.pos, f"manca un operatore prima di {_describe(tok)}{hint}")

    def or_(self) -> Node:
        first = self.and_()
        if not (self.peek().kind == "kw" and self.peek().value == "or"):
            return first
        terms = [first]
        while self.peek().kind == "kw" and self.peek().value == "or":
            self.advance()
            terms.append(self.and_())
        return Logic("or", tuple(terms))

    def and_(self) -> Node:
        first = self.not_()
        if not (self.peek().kind == "kw" and self.peek().value == "and"):
            return first
        terms = [first]
        while self.peek().kind == "kw" and self.peek().value == "and":
            self.advance()
            terms.append(self.not_())
        return Logic("and", tuple(terms))

    def not_(self) -> Node:
        tok = self.peek()
        if tok.kind == "kw" and tok.value == "not":
            self.advance()
            self.enter(tok)
            operand = self.not_()
            self.leave()
            return Not(operand)
        return self.cmp()

    def cmp(self) -> Node:
        left = self.add()
        tok = self.peek()
        if tok.kind == "op" and tok.value in CMP_OPS.values():
            self.advance()
            right = self.add()
            after = self.peek()
            if after.kind == "op" and after.value in CMP_OPS.values():
                raise self.fail(
                    after.pos, f"confronti concatenati non ammessi («{after.value}»): usare «and»"
                )
            return Cmp(tok.value, left, right)
        return left

    def add(self) -> Node:
        first = self.mul()
        rest: list[tuple[str, Node]] = []
        while (tok := self.peek()).kind == "op" and tok.value in ("+", "-"):
            self.advance()
            rest.append((tok.value, self.mul()))
        return Chain("add", first, tuple(rest)) if rest else first

    def mul(self) -> Node:
        first = self.unary()
        rest: list[tuple[str, Node]] = []
        while (tok := self.peek()).kind == "op" and tok.value in ("*", "/"):
            self.advance()
            rest.append((tok.value, self.unary()))
        return Chain("mul", first, tuple(rest)) if rest else first

    def unary(self) -> Node:
        tok = self.peek()
        if tok.kind == "op" and tok.value in ("-", "+"):
            self.advance()
            self.enter(tok)
            operand = self.unary()
            self.leave()
            return Neg(operand) if tok.value == "-" else operand
        return self.primary()

    def primary(self) -> Node:
        tok = self.advance()
        kind = tok.kind
        if kind == "num":
            return Num(tok.num)
        if kind == "qname":
            return Var(tok.value)
        if kind == "name":
            if self.peek().kind == "(":
                return self.call(tok)
            return Var(tok.value)
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

    def missing_operand(self, tok: Tok) -> FormulaSyntaxError:
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

    def call(self, name_tok: Tok) -> Node:
        alias = name_tok.value
        func = FUNCS.get(alias.lower())
        if func is None:
            raise self.fail(name_tok.pos, f"funzione sconosciuta «{excerpt(alias, 40)}»")
        open_tok = self.advance()
        self.enter(open_tok)
        if func == "prev":
            node: Node = Prev(self.single_name(alias, open_tok))
        elif func == "achievement":
            node = Ach(self.single_code(alias, open_tok))
        else:
            node = Call(func, self.arguments(name_tok, func, open_tok))
        self.leave()
        return node

    def close_call(self, alias: str, open_tok: Tok) -> None:
        tok = self.peek()
        if tok.kind == ")":
            self.advance()
            return
        if tok.kind == "end":
            raise self.fail(open_tok.pos, f"parentesi «(» della funzione «{alias}» non chiusa")
        raise self.fail(tok.pos, f"manca un operatore o una virgola prima di {_describe(tok)}")

    def single_name(self, alias: str, open_tok: Tok) -> str:
        tok = self.advance()
        if tok.kind not in ("name", "qname") or self.peek().kind not in (")", "end"):
            raise self.fail(
                tok.pos, f"«{alias}» vuole solo il nome di una variabile, es. {alias}(N_ImprAtt)"
            )
        self.close_call(alias, open_tok)
        return tok.value

    def single_code(self, alias: str, open_tok: Tok) -> str:
        tok = self.advance()
        if tok.kind != "str" or self.peek().kind not in (")", "end"):
            raise self.fail(
                tok.pos,
                f"«{alias}» vuole solo il codice di un obiettivo tra virgolette,"
                f' es. {alias}("01_01_02")',
            )
        self.close_call(alias, open_tok)
        return tok.value

    def arguments(self, name_tok: Tok, func: str, open_tok: Tok) -> tuple[Node, ...]:
        alias = name_tok.value
        start = self.i
        args: list[Node] = []
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
        low, high = ARITY[func]
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
