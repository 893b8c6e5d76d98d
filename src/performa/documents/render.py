"""One entry point from a :class:`Document` to the bytes of a file, whatever the format.

The renderers live in their own modules and are imported only when asked for: WeasyPrint
alone takes half a second to import, and the CLI or a spreadsheet download should not pay it.
The helpers below (sheet and file names) are shared by the spreadsheet and open-data
renderers, so a table is called the same in the XLSX, the ODS and the CSV zip.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Callable, Sequence

from performa.cells import SHEET_NAME_MAX, sheet_name

from .model import Document, Heading, PageBreak, Table

# format → (module, content type, file extension, label shown to users)
FORMATS: dict[str, tuple[str, str, str, str]] = {
    "pdf": ("render_pdf", "application/pdf", "pdf", "PDF"),
    "odt": ("render_odt", "application/vnd.oasis.opendocument.text", "odt", "ODT"),
    "docx": (
        "render_docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        "DOCX",
    ),
    "xlsx": (
        "render_sheets",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        "XLSX",
    ),
    "ods": ("render_sheets", "application/vnd.oasis.opendocument.spreadsheet", "ods", "ODS"),
    # The CSV rendering is a zip: one CSV per table plus a README that says what each is.
    "csv": ("render_open", "application/zip", "csv.zip", "CSV (zip)"),
    "json": ("render_open", "application/json", "json", "JSON"),
}
CONTENT_TYPES = {fmt: spec[1] for fmt, spec in FORMATS.items()}
EXTENSIONS = {fmt: spec[2] for fmt, spec in FORMATS.items()}
LABELS = {fmt: spec[3] for fmt, spec in FORMATS.items()}

DEMO_NOTICE = "DATI DIMOSTRATIVI"
DEMO_EXPLANATION = (
    "I valori misurati di questo documento sono inventati per mostrare il programma: "
    "non sono dati dell'ente."
)

WIDE_COLUMNS = 10


def render(doc: Document, fmt: str) -> bytes:
    """The file of ``doc`` in ``fmt`` (a key of :data:`FORMATS`); ValueError otherwise."""
    if fmt not in FORMATS:
        known = ", ".join(FORMATS)
        raise ValueError(f"Formato «{fmt}» sconosciuto: i formati sono {known}.")
    module = importlib.import_module(f"performa.documents.{FORMATS[fmt][0]}")
    renderer: Callable[[Document, str], bytes] = module.render
    return renderer(doc, fmt)


_CHAMBER = re.compile(
    r"^camera di commercio(,? industria,? artigianato e agricoltura)?\s+"
    r"(dell'|dell’|della|delle|degli|del|di)\s*", re.IGNORECASE,
)


def short_body_name(body_name: str) -> str:
    """«Lucca» for «Camera di Commercio di Lucca»: the name without the chamber's prefix."""
    return _CHAMBER.sub("", body_name).strip() or body_name


def filename(kind: str, body_name: str, year: int | str, fmt: str) -> str:
    """A download name that sorts and says what it is: ``piano_pistoia-prato_2022.pdf``."""
    body = slug(short_body_name(body_name))
    return f"{kind}_{body}_{year}.{EXTENSIONS[fmt]}"


def slug(text: str) -> str:
    """ASCII, lower case, words joined by hyphens: safe in any file system and zip."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "documento"


def sheet_names(tables: Sequence[Table]) -> list[str]:
    """One valid, unique sheet name per table: its ``sheet``, else its caption, else
    «Tabella N»; cut to 31 characters, with « (2)» and so on when two would clash."""
    names: list[str] = []
    taken: set[str] = set()
    for index, table in enumerate(tables, start=1):
        base = table.sheet or table.caption or f"Tabella {index}"
        base = sheet_name(base) or f"Tabella {index}"
        name = base[:SHEET_NAME_MAX].rstrip()
        counter = 2
        while name.casefold() in taken:
            suffix = f" ({counter})"
            name = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
            counter += 1
        taken.add(name.casefold())
        names.append(name)
    return names


def file_names(tables: Sequence[Table]) -> list[str]:
    """One unique CSV file name per table, from its sheet name."""
    names: list[str] = []
    taken: set[str] = set()
    for sheet in sheet_names(tables):
        base = slug(sheet)
        name = base
        counter = 2
        while name in taken:
            name = f"{base}-{counter}"
            counter += 1
        taken.add(name)
        names.append(f"{name}.csv")
    return names


def cover_fields(doc: Document) -> list[tuple[str, str]]:
    """The cover as label/value pairs, for the renderings without a cover page."""
    cover = doc.cover
    fields = [
        ("Ente", cover.body),
        ("Titolo", cover.title),
        ("Sottotitolo", cover.subtitle),
        ("Atto di adozione", cover.resolution),
        ("Data", cover.date),
    ]
    found = [(label, value) for label, value in fields if value]
    if doc.demo:
        found.append(("Avvertenza", f"{DEMO_NOTICE}: {DEMO_EXPLANATION}"))
    return found


def starts_chapter(blocks: Sequence[object], index: int) -> bool:
    """Whether the heading at ``index`` opens a new page: a chapter (level 1) does, unless it
    comes first (the cover already ended a page) or right after an explicit page break (two
    breaks would leave a blank page)."""
    block = blocks[index]
    return (isinstance(block, Heading) and block.level <= 1 and index > 0
            and not isinstance(blocks[index - 1], PageBreak))


def is_wide(doc: Document) -> bool:
    """Whether the paged renderings go landscape: a table of ten columns or more (the PIRA
    with its triennial targets and measured values) is unreadable on a portrait A4; or when the
    builder asks for it."""
    return doc.landscape or any(len(table.header) >= WIDE_COLUMNS for table in doc.tables())


def relative_widths(table: Table) -> list[float]:
    """The table's column widths as fractions summing to 1 (equal when not given)."""
    count = len(table.header) or max((len(row) for row in table.rows), default=1)
    widths = [w if w > 0 else 1.0 for w in table.widths[:count]]
    widths += [1.0] * (count - len(widths))
    total = sum(widths)
    return [w / total for w in widths]
