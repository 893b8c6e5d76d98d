"""A body's budget series as a CSV or XLSX sheet in long form, both ways.

One amount per row, so that a chamber can load its own bilancio from whatever its accounting
exports (columns in any order, Italian headers, case-insensitive):

- ``Schema`` — the table: its code (``CE``, ``SP``, ``BD``…) or title («Conto economico»);
- ``Voce`` — the item code (``A1``, ``PN``), named ``SCHEMA.VOCE`` in the index formulas;
- ``Descrizione`` — the label as the bilancio prints it;
- ``Funzione`` — optional: ``A``-``D`` (DPR 254/2005, Allegato A) or «A) Organi…»;
- ``Centro di costo`` — optional: the code of one of the body's cost centres;
- ``Anno``, ``Tipo`` (preventivo, preconsuntivo, consuntivo), ``Importo`` (``2.314.115,97``,
  ``€ 2.314.115,97``; a cell holding a number is read by its format, ``performa.cells``).

Every row is checked before anything is stored; a problem names the row and the column. CSV
may be separated by ``;`` (what Excel writes in Italy) or ``,``. :func:`dump_csv` and
:func:`dump_xlsx` write the same columns, so an export imports back unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import Final

from performa import filelimits
from performa.budget.document import (
    KINDS,
    RATIO_SCHEMES,
    SCHEMES,
    BudgetDocument,
    BudgetError,
    BudgetLine,
    check_lines,
)
from performa.cells import Cell, Sheet, text_cell, value_cell, xlsx
from performa.engine.values import ValueParseError, format_money, format_number, parse_money

__all__ = ["COLUMNS", "dump_csv", "dump_xlsx", "load_budget_file"]

# Header -> attribute; the order is the order written.
COLUMNS: Final[dict[str, str]] = {
    "Schema": "scheme",
    "Voce": "item",
    "Descrizione": "label",
    "Funzione": "function",
    "Centro di costo": "cost_centre",
    "Anno": "year",
    "Tipo": "kind",
    "Importo": "amount",
}
_OPTIONAL: Final = frozenset({"funzione", "centro di costo"})
_FUNCTION_RE: Final = re.compile(r"([A-Da-d])(?:\)|\s|$).*")
SHEET: Final = "Bilancio"


def _place(row: int, column: str = "") -> str:
    return f"riga {row}, colonna «{column}»" if column else f"riga {row}"


def _scheme(text: str, row: int) -> str:
    wanted = " ".join(text.split()).casefold()
    for code, title in SCHEMES.items():
        if wanted in {code.casefold(), title.casefold()}:
            return code
    raise BudgetError(_place(row, "Schema"), f"schema «{text}» sconosciuto (ammessi: "
                                              f"{', '.join(SCHEMES)})")


def _function(text: str, row: int) -> str:
    if not text:
        return ""
    found = _FUNCTION_RE.fullmatch(text.strip())
    if not found:
        raise BudgetError(_place(row, "Funzione"), f"funzione «{text}» sconosciuta (ammesse: "
                                                    "A, B, C, D)")
    return found.group(1).upper()


def _year(text: str, row: int) -> int:
    if not re.fullmatch(r"\d{4}", text):
        raise BudgetError(_place(row, "Anno"), f"anno «{text}» non valido (es. 2022)")
    return int(text)


def _kind(text: str, row: int) -> str:
    kind = text.strip().casefold()
    if kind not in KINDS:
        raise BudgetError(_place(row, "Tipo"), f"tipo «{text}» sconosciuto (ammessi: "
                                               f"{', '.join(KINDS)})")
    return kind


def _amount(text: str, row: int) -> Decimal:
    try:
        amount = parse_money(text)
    except ValueParseError as error:
        raise BudgetError(_place(row, "Importo"), str(error)) from None
    if amount is None:
        raise BudgetError(_place(row, "Importo"), "importo mancante")
    return amount


def load_budget_file(data: bytes, fmt: str) -> BudgetDocument:
    """The rows of a CSV or XLSX file (``fmt``: ``"csv"`` or ``"xlsx"``) as a budget document."""
    try:
        filelimits.check_file_size(len(data))
        table = _xlsx_table(data) if fmt == "xlsx" else _csv_table(data)
    except filelimits.FileLimitError as error:
        where = f"foglio «{error.sheet}», " if error.sheet else ""
        raise BudgetError(f"{where}riga {error.row or 1}", error.reason) from None
    if not table:
        raise BudgetError("riga 1", "il file è vuoto")
    headers = [" ".join(str(h).split()).casefold() for h in table[0]]
    known = {h.casefold(): attr for h, attr in COLUMNS.items()}
    for header in COLUMNS:
        if header.casefold() not in headers and header.casefold() not in _OPTIONAL:
            raise BudgetError(_place(1, header), "colonna mancante")
    for header in headers:
        if header and header not in known:
            raise BudgetError(_place(1, header), "colonna sconosciuta")
    lines = []
    for row, cells in enumerate(table[1:], start=2):
        if not any(str(c).strip() for c in cells):
            continue
        values = {known[h]: str(c).strip() for h, c in zip(headers, cells, strict=False) if h}
        for attr, text in values.items():
            if "\x00" in text:
                header = next(h for h, a in COLUMNS.items() if a == attr)
                raise BudgetError(_place(row, header), "il testo contiene il carattere NUL")
        lines.append(BudgetLine(
            scheme=_scheme(values.get("scheme", ""), row),
            item=values.get("item", ""),
            label=values.get("label", ""),
            function=_function(values.get("function", ""), row),
            cost_centre=values.get("cost_centre", ""),
            year=_year(values.get("year", ""), row),
            kind=_kind(values.get("kind", ""), row),
            amount=_amount(values.get("amount", ""), row),
            place=_place(row),
        ))
    check_lines(lines)
    return BudgetDocument(lines=lines, source=f"{len(lines)} righe")


def _csv_table(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BudgetError("riga 1", "il file non è un CSV in UTF-8") from None
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
    except csv.Error as error:
        raise BudgetError(f"riga {reader.line_num}", f"CSV non leggibile ({error})") from None
    return table


def _xlsx_table(data: bytes) -> list[list[str]]:
    """The first sheet's rows as text (``performa.cells``), once the file limits pass."""
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable: tuple[type[Exception], ...] = (
        InvalidFileException, KeyError, ValueError, ParseError, IndexError,
        *filelimits.UNREADABLE_ZIP,
    )
    refused = BudgetError("riga 1", "il file non è una cartella di lavoro Excel (.xlsx) "
                                    "leggibile")
    try:
        archive = filelimits.open_zip(data)
        filelimits.scan_xml_members(archive, filelimits.xlsx_sheet_names(archive))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except filelimits.FileLimitError:
        raise
    except unreadable:
        raise refused from None
    try:
        sheet = workbook.worksheets[0]
        table: list[list[str]] = []
        for number, row in xlsx.rows(sheet):
            if number > filelimits.MAX_ROWS:
                raise filelimits.FileLimitError(
                    f"oltre il limite di {filelimits.italian_count(filelimits.MAX_ROWS)} righe",
                    sheet=sheet.title, row=number)
            for column, cell in enumerate(row, 1):
                if xlsx.is_error(cell):
                    header = table[0][column - 1] if table and column <= len(table[0]) else ""
                    raise BudgetError(_place(number, header), f"errore di calcolo "
                                                              f"«{xlsx.text(cell)}» nella cella")
            table.append([xlsx.text(c) for c in row])
        return table
    except (filelimits.FileLimitError, BudgetError):
        raise
    except unreadable:
        raise refused from None
    finally:
        workbook.close()


def _amount_text(line: BudgetLine) -> str:
    return format_number(float(line.amount), 2)


def dump_csv(doc: BudgetDocument) -> bytes:
    """The document as a CSV separated by ``;``, with a BOM so that Excel reads it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for line in doc.lines:
        writer.writerow([line.scheme, line.item, line.label, line.function, line.cost_centre,
                         str(line.year), line.kind, _amount_text(line)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def dump_xlsx(doc: BudgetDocument) -> bytes:
    """The document as an XLSX sheet: amounts are numbers with the euro format (ratios,
    the printed indices, plain numbers), so the spreadsheet can sum them."""
    rows: list[list[Cell]] = [[text_cell(h) for h in COLUMNS]]
    for line in doc.lines:
        shown = (format_number(float(line.amount), 2) if line.scheme in RATIO_SCHEMES
                 else format_money(line.amount))
        rows.append([text_cell(line.scheme), text_cell(line.item), text_cell(line.label),
                     text_cell(line.function), text_cell(line.cost_centre),
                     text_cell(str(line.year)), text_cell(line.kind),
                     value_cell(line.amount, shown)])
    return xlsx.write([Sheet(SHEET, rows)])
