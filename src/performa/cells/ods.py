"""ODS: a cell read as its Italian text (ElementTree), sheets of typed cells written (odfpy).

Reading works on the ``table:table-cell`` elements of ``content.xml`` as ElementTree gives
them: the plan workbook streams them (``interchange.workbook``), because odfpy's object tree
costs about a kilobyte per element. The cell's ``office:value-type`` plays the part of the XLSX
number format: a ``percentage`` of 0.125 is ``"12,5%"``, a ``currency`` in EUR an amount, a
``date`` ``"30/11/2022"``; a string cell, or an amount in another currency, is the text it
shows. Writing gives every typed cell its value, its type and a data style that shows it as
its text, so LibreOffice shows the same figure the page did and can compute with it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from performa.engine.values import format_money

from .reading import datetime_text, number_text, percent_text
from .writing import Cell, Sheet

__all__ = [
    "OFFICE_NS",
    "TABLE_NS",
    "TEXT_NS",
    "VALUE_TYPE",
    "TooManySpaces",
    "add_text",
    "text",
    "write",
]

TABLE_NS: Final = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT_NS: Final = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE_NS: Final = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
VALUE_TYPE: Final = f"{{{OFFICE_NS}}}value-type"
CM_PER_CHAR: Final = 0.21  # a column of n characters is n × 0.21 cm wide

# --------------------------------------------------------------------------------------------
# Reading

_VALUE: Final = f"{{{OFFICE_NS}}}value"
_CURRENCY: Final = f"{{{OFFICE_NS}}}currency"
_DATE_VALUE: Final = f"{{{OFFICE_NS}}}date-value"
_TIME_VALUE: Final = f"{{{OFFICE_NS}}}time-value"
_BOOLEAN_VALUE: Final = f"{{{OFFICE_NS}}}boolean-value"
_PARAGRAPH_TAGS: Final = (f"{{{TEXT_NS}}}p", f"{{{TEXT_NS}}}h")
_SPACES: Final = f"{{{TEXT_NS}}}s"
_SPACES_COUNT: Final = f"{{{TEXT_NS}}}c"
_TAB: Final = f"{{{TEXT_NS}}}tab"
_LINE_BREAK: Final = f"{{{TEXT_NS}}}line-break"
_NOT_THE_VALUE: Final = (f"{{{OFFICE_NS}}}annotation", f"{{{TEXT_NS}}}note")  # comments, notes
_TIME: Final = re.compile(r"-?PT(\d+)H(\d+)M(\d+)(?:[.,]\d+)?S")


class TooManySpaces(ValueError):
    """A ``text:s`` asking for more spaces than the reader allows (a forged file)."""

    def __init__(self, count: int) -> None:
        self.count = count
        super().__init__(count)


def text(cell: Any, max_spaces: int) -> str:
    """The Italian text of an ODS cell (an ElementTree element), by its value type.

    Raises :class:`TooManySpaces` for a ``text:s`` of more than ``max_spaces`` spaces.
    """
    shown = _shown_text(cell, max_spaces)
    kind = cell.get(VALUE_TYPE)
    try:
        if kind in ("float", "percentage", "currency"):
            value = Decimal(cell.get(_VALUE))
            if kind == "percentage":
                return percent_text(value)
            if kind == "currency":
                currency = cell.get(_CURRENCY) or "EUR"
                return format_money(value) if currency.upper() == "EUR" else shown
            return number_text(value)
        if kind == "date":
            day = cell.get(_DATE_VALUE) or ""
            if "T" in day:
                return datetime_text(dt.datetime.fromisoformat(day))
            return datetime_text(dt.date.fromisoformat(day))
        if kind == "time":
            match = _TIME.fullmatch(cell.get(_TIME_VALUE) or "")
            if match:
                hours, minutes, seconds = (int(group) for group in match.groups())
                return f"{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")
            return shown
        if kind == "boolean":
            return "si" if cell.get(_BOOLEAN_VALUE) == "true" else "no"
    except (InvalidOperation, TypeError, ValueError):
        return shown
    return shown


def _shown_text(cell: Any, max_spaces: int) -> str:
    """The text the cell shows: its paragraphs, one per line."""
    return "\n".join(
        _inline_text(child, max_spaces) for child in cell if child.tag in _PARAGRAPH_TAGS
    )


def _inline_text(node: Any, max_spaces: int) -> str:
    parts = [node.text or ""]
    for child in node:
        if child.tag == _SPACES:
            count_text = child.get(_SPACES_COUNT) or "1"
            count = int(count_text) if count_text.isdigit() else 1
            if count > max_spaces:
                raise TooManySpaces(count)
            parts.append(" " * max(count, 1))
        elif child.tag == _TAB:
            parts.append("\t")
        elif child.tag == _LINE_BREAK:
            parts.append("\n")
        elif child.tag not in _NOT_THE_VALUE:
            parts.append(_inline_text(child, max_spaces))  # span, a, …
        parts.append(child.tail or "")
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# Writing


def write(sheets: Sequence[Sheet]) -> bytes:
    """The spreadsheet of ``sheets``: typed cells, bold rows, fitted widths, frozen headers."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableColumn, TableRow

    document = OpenDocumentSpreadsheet()
    styles = _Styles(document)
    for sheet in sheets:
        table = Table(name=sheet.name)
        for width in sheet.column_widths():
            table.addElement(TableColumn(stylename=styles.column(width)))
        for row_index, row in enumerate(sheet.rows):
            table_row = TableRow()
            bold = row_index in sheet.bold_rows
            for col_index, cell in enumerate(row):
                if cell.text or sheet.template:
                    style = styles.cell(cell, bold, sheet.wraps(row_index, col_index))
                    table_row.addElement(_table_cell(cell, style))
                else:
                    table_row.addElement(TableCell())
            if not row:
                table_row.addElement(TableCell())  # a row holds at least one cell
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    frozen = [sheet.name for sheet in sheets if sheet.frozen]
    if frozen:
        _freeze_first_row(document, frozen, sheets[0].name)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _table_cell(cell: Cell, style: Any) -> Any:
    from odf.table import TableCell
    from odf.text import P

    attributes: dict[str, Any] = {} if style is None else {"stylename": style}
    value = cell.value
    if not cell.text:
        return TableCell(**attributes)  # no value, no paragraph: an empty cell
    if cell.kind in ("date", "datetime") and isinstance(value, dt.date):
        timespec = {"timespec": "seconds"} if isinstance(value, dt.datetime) else {}
        element = TableCell(valuetype="date", datevalue=value.isoformat(**timespec),
                            **attributes)
    elif cell.kind in ("number", "percent", "money") and isinstance(value, int | float | Decimal):
        number = format(Decimal(repr(value)) if isinstance(value, float) else Decimal(value), "f")
        if cell.kind == "money":
            element = TableCell(valuetype="currency", currency="EUR", value=number, **attributes)
        else:
            kind = "percentage" if cell.kind == "percent" else "float"
            element = TableCell(valuetype=kind, value=number, **attributes)
    else:
        element = TableCell(valuetype="string", **attributes)
    for line in cell.text.split("\n"):
        paragraph = P()
        add_text(paragraph, line)
        element.addElement(paragraph)
    return element


