"""Values from a CSV or XLSX file: every row checked first, then all stored or none.

Columns (Italian headers, any order, case-insensitive):

- ``Data`` — the period's date, ``30/06/2022``;
- ``Variabile`` — a variable's name, **or** ``Obiettivo`` + ``Indicatore`` — the card code and
  the indicator's position on the card (1, 2, …) for indicators measured directly;
- ``Valore`` — as people write it (``1.500``, ``88%``, ``n.d.``, ``si``, ``30/11/2022``);
- optional ``Nota`` and ``Motivo n.d.`` (required when the value is n.d.).

CSV may be separated by ``;`` (what Excel writes in Italy) or ``,``. An XLSX cell holding a
number or a date is read by the cell's number format, with the rule of the plan workbook
(``performa.cells``): ``0.125`` shown as ``12,5%`` is ``12,5%``, a date ``30/06/2022``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import load_workbook

from performa import audit, filelimits
from performa.cells import xlsx
from performa.engine.values import ValueParseError, parse_value
from performa.plans.models import Body, Indicator, Variable
from performa.text import refuse_nul

from . import actions, computing
from .models import CHANGE_REASON_MAX_LENGTH, Period

# Rows one API bulk upload may carry: a whole period of a large chamber (~600 indicators,
# ~1.000 variables) fits; more would keep one transaction open for tens of seconds, which on
# SQLite holds every other office's save in the queue.
BULK_MAX_VALUES = 2000

REQUIRED = ("data", "valore")
KNOWN = ("data", "variabile", "obiettivo", "indicatore", "valore", "nota", "motivo n.d.")


class ValuesFileError(ValueError):
    def __init__(self, row: int, column: str, reason: str) -> None:
        self.row, self.column, self.reason = row, column, reason
        place = f"riga {row}, colonna «{column}»" if column else f"riga {row}"
        super().__init__(f"{place}: {reason}")


@dataclass
class Row:
    number: int
    cells: dict[str, str]


def read_rows(data: bytes, name: str) -> list[Row]:
    """The file's rows as text cells keyed by lower-case header; row numbers as in the file.

    The file limits (``performa.filelimits``: size, zip bomb, rows and columns) are checked
    before the work, and rows are read one at a time, so a forged file is refused instead of
    taking the memory and minutes of the whole server.
    """
    try:
        filelimits.check_file_size(len(data))
        table = _xlsx_table(data) if name.lower().endswith(".xlsx") else _csv_table(data)
    except filelimits.FileLimitError as error:
        where = f"foglio «{error.sheet}»: " if error.sheet else ""
        raise ValuesFileError(error.row or 1, "", where + error.reason) from None
    if not table:
        raise ValuesFileError(1, "", "il file è vuoto")
    headers = [h.strip().lower() for h in table[0]]
    for required in REQUIRED:
        if required not in headers:
            raise ValuesFileError(1, required.capitalize(), "colonna mancante")
    unknown = [h for h in headers if h and h not in KNOWN]
    if unknown:
        raise ValuesFileError(1, unknown[0], "colonna sconosciuta")
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(str(c).strip() for c in cells):
            continue
        # A row may end before the last column (CSV, or an XLSX row read as long as it is).
        cells = [*cells, *[""] * (len(headers) - len(cells))]
        for header, cell in zip(headers, cells, strict=False):
            try:
                refuse_nul(str(cell))
            except ValueError as error:
                raise ValuesFileError(number, header.capitalize(), str(error)) from None
        rows.append(Row(number, {h: str(c).strip() for h, c in zip(headers, cells, strict=False)
                                 if h}))
    return rows


def _xlsx_table(data: bytes) -> list[list[str]]:
    """The first sheet's rows, streamed by openpyxl (read-only) once the limits are checked."""
    from xml.etree.ElementTree import ParseError

    from openpyxl.utils.exceptions import InvalidFileException

    unreadable: tuple[type[Exception], ...] = (
        InvalidFileException, KeyError, ValueError, ParseError, IndexError,
        *filelimits.UNREADABLE_ZIP,
    )
    try:
        archive = filelimits.open_zip(data)
        filelimits.scan_xml_members(archive, filelimits.xlsx_sheet_names(archive))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except filelimits.FileLimitError:
        raise
    except unreadable:
        raise ValuesFileError(1, "", "il file non è una cartella di lavoro Excel (.xlsx) "
                                     "leggibile") from None
    try:
        sheet = workbook.worksheets[0]
        table: list[list[str]] = []
        # Cells, not values_only: the number format says what a number means (0.125 shown
        # as 12,5% is "12,5%", not "0,125", which under a % unit would be 0,125%).
        for number, row in xlsx.rows(sheet):  # sized by its rows, not by its <dimension>
            if number > filelimits.MAX_ROWS:  # the scan refused such rows already
                raise filelimits.FileLimitError(
                    f"oltre il limite di {filelimits.italian_count(filelimits.MAX_ROWS)} righe",
                    sheet=sheet.title, row=number)
            table.append([xlsx.text(c) for c in row])
        return table
    except (filelimits.FileLimitError, ValuesFileError):
        raise
    except unreadable:
        raise ValuesFileError(1, "", "il file non è una cartella di lavoro Excel (.xlsx) "
                                     "leggibile") from None
    finally:
        workbook.close()


