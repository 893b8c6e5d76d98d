"""Limits on the files an administrator imports, checked before any real work is done.

A plan (``performa import-plan``: JSON, XLSX, ODS) or a values file (``performa values
import``: CSV, XLSX) is read by libraries that trust the file: ``json`` recurses once per
nesting level, zip members inflate to whatever size they declare, openpyxl builds objects for
every row and cell a sheet declares, odfpy (which read ODS files before) a tree of every XML
element. A 10 MB workbook took 83 s and 2,2 GB, and a deeply nested JSON text crashed the
command. Every reader therefore first checks, in constant memory, that the file is within the
limits below and refuses it otherwise with an Italian reason naming the file, the sheet (or
zip member) and the row.

The limits are generous for real files: the whole Piano of the Camera di Commercio di
Pistoia-Prato (372 indicators) is 340 KB as JSON and 70 KB as XLSX (460 KB inflated); a plan
fifty times as large still passes every one of them. They are documented in
``docs/interchange.md`` (section «Limiti»).

Why a top-level module: the plan formats (``performa.interchange``) and the values file
(``performa.measures.values_file``) need the same checks, and ``measures`` sits below
``interchange`` in the layers (engine < catalog < plans < accounts < measures < interchange <
…), so neither can hold them for the other; the engine is pure domain logic and no place for
file formats. This module imports nothing of Performa and no Django, so any layer may use it.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.parsers import expat

__all__ = [
    "MAX_COLUMNS",
    "MAX_COMPRESSION_RATIO",
    "MAX_FILE_BYTES",
    "MAX_JSON_CONTAINERS",
    "MAX_JSON_DEPTH",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_XML_DEPTH",
    "MAX_XML_ELEMENTS",
    "UNREADABLE_ZIP",
    "FileLimitError",
    "check_file_size",
    "check_json_text",
    "column_number",
    "italian_count",
    "open_zip",
    "read_file",
    "scan_xml_members",
    "xlsx_sheet_names",
]

# A file to import: far more than any plan or values file (the demo plan is 340 KB as JSON).
MAX_FILE_BYTES = 20 * 1024 * 1024
# A JSON plan nests ten levels (document, areas, objectives, cards, indicators, targets).
MAX_JSON_DEPTH = 64
# Objects and lists in one JSON text: about two per indicator (the demo has 926).
MAX_JSON_CONTAINERS = 1_000_000
# A workbook's zip: the inflated size of all its members together …
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
# … and how much one member may inflate (spreadsheet XML compresses 5-30 times; a "zip bomb"
# about 1000 times). Members below MIN_RATIO_CHECKED_BYTES are not checked: small is harmless.
MAX_COMPRESSION_RATIO = 200
MIN_RATIO_CHECKED_BYTES = 1024 * 1024
# XML elements in a whole workbook (the demo plan: 18.000 in XLSX) and their nesting (about 10).
MAX_XML_ELEMENTS = 2_000_000
MAX_XML_DEPTH = 256
# Rows and columns of one sheet: the demo's largest sheet has 373 rows and 17 columns.
MAX_ROWS = 20_000
MAX_COLUMNS = 200

_SHEET_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_RELATIONSHIP_NAMESPACES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
# The worksheet elements the scan checks, by expat's "namespace localname".
_SHEET_ELEMENTS = {
    f"{namespace} {local}": local
    for namespace in _SHEET_NAMESPACES
    for local in ("row", "c", "dimension")
}
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CELL_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)")
_JSON_TOKEN = re.compile(r'"|[\[{]+|[\]}]+')
_JSON_STRING_REST = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_READ_CHUNK = 1024 * 1024

# What reading a damaged zip raises (bad CRC, broken deflate stream, encrypted or unknown
# compression, truncated data): the readers report these as "not a readable workbook".
UNREADABLE_ZIP: tuple[type[Exception], ...] = (
    zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError,
)


class FileLimitError(ValueError):
    """A file refused by a limit: ``reason`` in Italian; where, when known.

    ``sheet`` is the sheet (or the zip member when its sheet is unknown) and ``row`` its row;
    for a JSON text ``row`` and ``column`` are the line and column. The readers turn this into
    their own error (``InterchangeError``, ``ValuesFileError``), which names the file.
    """

    def __init__(self, reason: str, *, sheet: str = "", row: int = 0, column: int = 0) -> None:
        self.reason, self.sheet, self.row, self.column = reason, sheet, row, column
        super().__init__(reason)


def italian_count(number: int) -> str:
    """20000 → ``20.000``: how the messages write numbers."""
    return f"{number:,}".replace(",", ".")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " MB"


def column_number(letters: str) -> int:
    """``A`` → 1, ``Z`` → 26, ``AA`` → 27, ``XFD`` → 16384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def check_file_size(size: int) -> None:
    """Refuse a file larger than MAX_FILE_BYTES (before anything reads it)."""
    if size > MAX_FILE_BYTES:
        raise FileLimitError(
            f"il file è di {_megabytes(size)}, oltre il limite di {_megabytes(MAX_FILE_BYTES)} "
            "per un file da importare"
        )


