"""The plan as a workbook (XLSX or ODS) that a planning office edits in Excel or LibreOffice.

One sheet per level of the plan, with Italian sheet and column names (see
``docs/interchange.md``): ``Piano``, ``Ambiti``, ``Obiettivi strategici``, ``Obiettivi operativi``,
``Indicatori``, ``Unità organizzative``, ``Variabili``, ``Assegnazioni``, ``Fondo incentivante``.
Rows come in the order of the document; the loader rebuilds the tree by codes (an objective names
its area or strategic objective, an indicator its operational objective) and refuses, with an
:class:`InterchangeError` naming sheet, row and column, anything it cannot place. Workbooks made
from older templates, without the ``Variabili`` sheet or the indicator columns ``Chiave``,
``Andamento`` and ``Rilevato alle date``, still load (no variables; the dataclass defaults).

Every value is written as text, as printed (``"12,5%"``, ``"n.d."``, ``"30/11/2022"``), in
cells formatted as text, so what the office types there stays text too. When a user types a
number or a date all the same, the spreadsheet stores a number; the loader turns it back into
Italian text by the one rule of every spreadsheet reader (``performa.cells``: ``0.125`` shown
as a percent is ``"12,5%"``, ``1500`` is ``"1500"``, a date ``"30/11/2022"``, TRUE ``"si"``).
A cell holding a spreadsheet error (``#DIV/0!``) is refused; a formula is read through the
value the spreadsheet computed and saved.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from performa import filelimits
from performa.cells import Sheet, is_long, ods, text_cell, xlsx
from performa.plans.document import (
    Assignment,
    FundShare,
    IncentiveFund,
    IndicatorDoc,
    OperationalObjectiveDoc,
    OrgUnitDoc,
    PlanDocument,
    StrategicAreaDoc,
    StrategicObjectiveDoc,
    VariableDoc,
    VersionDoc,
)
from performa.plans.errors import InterchangeError

__all__ = [
    "SHEET_NAMES",
    "dump_ods",
    "dump_xlsx",
    "load_ods",
    "load_xlsx",
]

# --------------------------------------------------------------------------------------------
# Layout

SHEET_PLAN = "Piano"
SHEET_AREAS = "Ambiti"
SHEET_STRATEGIC = "Obiettivi strategici"
SHEET_OPERATIONAL = "Obiettivi operativi"
SHEET_INDICATORS = "Indicatori"
SHEET_ORG_UNITS = "Unità organizzative"
SHEET_VARIABLES = "Variabili"
SHEET_ASSIGNMENTS = "Assegnazioni"
SHEET_FUND = "Fondo incentivante"

SHEET_NAMES = (
    SHEET_PLAN,
    SHEET_AREAS,
    SHEET_STRATEGIC,
    SHEET_OPERATIONAL,
    SHEET_INDICATORS,
    SHEET_ORG_UNITS,
    SHEET_VARIABLES,
    SHEET_ASSIGNMENTS,
    SHEET_FUND,
)
# Sheets added after the first templates: a workbook without them still loads (no variables).
OPTIONAL_SHEETS = frozenset({SHEET_VARIABLES})

# Key/value sheets: a header row "Voce" / "Valore" (optional on import), then one row per key.
KEY_COLUMN = "Voce"
VALUE_COLUMN = "Valore"
PLAN_KEYS = (
    "Ente",
    "Anno",
    "Triennio",
    "Organo",
    "Numero delibera",
    "Data delibera",
    "Stato",
    "Titolo",
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

_YES = ("si", "sì", "sí")
_NO = ("no",)


@dataclass(frozen=True)
class _Column:
    name: str
    required: bool = False
    aliases: tuple[str, ...] = ()


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
)
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
    """The plan as an Excel workbook (every cell text, bold frozen headers)."""
    return xlsx.write(_plan_to_sheets(doc))


def load_xlsx(data: bytes) -> PlanDocument:
    """Read a plan from an Excel workbook; raises InterchangeError naming sheet/row/column."""
    return _sheets_to_plan(_read_xlsx(data))


def dump_ods(doc: PlanDocument) -> bytes:
    """The plan as an OpenDocument spreadsheet (every cell a string cell)."""
    return ods.write(_plan_to_sheets(doc))


def load_ods(data: bytes) -> PlanDocument:
    """Read a plan from an OpenDocument spreadsheet; raises InterchangeError like load_xlsx."""
    return _sheets_to_plan(_read_ods(data))


# --------------------------------------------------------------------------------------------
# Plan → sheets (format-independent)


def _sheet(name: str, rows: list[list[str]], header_rows: tuple[int, ...] = (0,)) -> Sheet:
    """A sheet of the template: every cell text (``performa.cells`` formats even the empty
    ones as text), bold frozen headers, and a column with long text wrapped as a whole."""
    wrapped = {
        col
        for index, row in enumerate(rows)
        if index not in header_rows
        for col, value in enumerate(row)
        if is_long(value)
    }
    cells = [[text_cell(value) for value in row] for row in rows]
    return Sheet(name, cells, bold_rows=header_rows, wrapped_columns=wrapped, template=True)


def _yes_no_text(flag: bool) -> str:
    return "si" if flag else "no"


def _plan_to_sheets(doc: PlanDocument) -> list[Sheet]:
    version = doc.version
    start, end = doc.triennium
    plan_rows = [
        [KEY_COLUMN, VALUE_COLUMN],
        ["Ente", doc.body],
        ["Anno", str(doc.year)],
        ["Triennio", f"{start}-{end}" if (start, end) != (0, 0) else ""],
        ["Organo", version.organ],
        ["Numero delibera", version.number],
        ["Data delibera", version.date],
        ["Stato", STATUS_WORDS.get(version.status, version.status)],
        ["Titolo", version.title],
    ]

    area_rows = [[c.name for c in AREA_COLUMNS]]
    strategic_rows = [[c.name for c in STRATEGIC_COLUMNS]]
    operational_rows = [[c.name for c in OPERATIONAL_COLUMNS]]
    years = sorted({year for ind in doc.indicators() for year in ind.targets})
    if not years and doc.year:
        years = [doc.year]  # a column where the office can type the targets
    indicator_rows = [
        [c.name for c in INDICATOR_COLUMNS_BEFORE_TARGETS]
        + [f"{TARGET_PREFIX} {year}" for year in years]
        + [c.name for c in INDICATOR_COLUMNS_AFTER_TARGETS]
    ]
    for area in doc.areas:
        area_rows.append([area.code, area.title])
        for so in area.objectives:
            strategic_rows.append(
                [
                    so.code,
                    so.title,
                    area.code,
                    so.mission,
                    so.programme,
                    so.function,
                    so.perspective,
                    so.common_objective,
                ]
            )
            for op in so.operational:
                operational_rows.append(
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
                    ]
                )
                for number, ind in enumerate(op.indicators, start=1):
                    indicator_rows.append(
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
                        ]
                        + [ind.targets.get(year, "") for year in years]
                        + [
                            ind.weight,
                            ind.formula,
                            ind.source,
                            ind.office,
                            ind.key,
                            ACCUMULATION_WORDS.get(ind.accumulation, ind.accumulation),
                            ind.measured_at,
                        ]
                    )

    org_rows = [[c.name for c in ORG_UNIT_COLUMNS]] + [
        [unit.name, KIND_WORDS.get(unit.kind, unit.kind), unit.parent, unit.fte]
        for unit in doc.org_units
    ]
    variable_rows = [[c.name for c in VARIABLE_COLUMNS]] + [
        [variable.name, variable.description, variable.unit, variable.source, variable.office]
        for variable in doc.variables
    ]
    assignment_rows = [[c.name for c in ASSIGNMENT_COLUMNS]]
    for assignment in doc.assignments:
        if not assignment.objectives:
            assignment_rows.append([assignment.area, ""])
        for title in assignment.objectives:
            assignment_rows.append([assignment.area, title])

    fund = doc.incentive_fund
    fund_rows = [
        [KEY_COLUMN, VALUE_COLUMN],
        ["Totale", fund.total],
        ["Descrizione", fund.description],
        [],
        [c.name for c in SHARE_COLUMNS],
    ] + [[share.strategic_objective, share.amount] for share in fund.shares]

    return [
        _sheet(SHEET_PLAN, plan_rows),
        _sheet(SHEET_AREAS, area_rows),
        _sheet(SHEET_STRATEGIC, strategic_rows),
        _sheet(SHEET_OPERATIONAL, operational_rows),
        _sheet(SHEET_INDICATORS, indicator_rows),
        _sheet(SHEET_ORG_UNITS, org_rows),
        _sheet(SHEET_VARIABLES, variable_rows),
        _sheet(SHEET_ASSIGNMENTS, assignment_rows),
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

    def accumulation(self, column: str) -> str:
        word = self.get(column).strip()
        if not word:
            return "stock"
        accumulation = _ACCUMULATION_READ.get(_normal(word))
        if accumulation is None:
            raise InterchangeError(
                self.location(column),
                f"andamento «{word}» non valido (ammessi: puntuale, cumulato)",
            )
        return accumulation

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
    sheet: _SheetIn, keys: Sequence[str], stop_at: str | None = None
) -> tuple[dict[str, _Record], list[tuple[int, list[_Cell]]]]:
    """Rows "Voce | Valore" until a row whose first cell is ``stop_at``; returns the rest too."""
    by_name = {_normal(key): key for key in keys}
    found: dict[str, _Record] = {}
    rows = sheet.rows
    for position, (row_number, cells) in enumerate(rows):
        label = _text_of(cells[0], sheet.name, row_number, KEY_COLUMN) if cells else ""
        if stop_at is not None and _normal(label) == _normal(stop_at):
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
    for name in SHEET_NAMES:
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


def _sheets_to_plan(sheet_list: Sequence[_SheetIn]) -> PlanDocument:
    sheets = _find_sheets(sheet_list)

    # Piano
    plan, _ = _read_key_values(sheets[SHEET_PLAN], PLAN_KEYS)

    def plan_value(key: str) -> str:
        return plan[key].get(VALUE_COLUMN) if key in plan else ""

    for key in ("Ente", "Anno"):
        if key not in plan:
            raise InterchangeError(f"foglio {SHEET_PLAN}", f"manca la voce «{key}»")
    body = plan["Ente"].required(VALUE_COLUMN)
    year_text = plan["Anno"].required(VALUE_COLUMN).strip()
    if not _YEAR.fullmatch(year_text):
        raise InterchangeError(
            plan["Anno"].location(VALUE_COLUMN), f"anno «{year_text}» non valido (attese 4 cifre)"
        )
    triennium = (0, 0)
    triennium_text = plan_value("Triennio").strip()
    if triennium_text:
        match = _TRIENNIUM.fullmatch(triennium_text)
        if not match or int(match.group(1)) > int(match.group(2)):
            raise InterchangeError(
                plan["Triennio"].location(VALUE_COLUMN),
                f"triennio «{triennium_text}» non valido (atteso ad esempio «2022-2024»)",
            )
        triennium = (int(match.group(1)), int(match.group(2)))
    status = "adopted"
    status_text = plan_value("Stato").strip()
    if status_text:
        if _normal(status_text) not in _STATUS_READ:
            raise InterchangeError(
                plan["Stato"].location(VALUE_COLUMN),
                f"stato «{status_text}» non valido (ammessi: bozza, adottato, superato)",
            )
        status = _STATUS_READ[_normal(status_text)]
    version = VersionDoc(
        organ=plan_value("Organo"),
        number=plan_value("Numero delibera"),
        date=plan_value("Data delibera"),
        status=status,
        title=plan_value("Titolo"),
    )

    # Ambiti
    areas: dict[str, tuple[StrategicAreaDoc, int]] = {}
    for record in _read_table(sheets[SHEET_AREAS], AREA_COLUMNS).records:
        code = record.required("Codice")
        if code in areas:
            raise _duplicate(record, "Codice", areas[code][1])
        areas[code] = (StrategicAreaDoc(code=code, title=record.get("Titolo")), record.row)

    # Obiettivi strategici
    strategic: dict[str, tuple[StrategicObjectiveDoc, int]] = {}
    for record in _read_table(sheets[SHEET_STRATEGIC], STRATEGIC_COLUMNS).records:
        code = record.required("Codice")
        if code in strategic:
            raise _duplicate(record, "Codice", strategic[code][1])
        area_code = record.required("Ambito")
        if area_code not in areas:
            raise InterchangeError(
                record.location("Ambito"),
                f"ambito «{area_code}» sconosciuto: non è nel foglio {SHEET_AREAS}",
            )
        so = StrategicObjectiveDoc(
            code=code,
            title=record.get("Titolo"),
            mission=record.get("Missione"),
            programme=record.get("Programma"),
            function=record.get("Funzione"),
            perspective=record.get("Prospettiva"),
            common_objective=record.get("Obiettivo comune"),
        )
        areas[area_code][0].objectives.append(so)
        strategic[code] = (so, record.row)

    # Obiettivi operativi
    operational: dict[str, tuple[OperationalObjectiveDoc, int]] = {}
    for record in _read_table(sheets[SHEET_OPERATIONAL], OPERATIONAL_COLUMNS).records:
        code = record.required("Codice")
        if code in operational:
            raise _duplicate(record, "Codice", operational[code][1])
        so_code = record.required("Obiettivo strategico")
        if so_code not in strategic:
            raise InterchangeError(
                record.location("Obiettivo strategico"),
                f"obiettivo strategico «{so_code}» sconosciuto: non è nel foglio {SHEET_STRATEGIC}",
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
        )
        strategic[so_code][0].operational.append(op)
        operational[code] = (op, record.row)

    # Indicatori
    indicator_columns = INDICATOR_COLUMNS_BEFORE_TARGETS + INDICATOR_COLUMNS_AFTER_TARGETS
    table = _read_table(sheets[SHEET_INDICATORS], indicator_columns, targets=True)
    for record in table.records:
        op_code = record.required("Obiettivo operativo")
        if op_code not in operational:
            raise InterchangeError(
                record.location("Obiettivo operativo"),
                f"obiettivo operativo «{op_code}» sconosciuto: non è nel foglio "
                f"{SHEET_OPERATIONAL}",
            )
        targets: dict[int, str] = {}
        for year in table.target_years:
            value = record.get(f"{TARGET_PREFIX} {year:04d}")
            if value.strip():
                targets[year] = value
        operational[op_code][0].indicators.append(
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
            )
        )

    # Unità organizzative
    org_units: list[OrgUnitDoc] = []
    for record in _read_table(sheets[SHEET_ORG_UNITS], ORG_UNIT_COLUMNS).records:
        kind_text = record.required("Tipo").strip()
        kind = _KIND_READ.get(_normal(kind_text))
        if kind is None:
            raise InterchangeError(
                record.location("Tipo"), f"tipo «{kind_text}» non valido (ammessi: area, ufficio)"
            )
        org_units.append(
            OrgUnitDoc(
                name=record.required("Nome"),
                kind=kind,
                parent=record.get("Area"),
                fte=record.get("FTE"),
            )
        )

    # Variabili (an older workbook may not have the sheet)
    variables: dict[str, tuple[VariableDoc, int]] = {}
    if SHEET_VARIABLES in sheets:
        for record in _read_table(sheets[SHEET_VARIABLES], VARIABLE_COLUMNS).records:
            name = record.required("Nome")
            if name in variables:
                raise InterchangeError(
                    record.location("Nome"),
                    f"variabile «{name}» ripetuta (già alla riga {variables[name][1]})",
                )
            variable = VariableDoc(
                name=name,
                description=record.get("Descrizione"),
                unit=record.get("UdM"),
                source=record.get("Fonte"),
                office=record.get("Ufficio"),
            )
            variables[name] = (variable, record.row)

    # Assegnazioni: consecutive rows of one Area form one group; an empty Area continues
    # the group above (as in the printed table).
    assignments: list[Assignment] = []
    for record in _read_table(sheets[SHEET_ASSIGNMENTS], ASSIGNMENT_COLUMNS).records:
        area = record.get("Area")
        if not area.strip():
            if not assignments:
                area = record.required("Area")  # nothing above to continue: refused
            area = assignments[-1].area
        if not assignments or assignments[-1].area != area:
            assignments.append(Assignment(area=area))
        objective = record.get("Obiettivo")
        if objective.strip():
            assignments[-1].objectives.append(objective)

    # Fondo incentivante
    fund_sheet = sheets[SHEET_FUND]
    fund_values, share_rows = _read_key_values(fund_sheet, FUND_KEYS, stop_at=SHARE_COLUMNS[0].name)
    shares: list[FundShare] = []
    if share_rows:
        for record in _read_table(fund_sheet, SHARE_COLUMNS, share_rows).records:
            shares.append(
                FundShare(
                    strategic_objective=record.required("Obiettivo strategico"),
                    amount=record.get("Importo"),
                )
            )
    fund = IncentiveFund(
        total=fund_values["Totale"].get(VALUE_COLUMN) if "Totale" in fund_values else "",
        description=(
            fund_values["Descrizione"].get(VALUE_COLUMN) if "Descrizione" in fund_values else ""
        ),
        shares=shares,
    )

    return PlanDocument(
        body=body,
        year=int(year_text),
        triennium=triennium,
        version=version,
        areas=[area for area, _ in areas.values()],
        org_units=org_units,
        variables=[variable for variable, _ in variables.values()],
        assignments=assignments,
        incentive_fund=fund,
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