def _csv_table(data: bytes) -> list[list[str]]:
    """The CSV's records, one at a time, refused past MAX_ROWS rows or MAX_COLUMNS columns."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValuesFileError(1, "", "il file non è un CSV in UTF-8") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    table: list[list[str]] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for cells in reader:
            number = len(table) + 1
            if number > filelimits.MAX_ROWS:
                raise filelimits.FileLimitError(
                    f"oltre il limite di {filelimits.italian_count(filelimits.MAX_ROWS)} righe",
                    row=number)
            if len(cells) > filelimits.MAX_COLUMNS:
                raise filelimits.FileLimitError(
                    f"{len(cells)} colonne, oltre il limite di {filelimits.MAX_COLUMNS}",
                    row=number)
            table.append(cells)
    except csv.Error as error:  # a field longer than csv.field_size_limit(), …
        raise ValuesFileError(reader.line_num, "", f"CSV non leggibile ({error})") from None
    return table


_COLUMNS = {"not_available_reason": "Motivo n.d.", "note": "Nota"}


def _reason(name: str) -> str:
    """The audit reason naming the file, within the history column's limit however long the
    file's name."""
    room = CHANGE_REASON_MAX_LENGTH - len("importazione da «»")
    return f"importazione da «{name if len(name) <= room else name[:room - 1] + '…'}»"


@transaction.atomic
def import_values(user: Any, body: Body, data: bytes, name: str) -> int:
    """Store every row or none; returns the number of values stored."""
    rows = read_rows(data, name)
    periods = {f"{p.date:%d/%m/%Y}": p for p in Period.objects.filter(cycle__body=body)}
    touched: set[int] = set()
    for row in rows:
        period = _period(row, periods)
        owner = find_owner(row, period)
        try:
            actions.enter_value(
                user, period, owner, row.cells["valore"], note=row.cells.get("nota", ""),
                not_available_reason=row.cells.get("motivo n.d.", ""),
                reason=_reason(name), recompute=False,
            )
        except ValidationError as error:
            fields = getattr(error, "error_dict", {})
            column = next((c for f, c in _COLUMNS.items() if f in fields), "Valore")
            raise ValuesFileError(row.number, column, "; ".join(error.messages)) from None
        touched.add(period.pk)
    for period in Period.objects.filter(pk__in=touched):
        computing.store_results(period, audit.account_of(user))
    return len(rows)


def _period(row: Row, periods: dict[str, Period]) -> Period:
    text = row.cells.get("data", "")
    try:
        day = parse_value(text, "data").day
    except ValueParseError as error:
        raise ValuesFileError(row.number, "Data", error.reason) from None
    period = periods.get(f"{day:%d/%m/%Y}") if day else None
    if period is None:
        raise ValuesFileError(row.number, "Data", f"nessuna rilevazione al {text}")
    return period


def find_owner(row: Row, period: Period) -> Variable | Indicator:
    name = row.cells.get("variabile", "")
    if name:
        variable = period.cycle.variables.filter(name=name).first()
        if variable is None:
            raise ValuesFileError(row.number, "Variabile", f"variabile «{name}» non definita")
        return variable
    code, position = row.cells.get("obiettivo", ""), row.cells.get("indicatore", "")
    if not code:
        raise ValuesFileError(row.number, "Variabile",
                              "indicare la variabile oppure obiettivo e indicatore")
    if not position.isdigit() or int(position) < 1:
        raise ValuesFileError(row.number, "Indicatore",
                              f"«{position}»: indicare la posizione nella scheda (1, 2, …)")
    indicators = list(Indicator.objects.filter(
        version=period.cycle.current_version(), operational_objective__code=code))
    if not indicators:
        raise ValuesFileError(row.number, "Obiettivo", f"obiettivo «{code}» non nel piano")
    if int(position) > len(indicators):
        raise ValuesFileError(row.number, "Indicatore",
                              f"la scheda {code} ha {len(indicators)} indicatori")
    indicator = indicators[int(position) - 1]
    if indicator.formula:
        raise ValuesFileError(row.number, "Indicatore",
                              f"«{indicator.name}» si calcola con una formula: inserire le "
                              "variabili")
    return indicator
