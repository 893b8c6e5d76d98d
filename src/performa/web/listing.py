"""Every list of the app can be filtered, sorted and exported the same way.

A planning office lives in spreadsheets: whatever a page lists, it must be able to narrow,
order and take to Excel with the same figures the page shows. Rows arrive already limited by
the caller to what the user may see, so filtering and sorting happen here in Python on the
row objects; lists are a few hundred rows at most (372 indicators for the largest body).

Usage in a view::

    columns = [Column("codice", "Codice", lambda i: i.code, filter="text"), ...]
    found = listing.table(request, indicators, columns, caption="Indicatori",
                          filename="indicatori-2022")
    if isinstance(found, HttpResponse):
        return found  # ?esporta=csv|xlsx|ods
    return render(request, "...", {"table": found})

and in the template ``{% include "web/partials/table.html" with table=table %}``. Column keys
are query parameters (``?ordina=<key>``, ``?<key>=<filter>``): keep them clear of the page's
own parameters (``anno``, ``rilevazione``, ``ordina``, ``esporta``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse

from performa import cells
from performa.engine.values import format_number

SORT = "ordina"
EXPORT = "esporta"
NOT_AVAILABLE = "n.d."
ROME = ZoneInfo("Europe/Rome")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_FLOAT_DECIMALS = 2


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    value: Callable[[Any], Any]
    display: Callable[[Any], str] | None = None
    sortable: bool = True
    filter: Literal["text", "choice", None] = None
    link: Callable[[Any], str] | None = None

    def text(self, row: Any) -> str:
        """What the page shows (and the CSV holds) for this row."""
        if self.display is not None:
            return self.display(row)
        return italian(self.value(row))


@dataclass
class Header:
    column: Column
    url: str
    aria_sort: str  # "ascending", "descending" or "" (not sorted on this column)


@dataclass
class FilterField:
    column: Column
    value: str
    options: list[str]
    id: str


@dataclass
class Cell:
    text: str
    link: str
    missing: bool  # None: shown as "n.d."


@dataclass
class Line:
    row: Any
    cells: list[Cell]


@dataclass
class Table:
    columns: list[Column]
    rows: list[Any]
    total: int
    sort: str
    filters: dict[str, str]
    caption: str
    choices: dict[str, list[str]]
    # The page's other query parameters (?anno=, ?rilevazione=), kept by every link.
    keep: list[tuple[str, str]] = field(default_factory=list)

    def header_url(self, key: str) -> str:
        """Sort on ``key``; asked again, the other way round. Filters are kept."""
        order = f"-{key}" if self.sort == key else key
        return self._url(sort=order)

    def export_url(self, fmt: str) -> str:
        return self._url(sort=self.sort, extra=[(EXPORT, fmt)])

    def _url(self, sort: str, extra: Iterable[tuple[str, str]] = ()) -> str:
        params = list(self.keep)
        params += [(key, value) for key, value in self.filters.items() if value]
        if sort:
            params.append((SORT, sort))
        params += list(extra)
        return "?" + urlencode(params)

    # What the partial template needs (templates cannot call methods with arguments).

    @property
    def headers(self) -> list[Header]:
        found = []
        for column in self.columns:
            state = ""
            if self.sort == column.key:
                state = "ascending"
            elif self.sort == f"-{column.key}":
                state = "descending"
            url = self.header_url(column.key) if column.sortable else ""
            found.append(Header(column, url, state))
        return found

    @property
    def filter_fields(self) -> list[FilterField]:
        return [
            FilterField(c, self.filters.get(c.key, ""), self.choices.get(c.key, []),
                        f"filtro-{c.key}")
            for c in self.columns if c.filter
        ]

    @property
    def hidden_params(self) -> list[tuple[str, str]]:
        """Kept by the filter form: the page's parameters and the current order."""
        return [*self.keep, *([(SORT, self.sort)] if self.sort else [])]

    @property
    def lines(self) -> list[Line]:
        return [Line(row, [_cell(c, row) for c in self.columns]) for row in self.rows]

    @property
    def filtered(self) -> bool:
        return any(self.filters.values())

    @property
    def clear_url(self) -> str:
        params = list(self.keep) + ([(SORT, self.sort)] if self.sort else [])
        return "?" + urlencode(params)

    @property
    def csv_url(self) -> str:
        return self.export_url("csv")

    @property
    def xlsx_url(self) -> str:
        return self.export_url("xlsx")

    @property
    def ods_url(self) -> str:
        return self.export_url("ods")


def _cell(column: Column, row: Any) -> Cell:
    missing = column.display is None and column.value(row) is None
    return Cell(column.text(row), column.link(row) if column.link else "", missing)


