"""Financial-health indices of a budget: formulas over its items, each shown with its inputs.

An index (indice di struttura, di tesoreria, di gestione, the MISE «indice di squilibrio
strutturale» of Circolare 220612/2018…) is data, not code: a name, a formula in the formula
language of the indicators (``performa.engine.formula``, never ``eval``) over the items of the
budget named ``SCHEME.ITEM`` (``SP.PN / SP.IMM``), the target the source prints (``>= 0,7``)
and a description saying where the formula comes from. The definitions ship as a JSON list
with the budget app; :func:`definitions_from_data` reads such a list and :func:`compute_indices`
evaluates them on the amounts of one year, so the same figures come out of a page, the API
and a test, with the inputs that explain them: «1,90 = Patrimonio netto 10.186.566,06 /
Immobilizzazioni 5.357.678,69».

Pure Python: the Django side (``performa.budget.reading``) reads the series from the database
and hands plain dictionaries here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .formula import Formula, FormulaError, FormulaSyntaxError, MappingEnv, parse
from .formula.lexer import Tok, lex
from .values import Comparator, Target, ValueParseError, format_number, parse_target

__all__ = [
    "IndexDefinition",
    "IndexInput",
    "IndexResult",
    "compute_index",
    "compute_indices",
    "definitions_from_data",
]

_FIELDS = frozenset({"code", "name", "formula", "description", "target", "printed", "decimals"})


@dataclass(frozen=True)
class IndexDefinition:
    code: str
    name: str
    formula: Formula
    description: str = ""
    target: Target | None = None
    target_text: str = ""
    # The item holding the figure the source printed (``IX.IS1``), to show beside ours.
    printed: str = ""
    decimals: int = 2


@dataclass(frozen=True)
class IndexInput:
    """One amount a formula read: its item, label, the amount (None: missing) and whether it
    is the previous year's (``prev(SP.LIQUIDITA)``)."""

    name: str
    label: str
    amount: float | None
    previous: bool = False


@dataclass(frozen=True)
class IndexResult:
    definition: IndexDefinition
    value: float | None  # as computed
    shown: Decimal | None  # rounded half up to the definition's decimals: what pages show
    reason: str  # why there is no value (an item missing, a division by zero), else ""
    inputs: tuple[IndexInput, ...]
    why: str  # the formula with each item replaced by its label and amount
    met: bool | None  # the target, when there is one and a value
    printed: Decimal | None = None  # the figure the source printed, when loaded

    @property
    def agrees(self) -> bool | None:
        """Whether our figure is the printed one (None when either is missing)."""
        if self.shown is None or self.printed is None:
            return None
        return self.shown == self.printed


def _text(entry: Mapping[str, object], key: str, where: str, required: bool = True) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValueError(f"{where}: «{key}» deve essere un testo non vuoto")
    return value.strip()


def definitions_from_data(data: object) -> list[IndexDefinition]:
    """The definitions of a JSON list; a ValueError (Italian, naming the entry) otherwise."""
    if not isinstance(data, list):
        raise ValueError("le definizioni degli indici devono essere una lista")
    found: list[IndexDefinition] = []
    codes: set[str] = set()
    for number, entry in enumerate(data, 1):
        where = f"indice n. {number}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: deve essere un oggetto")
        unknown = sorted(set(entry) - _FIELDS)
        if unknown:
            raise ValueError(f"{where}: campo sconosciuto «{unknown[0]}»")
        code = _text(entry, "code", where)
        where = f"indice «{code}»"
        if code in codes:
            raise ValueError(f"{where}: codice ripetuto")
        codes.add(code)
        try:
            formula = parse(_text(entry, "formula", where))
        except FormulaSyntaxError as error:
            raise ValueError(f"{where}: {error}") from None
        target_text = _text(entry, "target", where, required=False)
        try:
            target = parse_target(target_text) if target_text else None
        except ValueParseError as error:
            raise ValueError(f"{where}: target {error}") from None
        decimals = entry.get("decimals", 2)
        if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 6:
            raise ValueError(f"{where}: «decimals» deve essere un intero da 0 a 6")
        found.append(IndexDefinition(
            code=code, name=_text(entry, "name", where), formula=formula,
            description=_text(entry, "description", where, required=False),
            target=target, target_text=target_text,
            printed=_text(entry, "printed", where, required=False), decimals=decimals,
        ))
    return found