def add_text(paragraph: Any, line: str) -> None:
    """Write one line into a text:p keeping every space (ODF collapses plain runs of them,
    and odfpy's ``teletype`` loses a leading or trailing one)."""
    from odf.text import S, Tab

    pieces = re.split(r"( +|\t)", line)
    last = len(pieces) - 1
    for index, piece in enumerate(pieces):
        if not piece:
            continue
        if piece == "\t":
            paragraph.addElement(Tab())
        elif piece.startswith(" "):
            if len(piece) == 1 and 0 < index < last:
                paragraph.addText(" ")  # a single space between words
            else:
                paragraph.addElement(S(c=len(piece)))
        else:
            paragraph.addText(piece)


_DATA_PREFIX: Final = "Formato"  # a data style's name, apart from the cell styles' names


class _Styles:
    """The automatic styles of one document, each made once: column widths, and cell styles
    by data style (how a number or date is shown), bold and wrap."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.columns: dict[int, Any] = {}
        self.data: dict[str, str] = {}
        self.cells: dict[tuple[str, bool, bool], Any] = {}

    def column(self, width: int) -> Any:
        from odf.style import Style, TableColumnProperties

        if width not in self.columns:
            style = Style(name=f"colonna{width}", family="table-column")
            style.addElement(TableColumnProperties(columnwidth=f"{width * CM_PER_CHAR:.2f}cm"))
            self.document.automaticstyles.addElement(style)
            self.columns[width] = style
        return self.columns[width]

    def cell(self, cell: Cell, bold: bool, wrap: bool) -> Any:
        """The cell style, or None for a text cell with nothing to say."""
        from odf.style import Style, TableCellProperties, TextProperties

        data = "" if cell.kind == "text" else self._data_style(cell)
        if not (data or bold or wrap):
            return None
        key = (data, bold, wrap)
        if key not in self.cells:
            shown = data.removeprefix(_DATA_PREFIX)
            name = (shown + ("Grassetto" if bold else "") or "Testo") + ("Lungo" if wrap else "")
            style = Style(name=name, family="table-cell",
                          **({"datastylename": data} if data else {}))
            if bold:
                style.addElement(TextProperties(fontweight="bold", fontweightasian="bold",
                                                fontweightcomplex="bold"))
            if wrap:
                style.addElement(TableCellProperties(wrapoption="wrap", verticalalign="top"))
            self.document.automaticstyles.addElement(style)
            self.cells[key] = style
        return self.cells[key]

    def _data_style(self, cell: Cell) -> str:
        """The name of the number:…-style that shows ``cell.value`` as ``cell.text``."""
        from odf.number import (
            CurrencyStyle,
            CurrencySymbol,
            DateStyle,
            Day,
            Hours,
            Minutes,
            Month,
            Number,
            NumberStyle,
            PercentageStyle,
            Text,
            Year,
        )

        name = {
            "number": f"Numero{cell.decimals}",
            "percent": f"Percentuale{cell.decimals}",
            "money": f"Euro{cell.decimals}" + ("" if cell.symbol_first else "Dopo"),
            "date": "Data",
            "datetime": "DataOra",
        }[cell.kind]
        if cell.kind in ("number", "percent", "money") and not cell.grouped:
            name += "SenzaMigliaia"
        name = _DATA_PREFIX + name
        if name in self.data:
            return name
        number = Number(decimalplaces=cell.decimals, minintegerdigits=1,
                        grouping="true" if cell.grouped else "false")
        parts: list[Any]
        if cell.kind == "number":
            style, parts = NumberStyle(name=name), [number]
        elif cell.kind == "percent":
            style, parts = PercentageStyle(name=name), [number, Text(text="%")]
        elif cell.kind == "money":
            symbol = CurrencySymbol(language="it", country="IT", text="€")
            parts = [symbol, Text(text=" "), number]
            style = CurrencyStyle(name=name)
            if not cell.symbol_first:
                parts.reverse()
        else:
            style = DateStyle(name=name)
            parts = [Day(style="long"), Text(text="/"), Month(style="long"), Text(text="/"),
                     Year(style="long")]
            if cell.kind == "datetime":
                parts += [Text(text=" "), Hours(style="long"), Text(text=":"),
                          Minutes(style="long")]
        for part in parts:
            style.addElement(part)
        self.document.automaticstyles.addElement(style)
        self.data[name] = name
        return name


def _freeze_first_row(document: Any, names: Sequence[str], active: str) -> None:
    """Freeze the first row of the sheets ``names`` (LibreOffice view settings)."""
    from odf.config import (
        ConfigItem,
        ConfigItemMapEntry,
        ConfigItemMapIndexed,
        ConfigItemMapNamed,
        ConfigItemSet,
    )

    def item(name: str, kind: str, value: str) -> Any:
        element = ConfigItem(name=name, type=kind)
        element.addText(value)
        return element

    view_settings = ConfigItemSet(name="ooo:view-settings")
    views = ConfigItemMapIndexed(name="Views")
    view = ConfigItemMapEntry()
    view.addElement(item("ViewId", "string", "view1"))
    tables = ConfigItemMapNamed(name="Tables")
    for name in names:
        entry = ConfigItemMapEntry(name=name)
        for key, kind, value in (
            ("HorizontalSplitMode", "short", "0"),
            ("VerticalSplitMode", "short", "2"),
            ("HorizontalSplitPosition", "int", "0"),
            ("VerticalSplitPosition", "int", "1"),
            ("ActiveSplitRange", "short", "2"),
            ("PositionLeft", "int", "0"),
            ("PositionRight", "int", "0"),
            ("PositionTop", "int", "0"),
            ("PositionBottom", "int", "1"),
        ):
            entry.addElement(item(key, kind, value))
        tables.addElement(entry)
    view.addElement(tables)
    view.addElement(item("ActiveTable", "string", active))
    views.addElement(view)
    view_settings.addElement(views)
    document.settings.addElement(view_settings)