def italian(value: Any) -> str:
    """A value as an Italian reader expects it: 1.500, 2,5, 30/06/2022, sì/no, n.d."""
    if value is None:
        return NOT_AVAILABLE
    if isinstance(value, bool):
        return "sì" if value else "no"
    if isinstance(value, int):
        return format_number(value, 0)
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return format_number(float(value), decimals)
    if isinstance(value, float):
        return format_number(value, _decimals(value))
    if isinstance(value, datetime):
        shown = value.astimezone(ROME) if value.tzinfo else value
        return shown.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _decimals(number: float) -> int:
    """As many decimals as the number has, at most two: 2.5 → 2,5; 1/3 → 0,33."""
    for decimals in range(MAX_FLOAT_DECIMALS):
        if round(number, decimals) == round(number, MAX_FLOAT_DECIMALS):
            return decimals
    return MAX_FLOAT_DECIMALS


def table(request: HttpRequest, rows: Iterable[Any], columns: list[Column], caption: str,
          filename: str) -> Table | HttpResponse:
    """Filter and sort ``rows`` as ``request.GET`` asks; with ``?esporta=`` a download."""
    rows = list(rows)
    by_key = {c.key: c for c in columns}
    filters = {
        c.key: request.GET.get(c.key, "").strip() for c in columns if c.filter
    }
    choices = {
        c.key: sorted({c.text(row) for row in rows}, key=str.casefold)
        for c in columns if c.filter == "choice"
    }
    shown = [row for row in rows if _matches(row, filters, by_key)]
    sort = request.GET.get(SORT, "")
    column = by_key.get(sort.removeprefix("-"))
    if column is None or not column.sortable:
        sort = ""
    else:
        shown = _sorted(shown, column, descending=sort.startswith("-"))
    own = {SORT, EXPORT, *filters}
    keep = [(k, v) for k, values in request.GET.lists() if k not in own for v in values]
    found = Table(columns=columns, rows=shown, total=len(rows), sort=sort, filters=filters,
                  caption=caption, choices=choices, keep=keep)
    fmt = request.GET.get(EXPORT, "")
    if fmt == "csv":
        return _download(to_csv(found), filename, fmt)
    if fmt == "xlsx":
        return _download(to_xlsx(found), filename, fmt)
    if fmt == "ods":
        return _download(to_ods(found), filename, fmt)
    return found


def _matches(row: Any, filters: dict[str, str], columns: dict[str, Column]) -> bool:
    for key, wanted in filters.items():
        if not wanted:
            continue
        column = columns[key]
        text = column.text(row)
        if column.filter == "choice":
            if text != wanted:
                return False
        elif wanted.casefold() not in text.casefold():
            return False
    return True


def _sorted(rows: list[Any], column: Column, descending: bool) -> list[Any]:
    """Sorted on the column's value (text case-insensitively); n.d. always last."""
    present, missing = [], []
    for row in rows:
        (missing if column.value(row) is None else present).append(row)
    present.sort(key=lambda row: _sort_key(column.value(row)), reverse=descending)
    return present + missing


def _sort_key(value: Any) -> tuple[int, Any]:
    # Mixed types in one column would not compare: numbers first, then dates, then text.
    if isinstance(value, bool | int | float | Decimal):
        return (0, float(value))
    if isinstance(value, datetime):
        return (1, value.timestamp())
    if isinstance(value, date):
        return (1, value.toordinal() * 86400.0)
    return (2, str(value).casefold())


def _download(content: bytes, filename: str, fmt: str) -> HttpResponse:
    safe = re.sub(r"[^\w.-]+", "-", filename).strip("-") or "elenco"
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{safe}.{fmt}"'
    return response


def _safe_text(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(found: Table) -> bytes:
    """Semicolons and a BOM: what Excel set to Italian opens straight into columns."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([c.label for c in found.columns])
    for row in found.rows:
        writer.writerow([_csv_text(c, row) for c in found.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_text(column: Column, row: Any) -> str:
    text = column.text(row)
    # A figure such as "-6,34%" stays as it is; typed text never becomes a formula.
    return text if _is_number(column.value(row)) else _safe_text(text)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def to_xlsx(found: Table) -> bytes:
    """Real numbers and dates where the value is one, formatted as the page shows them."""
    return cells.xlsx.write([_sheet(found)])


def to_ods(found: Table) -> bytes:
    """The same sheet in the open format (what LibreOffice, and the law, prefer)."""
    return cells.ods.write([_sheet(found)])


def _sheet(found: Table) -> cells.Sheet:
    """The list as one sheet: the header, then each row as the page shows it (``98%`` stays a
    percent, ``€ 150.000`` an amount, a date a date; n.d. and any text stay text, which
    Excel's sums and averages skip)."""
    title = cells.sheet_name(found.caption)[: cells.SHEET_NAME_MAX].rstrip() or "Elenco"
    header = [cells.text_cell(column.label) for column in found.columns]
    lines = [[_export_cell(column, row) for column in found.columns] for row in found.rows]
    return cells.Sheet(title, [header, *lines])


def _export_cell(column: Column, row: Any) -> cells.Cell:
    value = column.value(row)
    if isinstance(value, datetime) and value.tzinfo:
        value = value.astimezone(ROME).replace(tzinfo=None)  # spreadsheets have no time zones
    return cells.value_cell(value, column.text(row))
