"""The plan as a workbook (XLSX or ODS) that a planning office edits in Excel or LibreOffice.

One sheet per kind of row, with Italian sheet and column names (see ``docs/interchange.md``):
``Piano`` (the general data and the names of the levels), ``Ambiti``, ``Obiettivi strategici``
(with a PIRA objective's card), ``Obiettivi operativi``, ``Indicatori``, ``Azioni`` (with their
money), ``Fasi``, ``Programmi``, ``Centri di costo``, ``Unità organizzative``, ``Variabili``,
``Assegnazioni``, ``Fondo incentivante``. A plan that holds the plans of merged bodies (its
``parts``) gets one more sheet, ``Enti accorpati`` (one row per merged body with its general
data), and an ``Ente`` column first on every sheet of rows: empty for the rows of the plan's own
body, the merged body's name for the rows of its plan. A planning office filters one body's
rows instead of paging through a set of sheets per body.

Rows come in the order of the document; the loader rebuilds each body's tree by codes (an
objective names its area or strategic objective, an indicator or an action its operational
objective, a phase its objective and level) and refuses, with an :class:`InterchangeError`
naming sheet, row and column, anything it cannot place. Workbooks written by earlier versions of
Performa, without the sheets and columns added since, still load: only ``Piano``, ``Ambiti``,
the objectives, ``Indicatori``, ``Unità organizzative``, ``Assegnazioni`` and ``Fondo
incentivante`` are required, and every column added after the first templates is optional (the
dataclass defaults).

Every value is written as text, as printed (``"12,5%"``, ``"n.d."``, ``"30/11/2022"``), in
cells formatted as text, so what the office types there stays text too; the one exception is
the money of ``Azioni``, written as amounts the spreadsheet can add up (``€ 40.000,00`` is the
number 40000 shown in euro) whenever that gives back the very text. When a user types a number
or a date all the same, the spreadsheet stores a number; the loader turns it back into Italian
text by the one rule of every spreadsheet reader (``performa.cells``: ``0.125`` shown as a
percent is ``"12,5%"``, ``1500`` is ``"1500"``, an amount in euro ``"€ 1.500,00"``, a date
``"30/11/2022"``, TRUE ``"si"``). A cell holding a spreadsheet error (``#DIV/0!``) is refused;
a formula is read through the value the spreadsheet computed and saved.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from performa import filelimits
from performa.cells import Cell, Sheet, figure_cell, is_long, ods, text_cell, xlsx
from performa.engine.values import format_money
from performa.plans.document import (
    ActionDoc,
    Assignment,
    CostCentreDoc,
    FundShare,
    IncentiveFund,
    IndicatorDoc,
    LevelLabels,
    OperationalObjectiveDoc,
    OrgUnitDoc,
    PhaseDoc,
    PlanDocument,
    ProgrammeDoc,
    StrategicAreaDoc,
    StrategicObjectiveDoc,
    VariableDoc,
    VersionDoc,
)
from performa.plans.errors import InterchangeError

__all__ = [
    "SHEET_NAMES",
    "SHEET_PARTS",
    "dump_ods",
    "dump_xlsx",
    "load_ods",
    "load_xlsx",
]

# --------------------------------------------------------------------------------------------
# Layout

SHEET_PLAN = "Piano"
SHEET_PARTS = "Enti accorpati"
SHEET_AREAS = "Ambiti"
SHEET_STRATEGIC = "Obiettivi strategici"
SHEET_OPERATIONAL = "Obiettivi operativi"
SHEET_INDICATORS = "Indicatori"
SHEET_ACTIONS = "Azioni"
SHEET_PHASES = "Fasi"
SHEET_PROGRAMMES = "Programmi"
SHEET_COST_CENTRES = "Centri di costo"
SHEET_ORG_UNITS = "Unità organizzative"
SHEET_VARIABLES = "Variabili"
SHEET_ASSIGNMENTS = "Assegnazioni"
SHEET_FUND = "Fondo incentivante"

# Every workbook has these sheets, in this order: the tree from the plan down to its actions
# and phases, then the lists the tree refers to. ``Enti accorpati`` follows ``Piano`` only in
# the workbook of a plan with parts.
SHEET_NAMES = (
    SHEET_PLAN,
    SHEET_AREAS,
    SHEET_STRATEGIC,
    SHEET_OPERATIONAL,
    SHEET_INDICATORS,
    SHEET_ACTIONS,
    SHEET_PHASES,
    SHEET_PROGRAMMES,
    SHEET_COST_CENTRES,
    SHEET_ORG_UNITS,
    SHEET_VARIABLES,
    SHEET_ASSIGNMENTS,
    SHEET_FUND,
)
# Sheets added after the first templates: a workbook without them still loads (none of them).
OPTIONAL_SHEETS = frozenset(
    {
        SHEET_PARTS,
        SHEET_ACTIONS,
        SHEET_PHASES,
        SHEET_PROGRAMMES,
        SHEET_COST_CENTRES,
        SHEET_VARIABLES,
    }
)

# Key/value sheets: a header row "Voce" / "Valore" (optional on import), then one row per key.
KEY_COLUMN = "Voce"
VALUE_COLUMN = "Valore"
# What the document calls each level (LevelLabels); empty keeps the body's names.
LABEL_KEYS = (
    ("area", "Nome livello 1 (ambiti)"),
    ("strategic", "Nome livello 2 (obiettivi strategici)"),
    ("operational", "Nome livello 3 (obiettivi operativi)"),
    ("action", "Nome livello 4 (azioni)"),
)
PLAN_KEYS = (
    "Ente",
    "Anno",
    "Triennio",
    "Organo",
    "Numero delibera",
    "Data delibera",
    "Stato",
    "Titolo",
    *(name for _, name in LABEL_KEYS),
)
FUND_KEYS = ("Totale", "Descrizione")

# VersionDoc.status in the workbook: Italian words; the English codes are accepted too.
STATUS_WORDS = {"draft": "bozza", "adopted": "adottato", "superseded": "superato"}
_STATUS_READ = {
    "bozza": "draft",
    "adottato": "adopted",
    "adottata": "adopted",
    "superato": "superseded",
    "superata": "superseded",
    "draft": "draft",
    "adopted": "adopted",
    "superseded": "superseded",
}
# OrgUnitDoc.kind in the workbook.
KIND_WORDS = {"area": "area", "office": "ufficio"}
_KIND_READ = {"area": "area", "ufficio": "office", "office": "office"}
# IndicatorDoc.accumulation in the workbook (column "Andamento"); an empty cell is "puntuale".
ACCUMULATION_WORDS = {"stock": "puntuale", "cumulative": "cumulato"}
_ACCUMULATION_READ = {
    "puntuale": "stock",
    "cumulato": "cumulative",
    "stock": "stock",
    "cumulative": "cumulative",
}
# ActionDoc.activity (column "Tipologia (istituzionale/commerciale)", the words of the cards);
# an empty cell is "istituzionale".
ACTIVITY_WORDS = {"institutional": "istituzionale", "commercial": "commerciale"}
_ACTIVITY_READ = {
    "istituzionale": "institutional",
    "commerciale": "commercial",
    "institutional": "institutional",
    "commercial": "commercial",
}
# Who classified mission and programme (column "Classificazione"): empty when the source
# document printed them, "performa" when Performa assigned them.
_CLASSIFIED_READ = {"": "", "documento": "", "performa": "performa"}
# The level of the objective a phase belongs to (sheet "Fasi", column "Livello").
LEVEL_STRATEGIC = "strategico"
LEVEL_OPERATIONAL = "operativo"
_LEVEL_READ = {
    "strategico": LEVEL_STRATEGIC,
    "obiettivo strategico": LEVEL_STRATEGIC,
    "operativo": LEVEL_OPERATIONAL,
    "obiettivo operativo": LEVEL_OPERATIONAL,
}

_YES = ("si", "sì", "sí")
_NO = ("no",)


@dataclass(frozen=True)
class _Column:
    name: str
    required: bool = False
    aliases: tuple[str, ...] = ()


# First on every sheet of rows of a plan with parts: whose plan the row belongs to.
ENTE = "Ente"
ENTE_COLUMN = _Column(ENTE)

PARTS_COLUMNS = (
    _Column(ENTE, True),
    _Column("Anno", True),
    _Column("Triennio"),
    _Column("Organo"),
    _Column("Numero delibera"),
    _Column("Data delibera"),
    _Column("Stato"),
    _Column("Titolo"),
    *(_Column(name) for _, name in LABEL_KEYS),
    _Column("Totale fondo incentivante"),
    _Column("Descrizione fondo incentivante"),
)
AREA_COLUMNS = (_Column("Codice", True), _Column("Titolo", True))
STRATEGIC_COLUMNS = (
    _Column("Codice", True),
    _Column("Titolo", True),
    _Column("Ambito", True),
    _Column("Missione"),
    _Column("Programma"),
    _Column("Funzione"),
    _Column("Prospettiva"),
    _Column("Obiettivo comune"),
    # Added with the PIRA cards: optional, so older workbooks still load.
    _Column("Classificazione"),
    _Column("Descrizione"),
    _Column("Arco temporale"),
    _Column("Portatori d'interesse"),
    _Column("Benefici attesi"),
    _Column("Centro di responsabilità"),
    _Column("Risorse"),
    _Column("Obiettivi collegati"),
)
OPERATIONAL_COLUMNS = (
    _Column("Codice", True),
    _Column("Titolo", True),
    _Column("Obiettivo strategico", True),
    _Column("Descrizione"),
    _Column("Impatto atteso"),
    _Column("Risorse"),
    _Column("Area"),
    _Column("Ufficio"),
    _Column("Trasversale (si/no)", aliases=("Trasversale",)),
    _Column("Obiettivo comune (si/no)", aliases=("Obiettivo comune",)),
    # Added later: optional. Empty: the strategic objective's.
    _Column("Missione"),
    _Column("Programma"),
)
# The "Target <anno>" columns go after "Comparatore".
INDICATOR_COLUMNS_BEFORE_TARGETS = (
    _Column("Obiettivo operativo", True),
    _Column("N.", aliases=("N", "Nr.", "N°")),
    _Column("Codice"),
    _Column("Nome", True),
    _Column("Descrizione"),
    _Column("Tipologia"),
    _Column("UdM", aliases=("Unità di misura",)),
    _Column("Baseline"),
    _Column("Comparatore"),
)
INDICATOR_COLUMNS_AFTER_TARGETS = (
    _Column("Peso"),
    _Column("Formula"),
    _Column("Fonte"),
    _Column("Ufficio"),
    # Added after the first templates: optional, so older workbooks still load.
    _Column("Chiave"),
    _Column("Andamento"),
    _Column("Rilevato alle date"),
    _Column("Pubblicato (si/no)", aliases=("Pubblicato",)),
)
# The money of an action: written as amounts, read back as the text they show.
ACTION_AMOUNTS = (
    ("costs", "Oneri"),
    ("revenues", "Ricavi"),
    ("contributions", "Contributi"),
    ("investments", "Investimenti"),
)
ACTION_COLUMNS = (
    _Column("Obiettivo operativo", True),
    _Column("Codice", True),
    _Column("Titolo", True),
    _Column("Tipologia (istituzionale/commerciale)", aliases=("Tipologia",)),
    _Column("Centro di costo"),
    _Column("Ufficio"),
    _Column("Descrizione"),
    *(_Column(name) for _, name in ACTION_AMOUNTS),
)
PHASE_COLUMNS = (
    _Column("Obiettivo", True),
    _Column("Livello", True),
    _Column("Fase", True),
    _Column("Dal", True, aliases=("Anno di inizio",)),
    _Column("Al", True, aliases=("Anno di fine",)),
    _Column("Milestone", aliases=("Milestone entro il",)),
)
PROGRAMME_COLUMNS = (
    _Column("Missione", True),
    _Column("Programma", True),
    _Column("Titolo"),
    _Column("Descrizione"),
    _Column("Portatori d'interesse"),
    _Column("Benefici attesi"),
    _Column("Classificazione"),
)
COST_CENTRE_COLUMNS = (_Column("Codice", True), _Column("Denominazione", True))
ORG_UNIT_COLUMNS = (
    _Column("Nome", True),
    _Column("Tipo", True),
    _Column("Area"),
    _Column("FTE"),
)
VARIABLE_COLUMNS = (
    _Column("Nome", True),
    _Column("Descrizione"),
    _Column("UdM", aliases=("Unità di misura",)),
    _Column("Fonte"),
    _Column("Ufficio"),
)
ASSIGNMENT_COLUMNS = (_Column("Area", True), _Column("Obiettivo", True))
SHARE_COLUMNS = (_Column("Obiettivo strategico", True), _Column("Importo", True))

TARGET_PREFIX = "Target"
_TARGET_HEADER = re.compile(r"target\b\s*(.*)", re.IGNORECASE)
_YEAR = re.compile(r"[0-9]{4}")
_TRIENNIUM = re.compile(r"([0-9]{4})\s*[-–/]\s*([0-9]{4})")


# --------------------------------------------------------------------------------------------
# Public API


def dump_xlsx(doc: PlanDocument) -> bytes:
    """The plan as an Excel workbook (text cells but the amounts, bold frozen headers)."""
    return xlsx.write(_plan_to_sheets(doc))


def load_xlsx(data: bytes) -> PlanDocument:
    """Read a plan from an Excel workbook; raises InterchangeError naming sheet/row/column."""
    return _sheets_to_plan(_read_xlsx(data))


def dump_ods(doc: PlanDocument) -> bytes:
    """The plan as an OpenDocument spreadsheet (string cells but the amounts)."""
    return ods.write(_plan_to_sheets(doc))


def load_ods(data: bytes) -> PlanDocument:
    """Read a plan from an OpenDocument spreadsheet; raises InterchangeError like load_xlsx."""
    return _sheets_to_plan(_read_ods(data))


# --------------------------------------------------------------------------------------------
# Plan → sheets (format-independent)

_Row = Sequence[str | Cell]


def _sheet(name: str, rows: list[_Row], header_rows: tuple[int, ...] = (0,)) -> Sheet:
    """A sheet of the template: every cell text (``performa.cells`` formats even the empty
    ones as text) unless it is already a typed :class:`Cell`, bold frozen headers, and a
    column with long text wrapped as a whole."""
    cells = [[text_cell(value) if isinstance(value, str) else value for value in row]
             for row in rows]
    wrapped = {
        col
        for index, row in enumerate(cells)
        if index not in header_rows
        for col, cell in enumerate(row)
        if is_long(cell.text)
    }
    return Sheet(name, cells, bold_rows=header_rows, wrapped_columns=wrapped, template=True)


def _yes_no_text(flag: bool) -> str:
    return "si" if flag else "no"


def _amount_cell(text: str) -> Cell:
    """An action's amount as a money cell when reading it back gives the very text
    (``€ 40.000,00``, as Performa writes amounts); any other text (``40.000``, ``n.d.``)
    stays text, so that nothing the document printed changes on the way."""
    cell = figure_cell(text)
    amount = cell.value if cell.kind == "money" else None
    if isinstance(amount, Decimal) and format_money(amount) == text:
        return cell
    return text_cell(text)


def _triennium_text(doc: PlanDocument) -> str:
    start, end = doc.triennium
    return f"{start}-{end}" if (start, end) != (0, 0) else ""


def _labels_row(labels: LevelLabels) -> list[str]:
    return [getattr(labels, attribute) for attribute, _ in LABEL_KEYS]


class _Rows:
    """The rows of one sheet of rows, with the ``Ente`` column first in a plan with parts."""

    def __init__(self, doc: PlanDocument, columns: Sequence[str]) -> None:
        self.main = doc
        self.with_parts = bool(doc.parts)
        self.rows: list[_Row] = [[*([ENTE] if self.with_parts else []), *columns]]

    def add(self, body: PlanDocument, row: _Row) -> None:
        ente = ["" if body is self.main else body.body] if self.with_parts else []
        self.rows.append([*ente, *row])


def _plan_to_sheets(doc: PlanDocument) -> list[Sheet]:
    version = doc.version
    plan_rows: list[_Row] = [
        [KEY_COLUMN, VALUE_COLUMN],
        ["Ente", doc.body],
        ["Anno", str(doc.year)],
        ["Triennio", _triennium_text(doc)],
        ["Organo", version.organ],
        ["Numero delibera", version.number],
        ["Data delibera", version.date],
        ["Stato", STATUS_WORDS.get(version.status, version.status)],
        ["Titolo", version.title],
        *([name, value] for (_, name), value in zip(LABEL_KEYS, _labels_row(doc.labels),
                                                    strict=True)),
    ]
    parts_rows: list[_Row] = [
        [c.name for c in PARTS_COLUMNS],
        *(
            [
                part.body,
                str(part.year),
                _triennium_text(part),
                part.version.organ,
                part.version.number,
                part.version.date,
                STATUS_WORDS.get(part.version.status, part.version.status),
                part.version.title,
                *_labels_row(part.labels),
                part.incentive_fund.total,
                part.incentive_fund.description,
            ]
            for part in doc.parts
        ),
    ]

    bodies = [doc, *doc.parts]
    areas = _Rows(doc, [c.name for c in AREA_COLUMNS])
    strategic = _Rows(doc, [c.name for c in STRATEGIC_COLUMNS])
    operational = _Rows(doc, [c.name for c in OPERATIONAL_COLUMNS])
    years = sorted({year for body in bodies for ind in body.indicators() for year in ind.targets})
    if not years and doc.year:
        years = [doc.year]  # a column where the office can type the targets
    indicators = _Rows(
        doc,
        [c.name for c in INDICATOR_COLUMNS_BEFORE_TARGETS]
        + [f"{TARGET_PREFIX} {year}" for year in years]
        + [c.name for c in INDICATOR_COLUMNS_AFTER_TARGETS],
    )
    actions = _Rows(doc, [c.name for c in ACTION_COLUMNS])
    phases = _Rows(doc, [c.name for c in PHASE_COLUMNS])
    programmes = _Rows(doc, [c.name for c in PROGRAMME_COLUMNS])
    cost_centres = _Rows(doc, [c.name for c in COST_CENTRE_COLUMNS])
    org_units = _Rows(doc, [c.name for c in ORG_UNIT_COLUMNS])
    variables = _Rows(doc, [c.name for c in VARIABLE_COLUMNS])
    assignments = _Rows(doc, [c.name for c in ASSIGNMENT_COLUMNS])
    shares = _Rows(doc, [c.name for c in SHARE_COLUMNS])

    def add_phases(body: PlanDocument, code: str, level: str, items: list[PhaseDoc]) -> None:
        for phase in items:
            phases.add(body, [code, level, phase.title, str(phase.first_year),
                              str(phase.last_year), phase.milestone])

    for body in bodies:
        for area in body.areas:
            areas.add(body, [area.code, area.title])
            for so in area.objectives:
                strategic.add(
                    body,
                    [
                        so.code,
                        so.title,
                        area.code,
                        so.mission,
                        so.programme,
                        so.function,
                        so.perspective,
                        so.common_objective,
                        so.classified_by,
                        so.description,
                        so.time_span,
                        so.stakeholders,
                        so.benefits,
                        so.responsible_centre,
                        so.resources,
                        so.related,
                    ],
                )
                add_phases(body, so.code, LEVEL_STRATEGIC, so.phases)
                for op in so.operational:
                    operational.add(
                        body,
                        [
                            op.code,
                            op.title,
                            so.code,
                            op.description,
                            op.expected_impact,
                            op.resources,
                            op.area,
                            op.office,
                            _yes_no_text(op.transversal),
                            _yes_no_text(op.common_objective),
                            op.mission,
                            op.programme,
                        ],
                    )
                    for number, ind in enumerate(op.indicators, start=1):
                        indicators.add(
                            body,
                            [
                                op.code,
                                str(number),
                                ind.code,
                                ind.name,
                                ind.description,
                                ind.kind,
                                ind.unit,
                                ind.baseline,
                                ind.comparator,
                                *(ind.targets.get(year, "") for year in years),
                                ind.weight,
                                ind.formula,
                                ind.source,
                                ind.office,
                                ind.key,
                                ACCUMULATION_WORDS.get(ind.accumulation, ind.accumulation),
                                ind.measured_at,
                                _yes_no_text(ind.published),
                            ],
                        )
                    for action in op.actions:
                        actions.add(
                            body,
                            [
                                op.code,
                                action.code,
                                action.title,
                                ACTIVITY_WORDS.get(action.activity, action.activity),
                                action.cost_centre,
                                action.office,
                                action.description,
                                *(_amount_cell(getattr(action, attribute))
                                  for attribute, _ in ACTION_AMOUNTS),
                            ],
                        )
                    add_phases(body, op.code, LEVEL_OPERATIONAL, op.phases)
        for programme in body.programmes:
            programmes.add(
                body,
                [
                    programme.mission,
                    programme.programme,
                    programme.title,
                    programme.narrative,
                    programme.stakeholders,
                    programme.benefits,
                    programme.classified_by,
                ],
            )
        for centre in body.cost_centres:
            cost_centres.add(body, [centre.code, centre.name])
        for unit in body.org_units:
            org_units.add(body, [unit.name, KIND_WORDS.get(unit.kind, unit.kind), unit.parent,
                                 unit.fte])
        for variable in body.variables:
            variables.add(body, [variable.name, variable.description, variable.unit,
                                 variable.source, variable.office])
        for assignment in body.assignments:
            if not assignment.objectives:
                assignments.add(body, [assignment.area, ""])
            for title in assignment.objectives:
                assignments.add(body, [assignment.area, title])
        for share in body.incentive_fund.shares:
            shares.add(body, [share.strategic_objective, share.amount])

    fund = doc.incentive_fund
    fund_rows: list[_Row] = [
        [KEY_COLUMN, VALUE_COLUMN],
        ["Totale", fund.total],
        ["Descrizione", fund.description],
        [],
        *shares.rows,
    ]

    return [
        _sheet(SHEET_PLAN, plan_rows),
        *([_sheet(SHEET_PARTS, parts_rows)] if doc.parts else []),
        _sheet(SHEET_AREAS, areas.rows),
        _sheet(SHEET_STRATEGIC, strategic.rows),
        _sheet(SHEET_OPERATIONAL, operational.rows),
        _sheet(SHEET_INDICATORS, indicators.rows),
        _sheet(SHEET_ACTIONS, actions.rows),
        _sheet(SHEET_PHASES, phases.rows),
        _sheet(SHEET_PROGRAMMES, programmes.rows),
        _sheet(SHEET_COST_CENTRES, cost_centres.rows),
        _sheet(SHEET_ORG_UNITS, org_units.rows),
        _sheet(SHEET_VARIABLES, variables.rows),
        _sheet(SHEET_ASSIGNMENTS, assignments.rows),
        _sheet(SHEET_FUND, fund_rows, header_rows=(0, 4)),
    ]
# --------------------------------------------------------------------------------------------
# Sheets → plan (format-independent)


@dataclass(frozen=True)
class _Bad:
    """A cell that cannot be read as text (a spreadsheet error such as ``#DIV/0!``)."""

    reason: str


_Cell = str | _Bad


@dataclass
class _SheetIn:
    name: str
    rows: list[tuple[int, list[_Cell]]]  # (row number from 1, cells); only non-empty rows


def _filled(cell: _Cell) -> bool:
    return isinstance(cell, _Bad) or bool(cell.strip())


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _cell_location(sheet: str, row: int, column: str | None = None) -> str:
    location = f"foglio {sheet}, riga {row}"
    return f"{location}, colonna {column}" if column else location


def _text_of(cell: _Cell, sheet: str, row: int, column: str) -> str:
    if isinstance(cell, _Bad):
        raise InterchangeError(_cell_location(sheet, row, column), cell.reason)
    return cell


@dataclass
class _Record:
    sheet: str
    row: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    def location(self, column: str) -> str:
        return _cell_location(self.sheet, self.row, column)

    def required(self, column: str) -> str:
        value = self.get(column)
        if not value.strip():
            raise InterchangeError(self.location(column), "valore obbligatorio mancante")
        return value

    def word(
        self, column: str, read: dict[str, str], what: str, allowed: str, default: str = ""
    ) -> str:
        """The code of the word in ``column`` (any case); an empty cell is ``default``.

        ``what`` names the datum in the refusal: «andamento «progressivo» non valido
        (ammessi: puntuale, cumulato)».
        """
        word = self.get(column).strip()
        if not word:
            return default
        code = read.get(_normal(word))
        if code is None:
            raise InterchangeError(
                self.location(column), f"{what} «{word}» non valido (ammessi: {allowed})"
            )
        return code

    def year(self, column: str) -> int:
        text = self.required(column).strip()
        if not _YEAR.fullmatch(text):
            raise InterchangeError(
                self.location(column), f"anno «{text}» non valido (attese 4 cifre, es. 2022)"
            )
        return int(text)

    def triennium(self, column: str) -> tuple[int, int]:
        text = self.get(column).strip()
        if not text:
            return (0, 0)
        match = _TRIENNIUM.fullmatch(text)
        if not match or int(match.group(1)) > int(match.group(2)):
            raise InterchangeError(
                self.location(column),
                f"triennio «{text}» non valido (atteso ad esempio «2022-2024»)",
            )
        return (int(match.group(1)), int(match.group(2)))

    def status(self, column: str) -> str:
        return self.word(
            column, _STATUS_READ, "stato", "bozza, adottato, superato", default="adopted"
        )

    def accumulation(self, column: str) -> str:
        return self.word(
            column, _ACCUMULATION_READ, "andamento", "puntuale, cumulato", default="stock"
        )

    def classified_by(self, column: str) -> str:
        return self.word(
            column,
            _CLASSIFIED_READ,
            "valore di classificazione",
            "vuoto o documento: missione e programma del documento; performa: assegnati da "
            "Performa",
        )

    def yes_no(self, column: str) -> bool:
        word = self.get(column).strip().casefold()
        if word in _YES:
            return True
        if not word or word in _NO:
            return False
        raise InterchangeError(
            self.location(column), f"atteso «si» o «no», trovato «{self.get(column).strip()}»"
        )


@dataclass
class _Table:
    records: list[_Record]
    target_years: list[int]


def _read_table(
    sheet: _SheetIn,
    columns: Sequence[_Column],
    rows: Sequence[tuple[int, list[_Cell]]] | None = None,
    *,
    targets: bool = False,
) -> _Table:
    """The records of a sheet whose first non-empty row (of ``rows``) names the columns."""
    rows = sheet.rows if rows is None else rows
    allowed = ", ".join(c.name for c in columns)
    if targets:
        allowed += f", {TARGET_PREFIX} <anno>"
    if not rows:
        raise InterchangeError(
            _cell_location(sheet.name, 1), f"manca la riga di intestazione (colonne: {allowed})"
        )
    header_row, header_cells = rows[0]
    by_name: dict[str, str] = {}
    for column in columns:
        for name in (column.name, *column.aliases):
            by_name[_normal(name)] = column.name

    names: list[str | None] = []  # canonical name of each column, None when it has no header
    target_years: list[int] = []
    seen: set[str] = set()
    for index, cell in enumerate(header_cells):
        header = _text_of(cell, sheet.name, header_row, _column_letter(index)).strip()
        if not header:
            names.append(None)
            continue
        location = _cell_location(sheet.name, header_row, header)
        canonical = by_name.get(_normal(header))
        if canonical is None and targets:
            match = _TARGET_HEADER.fullmatch(header)
            if match:
                year_text = match.group(1).strip()
                if not _YEAR.fullmatch(year_text):
                    raise InterchangeError(
                        location,
                        f"intestazione «{header}» non valida: attesa «{TARGET_PREFIX}» seguita "
                        "da un anno di 4 cifre, es. «Target 2022»",
                    )
                target_years.append(int(year_text))
                canonical = f"{TARGET_PREFIX} {year_text}"
        if canonical is None:
            raise InterchangeError(
                location, f"colonna sconosciuta «{header}» (colonne ammesse: {allowed})"
            )
        if canonical in seen:
            raise InterchangeError(location, f"colonna «{canonical}» ripetuta")
        seen.add(canonical)
        names.append(canonical)
    for column in columns:
        if column.required and column.name not in seen:
            raise InterchangeError(
                _cell_location(sheet.name, header_row),
                f"manca la colonna obbligatoria «{column.name}» (colonne: {allowed})",
            )

    records: list[_Record] = []
    for row_number, cells in rows[1:]:
        values: dict[str, str] = {}
        for index, cell in enumerate(cells):
            column_name = names[index] if index < len(names) else None
            if column_name is None:
                if _filled(cell):
                    raise InterchangeError(
                        _cell_location(sheet.name, row_number, _column_letter(index)),
                        "valore in una colonna senza intestazione",
                    )
                continue
            values[column_name] = _text_of(cell, sheet.name, row_number, column_name)
        records.append(_Record(sheet.name, row_number, values))
    return _Table(records, target_years)




def _read_key_values(
    sheet: _SheetIn, keys: Sequence[str], stop_at: Sequence[str] = ()
) -> tuple[dict[str, _Record], list[tuple[int, list[_Cell]]]]:
    """Rows "Voce | Valore" until a row whose first cell is one of ``stop_at`` (the header of
    a table below them); returns the rows from there on too."""
    by_name = {_normal(key): key for key in keys}
    stops = {_normal(name) for name in stop_at}
    found: dict[str, _Record] = {}
    rows = sheet.rows
    for position, (row_number, cells) in enumerate(rows):
        label = _text_of(cells[0], sheet.name, row_number, KEY_COLUMN) if cells else ""
        if _normal(label) in stops:
            return found, rows[position:]
        value = _text_of(cells[1], sheet.name, row_number, VALUE_COLUMN) if len(cells) > 1 else ""
        for index in range(2, len(cells)):
            if _filled(cells[index]):
                raise InterchangeError(
                    _cell_location(sheet.name, row_number, _column_letter(index)),
                    f"valore fuori dalle colonne «{KEY_COLUMN}» e «{VALUE_COLUMN}»",
                )
        if position == 0 and _normal(label) == _normal(KEY_COLUMN):
            continue  # the optional header row
        key = by_name.get(_normal(label))
        if key is None:
            expected = ", ".join(keys)
            what = f"voce sconosciuta «{label.strip()}»" if label.strip() else "voce mancante"
            raise InterchangeError(
                _cell_location(sheet.name, row_number, KEY_COLUMN),
                f"{what} (voci ammesse: {expected})",
            )
        if key in found:
            raise InterchangeError(
                _cell_location(sheet.name, row_number, KEY_COLUMN),
                f"voce «{key}» ripetuta (già alla riga {found[key].row})",
            )
        found[key] = _Record(sheet.name, row_number, {VALUE_COLUMN: value})
    return found, []


def _find_sheets(sheets: Sequence[_SheetIn]) -> dict[str, _SheetIn]:
    by_normal: dict[str, _SheetIn] = {}
    for candidate in sheets:
        by_normal.setdefault(_normal(candidate.name), candidate)
    found: dict[str, _SheetIn] = {}
    for name in (*SHEET_NAMES, SHEET_PARTS):
        sheet = by_normal.get(_normal(name))
        if sheet is None and name in OPTIONAL_SHEETS:
            continue
        if sheet is None:
            raise InterchangeError(
                f"foglio {name}",
                f"manca il foglio «{name}» (fogli attesi: {', '.join(SHEET_NAMES)})",
            )
        found[name] = _SheetIn(name, sheet.rows)
    return found


def _duplicate(record: _Record, column: str, first_row: int) -> InterchangeError:
    return InterchangeError(
        record.location(column),
        f"codice «{record.get(column)}» ripetuto (già usato alla riga {first_row})",
    )


@dataclass
class _Tree:
    """One body's plan as it is rebuilt from the rows, with its codes → (object, row)."""

    doc: PlanDocument
    is_part: bool = False
    areas: dict[str, tuple[StrategicAreaDoc, int]] = field(default_factory=dict)
    strategic: dict[str, tuple[StrategicObjectiveDoc, int]] = field(default_factory=dict)
    operational: dict[str, tuple[OperationalObjectiveDoc, int]] = field(default_factory=dict)
    actions: dict[str, int] = field(default_factory=dict)
    programmes: dict[tuple[str, str], int] = field(default_factory=dict)
    cost_centres: dict[str, int] = field(default_factory=dict)
    variables: dict[str, tuple[VariableDoc, int]] = field(default_factory=dict)

    def unknown(self, what: str, code: str, sheet: str) -> str:
        """«obiettivo operativo «01_01_09» sconosciuto: non è nel foglio Obiettivi operativi»,
        naming the merged body when the row is of its plan."""
        whose = f" per l'ente «{self.doc.body}»" if self.is_part else ""
        return f"{what} «{code}» sconosciuto: non è nel foglio {sheet}{whose}"


class _Bodies:
    """The plan's own body and the merged ones, found by the ``Ente`` column of a row."""

    def __init__(self, main: PlanDocument, parts: list[PlanDocument]) -> None:
        self.main = _Tree(main)
        self.parts = [_Tree(part, is_part=True) for part in parts]
        self.by_name = {_normal(tree.doc.body): tree for tree in self.parts}

    def __iter__(self) -> Iterator[_Tree]:
        yield self.main
        yield from self.parts

    def of(self, record: _Record) -> _Tree:
        name = record.get(ENTE).strip()
        if not name or _normal(name) == _normal(self.main.doc.body):
            return self.main
        tree = self.by_name.get(_normal(name))
        if tree is None:
            raise InterchangeError(
                record.location(ENTE),
                f"ente «{name}» sconosciuto: non è l'ente del foglio {SHEET_PLAN} né nel "
                f"foglio {SHEET_PARTS} (vuoto = l'ente del piano)",
            )
        return tree

    def documents(self) -> PlanDocument:
        for tree in self:
            tree.doc.areas = [area for area, _ in tree.areas.values()]
            tree.doc.variables = [variable for variable, _ in tree.variables.values()]
        self.main.doc.parts = [tree.doc for tree in self.parts]
        return self.main.doc


def _records(
    sheets: dict[str, _SheetIn], name: str, columns: Sequence[_Column]
) -> list[_Record]:
    """The records of a sheet of rows (none when an optional sheet is missing); every such
    sheet may have the ``Ente`` column."""
    if name not in sheets:
        return []
    return _read_table(sheets[name], (ENTE_COLUMN, *columns)).records


def _sheets_to_plan(sheet_list: Sequence[_SheetIn]) -> PlanDocument:
    sheets = _find_sheets(sheet_list)
    main = _read_plan(sheets[SHEET_PLAN])
    bodies = _Bodies(main, _read_parts(sheets, main.body))
    _read_tree(sheets, bodies)
    _read_lists(sheets, bodies)
    return bodies.documents()


def _read_plan(sheet: _SheetIn) -> PlanDocument:
    """The sheet ``Piano``: the body, year and act of the plan, and its level names."""
    plan, _ = _read_key_values(sheet, PLAN_KEYS)
    for key in ("Ente", "Anno"):
        if key not in plan:
            raise InterchangeError(f"foglio {SHEET_PLAN}", f"manca la voce «{key}»")
    missing = _Record(sheet.name, 0, {})  # a key left out: an empty value

    def value(key: str) -> str:
        return plan.get(key, missing).get(VALUE_COLUMN)

    return PlanDocument(
        body=plan["Ente"].required(VALUE_COLUMN),
        year=plan["Anno"].year(VALUE_COLUMN),
        triennium=plan.get("Triennio", missing).triennium(VALUE_COLUMN),
        version=VersionDoc(
            organ=value("Organo"),
            number=value("Numero delibera"),
            date=value("Data delibera"),
            status=plan.get("Stato", missing).status(VALUE_COLUMN),
            title=value("Titolo"),
        ),
        labels=LevelLabels(**{attribute: value(name) for attribute, name in LABEL_KEYS}),
    )


def _read_parts(sheets: dict[str, _SheetIn], main_body: str) -> list[PlanDocument]:
    """The sheet ``Enti accorpati``: one merged body's general data per row."""
    if SHEET_PARTS not in sheets:
        return []
    parts: list[PlanDocument] = []
    first_row: dict[str, int] = {}
    for record in _read_table(sheets[SHEET_PARTS], PARTS_COLUMNS).records:
        body = record.required(ENTE)
        if _normal(body) == _normal(main_body):
            raise InterchangeError(
                record.location(ENTE),
                f"«{body}» è l'ente del piano (foglio {SHEET_PLAN}): un ente accorpato è un "
                "altro ente",
            )
        if _normal(body) in first_row:
            raise InterchangeError(
                record.location(ENTE),
                f"ente «{body}» ripetuto (già alla riga {first_row[_normal(body)]})",
            )
        first_row[_normal(body)] = record.row
        parts.append(
            PlanDocument(
                body=body,
                year=record.year("Anno"),
                triennium=record.triennium("Triennio"),
                version=VersionDoc(
                    organ=record.get("Organo"),
                    number=record.get("Numero delibera"),
                    date=record.get("Data delibera"),
                    status=record.status("Stato"),
                    title=record.get("Titolo"),
                ),
                labels=LevelLabels(
                    **{attribute: record.get(name) for attribute, name in LABEL_KEYS}
                ),
                incentive_fund=IncentiveFund(
                    total=record.get("Totale fondo incentivante"),
                    description=record.get("Descrizione fondo incentivante"),
                ),
            )
        )
    return parts


def _read_tree(sheets: dict[str, _SheetIn], bodies: _Bodies) -> None:
    """Ambiti, objectives, indicators, actions and phases, each placed by its codes."""
    for record in _records(sheets, SHEET_AREAS, AREA_COLUMNS):
        tree = bodies.of(record)
        code = record.required("Codice")
        if code in tree.areas:
            raise _duplicate(record, "Codice", tree.areas[code][1])
        tree.areas[code] = (StrategicAreaDoc(code=code, title=record.get("Titolo")), record.row)

    for record in _records(sheets, SHEET_STRATEGIC, STRATEGIC_COLUMNS):
        tree = bodies.of(record)
        code = record.required("Codice")
        if code in tree.strategic:
            raise _duplicate(record, "Codice", tree.strategic[code][1])
        area_code = record.required("Ambito")
        if area_code not in tree.areas:
            raise InterchangeError(
                record.location("Ambito"), tree.unknown("ambito", area_code, SHEET_AREAS)
            )
        so = StrategicObjectiveDoc(
            code=code,
            title=record.get("Titolo"),
            mission=record.get("Missione"),
            programme=record.get("Programma"),
            function=record.get("Funzione"),
            perspective=record.get("Prospettiva"),
            common_objective=record.get("Obiettivo comune"),
            classified_by=record.classified_by("Classificazione"),
            description=record.get("Descrizione"),
            time_span=record.get("Arco temporale"),
            stakeholders=record.get("Portatori d'interesse"),
            benefits=record.get("Benefici attesi"),
            responsible_centre=record.get("Centro di responsabilità"),
            resources=record.get("Risorse"),
            related=record.get("Obiettivi collegati"),
        )
        tree.areas[area_code][0].objectives.append(so)
        tree.strategic[code] = (so, record.row)

    for record in _records(sheets, SHEET_OPERATIONAL, OPERATIONAL_COLUMNS):
        tree = bodies.of(record)
        code = record.required("Codice")
        if code in tree.operational:
            raise _duplicate(record, "Codice", tree.operational[code][1])
        so_code = record.required("Obiettivo strategico")
        if so_code not in tree.strategic:
            raise InterchangeError(
                record.location("Obiettivo strategico"),
                tree.unknown("obiettivo strategico", so_code, SHEET_STRATEGIC),
            )
        op = OperationalObjectiveDoc(
            code=code,
            title=record.get("Titolo"),
            description=record.get("Descrizione"),
            expected_impact=record.get("Impatto atteso"),
            resources=record.get("Risorse"),
            area=record.get("Area"),
            office=record.get("Ufficio"),
            transversal=record.yes_no("Trasversale (si/no)"),
            common_objective=record.yes_no("Obiettivo comune (si/no)"),
            mission=record.get("Missione"),
            programme=record.get("Programma"),
        )
        tree.strategic[so_code][0].operational.append(op)
        tree.operational[code] = (op, record.row)

    def card(record: _Record, tree: _Tree) -> OperationalObjectiveDoc:
        """The operational objective a row of Indicatori or Azioni belongs to."""
        op_code = record.required("Obiettivo operativo")
        if op_code not in tree.operational:
            raise InterchangeError(
                record.location("Obiettivo operativo"),
                tree.unknown("obiettivo operativo", op_code, SHEET_OPERATIONAL),
            )
        return tree.operational[op_code][0]

    indicator_columns = INDICATOR_COLUMNS_BEFORE_TARGETS + INDICATOR_COLUMNS_AFTER_TARGETS
    table = _read_table(sheets[SHEET_INDICATORS], (ENTE_COLUMN, *indicator_columns),
                        targets=True)
    for record in table.records:
        op = card(record, bodies.of(record))
        targets: dict[int, str] = {}
        for year in table.target_years:
            value = record.get(f"{TARGET_PREFIX} {year:04d}")
            if value.strip():
                targets[year] = value
        op.indicators.append(
            IndicatorDoc(
                name=record.required("Nome"),
                description=record.get("Descrizione"),
                code=record.get("Codice"),
                kind=record.get("Tipologia"),
                unit=record.get("UdM"),
                baseline=record.get("Baseline"),
                comparator=record.get("Comparatore"),
                targets=targets,
                weight=record.get("Peso"),
                formula=record.get("Formula"),
                source=record.get("Fonte"),
                office=record.get("Ufficio"),
                key=record.get("Chiave"),
                accumulation=record.accumulation("Andamento"),
                measured_at=record.get("Rilevato alle date"),
                published=record.yes_no("Pubblicato (si/no)"),
            )
        )

    for record in _records(sheets, SHEET_ACTIONS, ACTION_COLUMNS):
        tree = bodies.of(record)
        op = card(record, tree)
        code = record.required("Codice")
        if code in tree.actions:
            raise _duplicate(record, "Codice", tree.actions[code])
        tree.actions[code] = record.row
        op.actions.append(
            ActionDoc(
                code=code,
                title=record.get("Titolo"),
                activity=record.word(
                    "Tipologia (istituzionale/commerciale)",
                    _ACTIVITY_READ,
                    "tipologia",
                    "istituzionale, commerciale",
                    default="institutional",
                ),
                cost_centre=record.get("Centro di costo"),
                office=record.get("Ufficio"),
                description=record.get("Descrizione"),
                **{attribute: record.get(name) for attribute, name in ACTION_AMOUNTS},
            )
        )

    for record in _records(sheets, SHEET_PHASES, PHASE_COLUMNS):
        tree = bodies.of(record)
        record.required("Livello")
        level = record.word(
            "Livello", _LEVEL_READ, "livello", f"{LEVEL_STRATEGIC}, {LEVEL_OPERATIONAL}"
        )
        code = record.required("Obiettivo")
        owner: StrategicObjectiveDoc | OperationalObjectiveDoc
        if level == LEVEL_STRATEGIC:
            if code not in tree.strategic:
                raise InterchangeError(
                    record.location("Obiettivo"),
                    tree.unknown("obiettivo strategico", code, SHEET_STRATEGIC),
                )
            owner = tree.strategic[code][0]
        else:
            if code not in tree.operational:
                raise InterchangeError(
                    record.location("Obiettivo"),
                    tree.unknown("obiettivo operativo", code, SHEET_OPERATIONAL),
                )
            owner = tree.operational[code][0]
        title = record.required("Fase")
        first, last = record.year("Dal"), record.year("Al")
        if first > last:
            raise InterchangeError(
                record.location("Al"),
                f"l'anno di fine {last} viene prima di quello di inizio {first}",
            )
        owner.phases.append(PhaseDoc(title, first, last, record.get("Milestone")))


def _read_lists(sheets: dict[str, _SheetIn], bodies: _Bodies) -> None:
    """Programmes, cost centres, units, variables, assignments and the incentive fund."""
    for record in _records(sheets, SHEET_PROGRAMMES, PROGRAMME_COLUMNS):
        tree = bodies.of(record)
        pair = (record.required("Missione"), record.required("Programma"))
        if pair in tree.programmes:
            raise InterchangeError(
                record.location("Programma"),
                f"programma «{pair[1]}» della missione «{pair[0]}» ripetuto (già alla riga "
                f"{tree.programmes[pair]})",
            )
        tree.programmes[pair] = record.row
        tree.doc.programmes.append(
            ProgrammeDoc(
                mission=pair[0],
                programme=pair[1],
                title=record.get("Titolo"),
                narrative=record.get("Descrizione"),
                stakeholders=record.get("Portatori d'interesse"),
                benefits=record.get("Benefici attesi"),
                classified_by=record.classified_by("Classificazione"),
            )
        )

    for record in _records(sheets, SHEET_COST_CENTRES, COST_CENTRE_COLUMNS):
        tree = bodies.of(record)
        code = record.required("Codice")
        if code in tree.cost_centres:
            raise _duplicate(record, "Codice", tree.cost_centres[code])
        tree.cost_centres[code] = record.row
        tree.doc.cost_centres.append(CostCentreDoc(code=code, name=record.get("Denominazione")))

    for record in _records(sheets, SHEET_ORG_UNITS, ORG_UNIT_COLUMNS):
        tree = bodies.of(record)
        record.required("Tipo")
        tree.doc.org_units.append(
            OrgUnitDoc(
                name=record.required("Nome"),
                kind=record.word("Tipo", _KIND_READ, "tipo", "area, ufficio"),
                parent=record.get("Area"),
                fte=record.get("FTE"),
            )
        )

    for record in _records(sheets, SHEET_VARIABLES, VARIABLE_COLUMNS):
        tree = bodies.of(record)
        name = record.required("Nome")
        if name in tree.variables:
            raise InterchangeError(
                record.location("Nome"),
                f"variabile «{name}» ripetuta (già alla riga {tree.variables[name][1]})",
            )
        variable = VariableDoc(
            name=name,
            description=record.get("Descrizione"),
            unit=record.get("UdM"),
            source=record.get("Fonte"),
            office=record.get("Ufficio"),
        )
        tree.variables[name] = (variable, record.row)

    # Assegnazioni: consecutive rows of one Area (of one body) form one group; an empty Area
    # continues the group above (as in the printed table).
    group: tuple[_Tree, Assignment] | None = None
    for record in _records(sheets, SHEET_ASSIGNMENTS, ASSIGNMENT_COLUMNS):
        tree = bodies.of(record)
        area = record.get("Area")
        if not area.strip():
            if group is None or group[0] is not tree:  # nothing above to continue: refused
                raise InterchangeError(record.location("Area"), "valore obbligatorio mancante")
            area = group[1].area
        if group is None or group[0] is not tree or group[1].area != area:
            group = (tree, Assignment(area=area))
            tree.doc.assignments.append(group[1])
        objective = record.get("Obiettivo")
        if objective.strip():
            group[1].objectives.append(objective)

    # Fondo incentivante: the main body's total and description as key/value rows, then the
    # shares of every body (the merged bodies' totals are in Enti accorpati).
    fund_sheet = sheets[SHEET_FUND]
    fund_values, share_rows = _read_key_values(
        fund_sheet, FUND_KEYS, stop_at=(SHARE_COLUMNS[0].name, ENTE)
    )
    main_fund = bodies.main.doc.incentive_fund
    missing = _Record(fund_sheet.name, 0, {})
    main_fund.total = fund_values.get("Totale", missing).get(VALUE_COLUMN)
    main_fund.description = fund_values.get("Descrizione", missing).get(VALUE_COLUMN)
    if share_rows:
        table = _read_table(fund_sheet, (ENTE_COLUMN, *SHARE_COLUMNS), share_rows)
        for record in table.records:
            bodies.of(record).doc.incentive_fund.shares.append(
                FundShare(
                    strategic_objective=record.required("Obiettivo strategico"),
                    amount=record.get("Importo"),
                )
            )


# --------------------------------------------------------------------------------------------
# XLSX (openpyxl; cells read and written by performa.cells, one rule for every spreadsheet)


def _xlsx_cell(cell: Any) -> _Cell:
    if xlsx.is_error(cell):
        return _Bad(f"la cella contiene l'errore «{cell.value}»: correggere la formula o il valore")
    return xlsx.text(cell)


def _limit_error(error: filelimits.FileLimitError, what: str) -> InterchangeError:
    """A refusal by a file limit, placed on its sheet (and row) when it has one."""
    if not error.sheet:
        return InterchangeError(what, error.reason)
    location = _cell_location(error.sheet, error.row) if error.row else f"foglio {error.sheet}"
    return InterchangeError(location, error.reason)


def _read_xlsx(data: bytes) -> list[_SheetIn]:
    """Every sheet's non-empty rows, streamed (openpyxl read-only) after the file limits.

    The limits (size, zip bomb, declared and actual rows and columns) are checked on the raw
    zip first, in constant memory; then openpyxl streams the rows, each as long as it really
    is (``performa.cells.xlsx.rows``): the declared size is only used for the refusal.
    """
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    # Read-only mode parses the sheets while the rows are read, so errors come from both steps.
    unreadable: tuple[type[Exception], ...] = (
        InvalidFileException, KeyError, ValueError, ParseError, *filelimits.UNREADABLE_ZIP
    )
    try:
        archive = filelimits.open_zip(data)
        filelimits.scan_xml_members(archive, filelimits.xlsx_sheet_names(archive))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except filelimits.FileLimitError as exc:
        raise _limit_error(exc, "file XLSX") from None
    except unreadable as exc:
        raise InterchangeError(
            "file XLSX", f"non è una cartella di lavoro Excel (.xlsx) leggibile ({exc})"
        ) from exc
    sheets: list[_SheetIn] = []
    try:
        for ws in workbook.worksheets:
            rows: list[tuple[int, list[_Cell]]] = []
            for row_number, row in xlsx.rows(ws):
                if row_number > filelimits.MAX_ROWS:  # the scan refused such rows already
                    raise InterchangeError(
                        _cell_location(ws.title, row_number),
                        f"oltre il limite di {filelimits.italian_count(filelimits.MAX_ROWS)} "
                        "righe per foglio",
                    )
                cells = [_xlsx_cell(cell) for cell in row]
                if any(_filled(cell) for cell in cells):
                    rows.append((row_number, cells))
            sheets.append(_SheetIn(ws.title, rows))
    except InterchangeError:
        raise
    except unreadable as exc:
        raise InterchangeError(
            "file XLSX", f"non è una cartella di lavoro Excel (.xlsx) leggibile ({exc})"
        ) from exc
    finally:
        workbook.close()
    return sheets


# --------------------------------------------------------------------------------------------
# ODS (written by performa.cells with odfpy; streamed here with ElementTree, each cell read by
# performa.cells)

_ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_ROW_GROUPS = {"table-header-rows", "table-rows", "table-row-group"}
# A non-empty row or cell repeated more times than this is refused (a user who filled a whole
# column by mistake), instead of building millions of records; so is a run of more spaces.
_ODS_MAX_REPEAT = 10_000


# Reading streams content.xml (ElementTree's iterparse) one row at a time instead of loading
# it with odfpy, whose object tree costs about a kilobyte per XML element: a 1 MB file of
# empty cells took 29 s and 1 GB. Each row is read when its end tag arrives and then dropped.

_TABLE = f"{{{ods.TABLE_NS}}}table"
_TABLE_NAME = f"{{{ods.TABLE_NS}}}name"
_TABLE_ROW = f"{{{ods.TABLE_NS}}}table-row"
_ROW_GROUP_TAGS = frozenset(f"{{{ods.TABLE_NS}}}{group}" for group in _ROW_GROUPS)
_CELL_TAGS = (f"{{{ods.TABLE_NS}}}table-cell", f"{{{ods.TABLE_NS}}}covered-table-cell")
_SPREADSHEET = f"{{{ods.OFFICE_NS}}}spreadsheet"
_BODY = f"{{{ods.OFFICE_NS}}}body"


def _ods_cell(cell: Any) -> _Cell:
    try:
        return ods.text(cell, max_spaces=_ODS_MAX_REPEAT)
    except ods.TooManySpaces as exc:
        return _Bad(
            f"la cella contiene {filelimits.italian_count(exc.count)} spazi di fila, oltre "
            f"il limite di {filelimits.italian_count(_ODS_MAX_REPEAT)}"
        )


def _repeat(node: Any, attribute: str) -> int:
    text = node.get(f"{{{ods.TABLE_NS}}}{attribute}")
    try:
        count = int(text) if text else 1
    except ValueError:
        count = 1
    return max(count, 1)


@dataclass
class _OdsTable:
    element: Any
    depth: int  # how many ancestors the table element has
    sheet: _SheetIn
    row_number: int = 1  # of the next row, counting repeated rows


def _ods_row(table: _OdsTable, row: Any) -> None:
    """Add one table:table-row (repeated rows and cells expanded) to the table's sheet."""
    name, row_number = table.sheet.name, table.row_number
    row_repeat = _repeat(row, "number-rows-repeated")
    cells: list[_Cell] = []
    column = 0
    for cell in row:
        if cell.tag not in _CELL_TAGS:
            continue
        cell_repeat = _repeat(cell, "number-columns-repeated")
        # Most cells of a sheet are empty: no value type, no text.
        value = _ods_cell(cell) if len(cell) or cell.get(ods.VALUE_TYPE) else ""
        if _filled(value):
            if cell_repeat > _ODS_MAX_REPEAT:
                raise InterchangeError(
                    _cell_location(name, row_number, _column_letter(column)),
                    f"lo stesso valore è ripetuto in {cell_repeat} colonne",
                )
            if column + cell_repeat > filelimits.MAX_COLUMNS:
                raise InterchangeError(
                    _cell_location(name, row_number, _column_letter(column)),
                    f"valore oltre la colonna {_column_letter(filelimits.MAX_COLUMNS - 1)}: "
                    f"oltre il limite di {filelimits.MAX_COLUMNS} colonne per foglio",
                )
            cells.extend([""] * (column - len(cells)))
            cells.extend([value] * cell_repeat)
        column += cell_repeat
    if any(_filled(cell) for cell in cells):
        if row_repeat > _ODS_MAX_REPEAT:
            raise InterchangeError(
                _cell_location(name, row_number),
                f"la stessa riga è ripetuta {row_repeat} volte",
            )
        if row_number + row_repeat - 1 > filelimits.MAX_ROWS:
            raise InterchangeError(
                _cell_location(name, max(row_number, filelimits.MAX_ROWS + 1)),
                f"valori oltre la riga {filelimits.italian_count(filelimits.MAX_ROWS)}: oltre "
                f"il limite di {filelimits.italian_count(filelimits.MAX_ROWS)} righe per foglio",
            )
        for offset in range(row_repeat):
            table.sheet.rows.append((row_number + offset, list(cells)))
    table.row_number += row_repeat


def _ods_sheets(content: Any) -> list[_SheetIn]:
    """The tables of office:body/office:spreadsheet, read from content.xml row by row."""
    from xml.etree.ElementTree import iterparse

    sheets: list[_SheetIn] = []
    ancestors: list[Any] = []
    table: _OdsTable | None = None
    # No DTD, so no entity expansion: scan_xml_members refused any before this parse.
    for event, element in iterparse(content, events=("start", "end")):  # noqa: S314
        if event == "start":
            if (
                table is None
                and element.tag == _TABLE
                and [a.tag for a in ancestors[-2:]] == [_BODY, _SPREADSHEET]
            ):
                sheet = _SheetIn(element.get(_TABLE_NAME) or "", [])
                table = _OdsTable(element, len(ancestors), sheet)
            ancestors.append(element)
            continue
        ancestors.pop()
        in_row = False
        if table is not None:
            between = ancestors[table.depth + 1:]  # from the table (excluded) to this element
            if element.tag == _TABLE_ROW and all(a.tag in _ROW_GROUP_TAGS for a in between):
                _ods_row(table, element)
            elif element is table.element:
                sheets.append(table.sheet)
                table = None
            else:
                in_row = any(a.tag == _TABLE_ROW for a in between)
        if ancestors and not in_row:
            ancestors[-1].remove(element)  # read (or not needed): let it go
    return sheets


def _read_ods(data: bytes) -> list[_SheetIn]:
    """Every table's non-empty rows, streamed from content.xml after the file limits."""
    from xml.etree.ElementTree import ParseError

    unreadable: tuple[type[Exception], ...] = (KeyError, ParseError, *filelimits.UNREADABLE_ZIP)
    try:
        archive = filelimits.open_zip(data)
        filelimits.scan_xml_members(archive)
        mimetype = archive.read("mimetype").decode("utf-8", "replace")
        if mimetype != _ODS_MIMETYPE:
            raise InterchangeError(
                "file ODS",
                f"non è un foglio di calcolo OpenDocument (.ods): tipo «{mimetype}»",
            )
        with archive.open("content.xml") as content:
            return _ods_sheets(content)
    except filelimits.FileLimitError as exc:
        raise _limit_error(exc, "file ODS") from None
    except unreadable as exc:
        raise InterchangeError(
            "file ODS", f"non è un foglio di calcolo OpenDocument (.ods) leggibile ({exc})"
        ) from exc