def read_file(path: Path) -> bytes:
    """The file's bytes, once its size on disk is within the limit: a command never loads a
    file it would refuse (OSError as open() raises it)."""
    with path.open("rb") as file:
        check_file_size(os.fstat(file.fileno()).st_size)
        return file.read(MAX_FILE_BYTES + 1)


# --------------------------------------------------------------------------------------------
# JSON


def check_json_text(text: str) -> None:
    """Refuse a JSON text too large, too deeply nested or with too many objects and lists.

    ``json.loads`` recurses once per level and raises ``RecursionError`` (not a ``ValueError``)
    on a text nested some thousand levels deep; it also builds one Python object per ``{}`` or
    ``[]``. This scan counts brackets outside strings without recursion and in linear time, so
    the refusal comes before the parser starts. A text that is not JSON at all is left to the
    parser, which names the line and column of the mistake.
    """
    # Characters first: a text longer than the limit in characters is longer in bytes too.
    check_file_size(len(text))
    check_file_size(len(text.encode("utf-8", "surrogatepass")))
    depth = containers = position = 0
    while True:
        token = _JSON_TOKEN.search(text, position)
        if token is None:
            return
        position = token.end()
        first = token.group()[0]
        if first == '"':
            rest = _JSON_STRING_REST.match(text, position)
            if rest is None:
                return  # an unterminated string: the parser reports it
            position = rest.end()
        elif first in "[{":
            run = len(token.group())
            depth += run
            containers += run
            if depth > MAX_JSON_DEPTH:
                start = token.start() + run - (depth - MAX_JSON_DEPTH)
                line = text.count("\n", 0, start) + 1
                column = start - (text.rfind("\n", 0, start) + 1) + 1
                raise FileLimitError(
                    f"oggetti e liste annidati oltre {MAX_JSON_DEPTH} livelli (un piano ne usa "
                    "una decina): il testo non è un piano Performa",
                    row=line, column=column,
                )
            if containers > MAX_JSON_CONTAINERS:
                raise FileLimitError(
                    f"più di {italian_count(MAX_JSON_CONTAINERS)} oggetti e liste: oltre il "
                    "limite per un piano"
                )
        else:
            depth -= len(token.group())


# --------------------------------------------------------------------------------------------
# Workbooks (zip files of XML members: XLSX and ODS)