def _rounded(value: float, decimals: int) -> Decimal:
    # repr first: 1.9013 must not become 1.90129999…; then half up, as documents round.
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _met(target: Target | None, shown: Decimal | None) -> bool | None:
    if target is None or shown is None or target.value.number is None:
        return None
    limit = Decimal(repr(target.value.number))
    return {
        Comparator.GE: shown >= limit, Comparator.LE: shown <= limit,
        Comparator.GT: shown > limit, Comparator.LT: shown < limit,
        Comparator.EQ: shown == limit,
    }[target.comparator]


def _amount_text(amount: float | None) -> str:
    return "n.d." if amount is None else format_number(amount, 2)


def _explain(formula: Formula, current: Mapping[str, float | None],
             previous: Mapping[str, float | None], labels: Mapping[str, str]) -> str:
    """The formula's text with each item replaced by «label amount»; ``abs(X)`` becomes the
    amount without its sign and ``prev(X)`` the amount of the year before."""
    text = formula.text
    tokens = [t for t in lex(text) if t.kind != "end"]
    pieces: list[str] = []
    at = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        wrapped = (token.kind == "name" and token.value.lower() in {"abs", "prev", "prec"}
                   and _is_call_of_one_name(tokens, index))
        if wrapped:
            name = tokens[index + 2].value
            function = token.value.lower()
            if function == "abs":
                amount = current.get(name)
                shown = _amount_text(None if amount is None else abs(amount))
                replacement = f"{labels.get(name, name)} {shown}"
            else:
                replacement = f"{labels.get(name, name)} (anno precedente) " \
                              f"{_amount_text(previous.get(name))}"
            pieces += [text[at:token.pos], replacement]
            at = tokens[index + 3].end
            index += 4
            continue
        if token.kind in {"name", "qname"} and token.value in formula.variables:
            pieces += [text[at:token.pos],
                       f"{labels.get(token.value, token.value)} "
                       f"{_amount_text(current.get(token.value))}"]
            at = token.end
        index += 1
    pieces.append(text[at:])
    return "".join(pieces)


def _is_call_of_one_name(tokens: Sequence[Tok], index: int) -> bool:
    """Whether ``tokens[index]`` starts ``f(NAME)``."""
    if index + 3 >= len(tokens):
        return False
    opening, name, closing = tokens[index + 1], tokens[index + 2], tokens[index + 3]
    return opening.kind == "(" and name.kind in {"name", "qname"} and closing.kind == ")"


def compute_index(definition: IndexDefinition, amounts: Mapping[str, float],
                  previous: Mapping[str, float] | None = None,
                  labels: Mapping[str, str] | None = None) -> IndexResult:
    """One index on one year's ``amounts`` (item name → amount; ``previous``: the year before).

    An item the formula needs and the year lacks makes the index n.d. with the reason naming
    it, never an error: a body that loaded only its conto economico still sees the indices
    that need nothing else.
    """
    formula = definition.formula
    labels = labels or {}
    before = previous or {}
    current: dict[str, float | None] = {name: amounts.get(name)
                                        for name in sorted(formula.variables)}
    earlier: dict[str, float | None] = {name: before.get(name)
                                        for name in sorted(formula.previous_variables)}
    inputs = tuple(
        [IndexInput(name, labels.get(name, name), current[name]) for name in current]
        + [IndexInput(name, labels.get(name, name), earlier[name], previous=True)
           for name in earlier]
    )
    why = _explain(formula, current, earlier, labels)
    missing = [i for i in inputs if i.amount is None]
    value: float | None = None
    reason = ""
    if missing:
        reason = "mancano " + ", ".join(
            f"«{i.label}»" + (" dell'anno precedente" if i.previous else "") for i in missing)
    else:
        result = formula.evaluate(MappingEnv(current, earlier))
        if isinstance(result, FormulaError):
            reason = str(result)
        elif result is None or not math.isfinite(result):
            reason = "non calcolabile"
        else:
            value = result
    shown = None if value is None else _rounded(value, definition.decimals)
    printed_amount = amounts.get(definition.printed) if definition.printed else None
    printed = None if printed_amount is None else _rounded(printed_amount, definition.decimals)
    return IndexResult(definition=definition, value=value, shown=shown, reason=reason,
                       inputs=inputs, why=why, met=_met(definition.target, shown),
                       printed=printed)


def compute_indices(definitions: Sequence[IndexDefinition], amounts: Mapping[str, float],
                    previous: Mapping[str, float] | None = None,
                    labels: Mapping[str, str] | None = None) -> list[IndexResult]:
    """Every index on one year's amounts, in the order of the definitions."""
    return [compute_index(d, amounts, previous, labels) for d in definitions]
