"""What every reader of a body's budget shows: the series by year and the indices with inputs.

One function, :func:`budget_overview`, for the «Bilancio e indici» page, the API and the
documents, so a figure and the index computed from it read the same everywhere. The indices
are the definitions shipped in ``indices.json`` (name, formula over ``SCHEME.ITEM``, target,
description), evaluated by the engine (``performa.engine.budget``) column by column; a column
is one year and kind (Preconsuntivo 2021, Preventivo 2022, …).

An item of an index formula is the amount of the row without function and cost centre; when
the body loaded only the breakdown (by function A-D or by cost centre), the sum of its rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources

from performa.engine.budget import IndexDefinition, IndexResult, compute_indices
from performa.engine.budget import definitions_from_data as _definitions_from_data
from performa.plans.models import Body

from .document import FUNCTIONS, KINDS, RATIO_SCHEMES, SCHEMES, variable_name
from .models import BudgetEntry

__all__ = [
    "BudgetOverview",
    "Column",
    "IndexRow",
    "SchemeTable",
    "SeriesRow",
    "budget_overview",
    "index_definitions",
]

# Same year, two kinds: the preventivo was adopted first, the consuntivo closes the year.
_KIND_ORDER = {"preventivo": 0, "preconsuntivo": 1, "consuntivo": 2}
# The year before, for prev(): the most final figure it has.
_PREVIOUS_PREFERENCE = ("consuntivo", "preconsuntivo", "preventivo")
# Words the MISE table prints before a label to say the sign («meno Maggiorazione…»): the
# formula already says it, so the explanation drops them.
_SIGN_WORDS = ("meno ", "più ")


@cache
def index_definitions() -> tuple[IndexDefinition, ...]:
    """The indices shipped with Performa (``performa/budget/indices.json``)."""
    text = resources.files("performa.budget").joinpath("indices.json").read_text("utf-8")
    return tuple(_definitions_from_data(json.loads(text)))


@dataclass(frozen=True)
class Column:
    year: int
    kind: str

    @property
    def label(self) -> str:
        return f"{KINDS[self.kind]} {self.year}"

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.year}"


@dataclass
class SeriesRow:
    name: str  # SCHEME.ITEM, as in the formulas
    item: str
    label: str
    function: str  # "A".."D" or ""
    cost_centre: str  # "C003 Segreteria generale" or ""
    amounts: list[Decimal | None]

    @property
    def function_label(self) -> str:
        return f"{self.function}) {FUNCTIONS[self.function]}" if self.function else ""


@dataclass
class SchemeTable:
    scheme: str
    title: str
    ratio: bool  # figures are ratios (the indices as printed), not euro
    rows: list[SeriesRow] = field(default_factory=list)


@dataclass
class IndexRow:
    definition: IndexDefinition
    results: list[IndexResult]  # one per column
    columns: list[Column]

    @property
    def cells(self) -> list[tuple[Column, IndexResult]]:
        return list(zip(self.columns, self.results, strict=True))

    def at(self, column: Column) -> IndexResult:
        """The index in one column of the overview."""
        return self.results[self.columns.index(column)]


@dataclass
class BudgetOverview:
    columns: list[Column]
    schemes: list[SchemeTable]
    indices: list[IndexRow]

    @property
    def empty(self) -> bool:
        return not self.columns

    def column_for(self, year: int, *, earlier: bool = True) -> Column | None:
        """The column a reader of ``year`` looks at: that year's most final figures
        (consuntivo, else preconsuntivo, else preventivo); when the year has none and
        ``earlier``, the latest year before it. None when there is no such column.

        One choice for the dashboard and the PIRA consuntivo, so both show the same index."""
        candidates = [c for c in self.columns
                      if c.year == year or (earlier and c.year < year)]
        if not candidates:
            return None
        return max(candidates, key=lambda c: (c.year, _KIND_ORDER.get(c.kind, -1)))


def _plain(label: str) -> str:
    for word in _SIGN_WORDS:
        if label.casefold().startswith(word):
            return label[len(word):]
    return label


def budget_overview(body: Body) -> BudgetOverview:
    """The body's series, table by table in the order printed, and every index per column."""
    entries = list(BudgetEntry.objects.filter(body=body).select_related("cost_centre")
                   .order_by("position", "item", "function", "cost_centre__code"))
    columns = sorted({Column(e.year, e.kind) for e in entries},
                     key=lambda c: (c.year, _KIND_ORDER.get(c.kind, 9)))
    where = {column: i for i, column in enumerate(columns)}
    rows: dict[tuple[str, str, str, str], SeriesRow] = {}
    totals: list[dict[str, float]] = [{} for _ in columns]
    parts: list[dict[str, float]] = [{} for _ in columns]
    labels: dict[str, str] = {}
    for e in entries:
        centre = f"{e.cost_centre.code} {e.cost_centre.name}" if e.cost_centre_id else ""
        name = variable_name(e.scheme, e.item)
        key = (e.scheme, e.item, e.function, centre)
        row = rows.get(key)
        if row is None:
            row = rows[key] = SeriesRow(name, e.item, e.label, e.function, centre,
                                        [None] * len(columns))
        index = where[Column(e.year, e.kind)]
        row.amounts[index] = e.amount
        labels.setdefault(name, _plain(e.label))
        if e.function or e.cost_centre_id:
            parts[index][name] = parts[index].get(name, 0.0) + float(e.amount)
        else:
            totals[index][name] = float(e.amount)
    tables = {code: SchemeTable(code, title, code in RATIO_SCHEMES)
              for code, title in SCHEMES.items()}
    for (scheme, *_), row in rows.items():
        tables[scheme].rows.append(row)
    amounts = [parts[i] | totals[i] for i in range(len(columns))]
    definitions = index_definitions()
    results = [compute_indices(definitions, amounts[i], _previous(columns, amounts, column),
                               labels)
               for i, column in enumerate(columns)]
    indices = [IndexRow(d, [per_column[n] for per_column in results], columns)
               for n, d in enumerate(definitions)]
    return BudgetOverview(columns=columns,
                          schemes=[t for t in tables.values() if t.rows],
                          indices=indices if columns else [])


def _previous(columns: list[Column], amounts: list[dict[str, float]],
              column: Column) -> dict[str, float] | None:
    for kind in _PREVIOUS_PREFERENCE:
        before = Column(column.year - 1, kind)
        if before in columns:
            return amounts[columns.index(before)]
    return None