def open_zip(data: bytes) -> zipfile.ZipFile:
    """The workbook's zip after checking its size and every member's declared inflated size.

    Python's ``zipfile`` never inflates a member beyond the size its directory declares (and
    then fails the CRC check), so checking the declared sizes bounds what any reader of this
    archive can inflate. Raises ``zipfile.BadZipFile`` when the bytes are not a zip.
    """
    check_file_size(len(data))
    archive = zipfile.ZipFile(io.BytesIO(data))
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if total > MAX_UNCOMPRESSED_BYTES:
            raise FileLimitError(
                f"il contenuto compresso occupa oltre {_megabytes(MAX_UNCOMPRESSED_BYTES)} una "
                f"volta espanso (elemento «{info.filename}»): file anomalo o troppo grande"
            )
        if info.file_size > MIN_RATIO_CHECKED_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_COMPRESSION_RATIO:
                raise FileLimitError(
                    f"l'elemento «{info.filename}» si espande {italian_count(int(ratio))} volte "
                    f"(da {_megabytes(info.compress_size)} a {_megabytes(info.file_size)}), "
                    f"oltre le {MAX_COMPRESSION_RATIO} volte di un file normale: file anomalo "
                    "(«zip bomb»)"
                )
    return archive


def xlsx_sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Zip member → sheet name of an XLSX, read from the workbook part and its relationships.

    Only for messages: an archive this cannot read gives ``{}`` and the messages then name the
    member (``xl/worksheets/sheet1.xml``). Call after :func:`open_zip`.
    """
    try:
        workbook_part = ""
        for element, attributes in _small_xml(archive, "_rels/.rels"):
            if element == f"{_PACKAGE_RELS} Relationship" and attributes.get(
                "Type", ""
            ).endswith("/officeDocument"):
                workbook_part = _resolve("", attributes.get("Target", ""))
        if not workbook_part:
            return {}
        folder, base = posixpath.split(workbook_part)
        targets = {
            attributes.get("Id", ""): _resolve(folder, attributes.get("Target", ""))
            for element, attributes in _small_xml(archive, f"{folder}/_rels/{base}.rels")
            if element == f"{_PACKAGE_RELS} Relationship"
        }
        names: dict[str, str] = {}
        for element, attributes in _small_xml(archive, workbook_part):
            if element.rpartition(" ")[2] == "sheet":
                ids = [attributes.get(f"{ns} id", "") for ns in _RELATIONSHIP_NAMESPACES]
                target = next((targets[i] for i in ids if i in targets), "")
                if target:
                    names[target] = attributes.get("name", "")
        return names
    except (KeyError, FileLimitError, expat.ExpatError, zipfile.BadZipFile, OSError):
        return {}


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


def _small_xml(archive: zipfile.ZipFile, member: str) -> list[tuple[str, dict[str, str]]]:
    """Every element of a small member (at most 10 MB, else nothing) with its attributes."""
    if archive.getinfo(member).file_size > 10 * 1024 * 1024:
        return []
    elements: list[tuple[str, dict[str, str]]] = []
    parser = _parser(member)
    parser.StartElementHandler = lambda name, attributes: elements.append((name, attributes))
    parser.Parse(archive.read(member), True)
    return elements


def _parser(member: str) -> Any:
    """An expat parser that refuses DTDs: no XLSX or ODS has one, entity bombs need one."""

    def refuse(*_: object) -> None:
        raise FileLimitError(
            f"l'elemento «{member}» contiene una dichiarazione DOCTYPE, che nessun foglio di "
            "calcolo scrive: file anomalo"
        )

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


class _SheetScan:
    """The checks on one XML member, called by expat for every element as it streams by."""

    def __init__(self, member: str, sheet_names: Mapping[str, str], count: list[int]) -> None:
        self.member = member
        self.sheet = sheet_names.get(member) or member
        self.count = count  # elements of the whole archive, shared by the members' scans
        self.depth = 0
        self.row = 0
        self.column = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        # Called for every element of the archive: keep the common path short.
        self.count[0] += 1
        self.depth += 1
        if self.count[0] > MAX_XML_ELEMENTS or self.depth > MAX_XML_DEPTH:
            self.too_large()
        kind = _SHEET_ELEMENTS.get(name)
        if kind is None:
            return
        if kind == "row":
            self.row = _number(attributes.get("r"), self.row + 1)
            self.column = 0
            if self.row > MAX_ROWS:
                raise FileLimitError(
                    f"il foglio ha righe oltre la {italian_count(MAX_ROWS)}ª: oltre il limite "
                    f"di {italian_count(MAX_ROWS)} righe per foglio (se sono righe vuote, "
                    "eliminarle e salvare di nuovo il file)",
                    sheet=self.sheet, row=self.row,
                )
        elif kind == "c":
            match = _CELL_REFERENCE.fullmatch(attributes.get("r", ""))
            self.column = column_number(match.group(1)) if match else self.column + 1
            if self.column > MAX_COLUMNS:
                raise FileLimitError(
                    f"la riga ha celle oltre la colonna {_letters(MAX_COLUMNS)}: oltre il "
                    f"limite di {MAX_COLUMNS} colonne per foglio (se sono celle vuote, "
                    "eliminare le colonne e salvare di nuovo il file)",
                    sheet=self.sheet, row=max(self.row, 1),
                )
        else:
            self.dimension(attributes.get("ref", ""))

    def too_large(self) -> None:
        if self.count[0] > MAX_XML_ELEMENTS:
            raise FileLimitError(
                f"il file contiene più di {italian_count(MAX_XML_ELEMENTS)} elementi XML "
                f"(raggiunti in «{self.member}»): oltre il limite per un file da importare"
            )
        raise FileLimitError(
            f"l'elemento «{self.member}» annida l'XML oltre {MAX_XML_DEPTH} livelli: file anomalo"
        )

    def end(self, _name: str) -> None:
        self.depth -= 1

    def dimension(self, ref: str) -> None:
        """The sheet's declared used range, ``A1:XFD1048576``: refused when beyond the limits.

        openpyxl sizes every row it streams by this range, whatever the cells really are.
        """
        match = _CELL_REFERENCE.fullmatch(ref.rpartition(":")[2])
        if match is None:
            return
        columns, rows = column_number(match.group(1)), int(match.group(2))
        if rows > MAX_ROWS or columns > MAX_COLUMNS:
            raise FileLimitError(
                f"il foglio dichiara l'area {ref} ({italian_count(rows)} righe × "
                f"{italian_count(columns)} colonne), oltre il limite di "
                f"{italian_count(MAX_ROWS)} righe × {MAX_COLUMNS} colonne (se i dati sono "
                "meno, eliminare righe e colonne vuote oltre i dati e salvare di nuovo il file)",
                sheet=self.sheet,
            )


def _number(text: str | None, default: int) -> int:
    return int(text) if text is not None and text.isdigit() else default


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def scan_xml_members(
    archive: zipfile.ZipFile, sheet_names: Mapping[str, str] | None = None
) -> None:
    """Stream every member through expat, refusing what would exhaust a reader.

    Checks, in constant memory and before openpyxl or an ODS reader touches the archive: no
    DTD (entity expansion), at most MAX_XML_ELEMENTS elements and MAX_XML_DEPTH levels, and in
    XLSX worksheets the declared ``<dimension>``, every ``<row r>`` (≤ MAX_ROWS) and every
    ``<c r>`` (column ≤ MAX_COLUMNS), wherever the workbook keeps its sheets. Rows and cells
    are refused even when empty: openpyxl pays for each one it meets. A member that is not XML
    (an image) is skipped at its first byte; a worksheet broken half-way is left to the
    reader, which stops at the same place. Call after :func:`open_zip`.
    """
    count = [0]
    for info in archive.infolist():
        if info.is_dir():
            continue
        scan = _SheetScan(info.filename, sheet_names or {}, count)
        parser = _parser(info.filename)
        parser.StartElementHandler = scan.start
        parser.EndElementHandler = scan.end
        try:
            with archive.open(info) as member:
                while chunk := member.read(_READ_CHUNK):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except expat.ExpatError:
            continue
