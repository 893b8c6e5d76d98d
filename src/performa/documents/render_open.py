"""Open data for «Amministrazione Trasparente»: CSV (a zip, one file per table) and JSON.

Plain, documented and stable: UTF-8, comma-separated, RFC 4180 quoting and CRLF line ends, a
header row, and a README.txt saying which file holds what and what each column is. Values are
the document's text as printed («12,5%», «n.d.»): the same figures as the PDF, never
re-formatted, so they can be checked against each other.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from .model import Document, Table
from .render import DEMO_EXPLANATION, DEMO_NOTICE, cover_fields, file_names, sheet_names

README = "README.txt"


def render(doc: Document, fmt: str) -> bytes:
    if fmt == "csv":
        return csv_zip(doc)
    if fmt == "json":
        return json_bytes(doc)
    raise ValueError(f"formato di dati aperti sconosciuto: {fmt}")


def table_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180: CRLF, "" inside quotes
    if table.header:
        writer.writerow(table.header)
    writer.writerows(table.rows)
    return buffer.getvalue()


def csv_zip(doc: Document) -> bytes:
    tables = doc.tables()
    names = file_names(tables)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # A fixed timestamp: the same document gives the same bytes (reproducible downloads).
        stamp = (1980, 1, 1, 0, 0, 0)
        archive.writestr(zipfile.ZipInfo(README, stamp), readme(doc, names),
                         compress_type=zipfile.ZIP_DEFLATED)
        for name, table in zip(names, tables, strict=True):
            archive.writestr(zipfile.ZipInfo(name, stamp), table_csv(table).encode("utf-8"),
                             compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def readme(doc: Document, names: list[str]) -> str:
    lines = [doc.cover.title, "=" * len(doc.cover.title), ""]
    lines += [f"{label}: {value}" for label, value in cover_fields(doc)]
    lines += [
        "",
        "Formato: CSV in UTF-8, separatore virgola, virgolette doppie (RFC 4180), prima riga "
        "con i nomi delle colonne. I valori sono riportati come nel documento (numeri "
        "all'italiana, per esempio 1.500,0 e 12,5%; «n.d.» = non disponibile).",
        "I rimandi [1], [2]… nelle celle si riferiscono alle note elencate sotto ciascun file.",
        "",
        "File",
        "----",
    ]
    for name, table in zip(names, doc.tables(), strict=True):
        lines += ["", name]
        if table.caption:
            lines.append(f"  Contenuto: {table.caption}")
        lines.append(f"  Righe: {len(table.rows)}")
        if table.header:
            lines.append("  Colonne: " + "; ".join(table.header))
        for index in table.total_rows:
            if 0 <= index < len(table.rows):
                lines.append(f"  Riga {index + 1}: totale")
        for number, note in enumerate(table.footnotes, start=1):
            lines.append(f"  Nota [{number}]: {note}")
    return "\r\n".join(lines) + "\r\n"


def payload(doc: Document) -> dict[str, Any]:
    tables = doc.tables()
    data: dict[str, Any] = {
        "documento": doc.kind,
        "ente": doc.cover.body,
        "titolo": doc.cover.title,
        "sottotitolo": doc.cover.subtitle,
        "atto": doc.cover.resolution,
        "data": doc.cover.date,
        "dati_dimostrativi": doc.demo,
        "tabelle": [
            {
                "nome": name,
                "didascalia": table.caption,
                "colonne": table.header,
                "righe": table.rows,
                "righe_totale": table.total_rows,
                "note": table.footnotes,
            }
            for name, table in zip(sheet_names(tables), tables, strict=True)
        ],
    }
    if doc.demo:
        data["avvertenza"] = f"{DEMO_NOTICE}: {DEMO_EXPLANATION}"
    return data


def json_bytes(doc: Document) -> bytes:
    return json.dumps(payload(doc), ensure_ascii=False, indent=1).encode("utf-8")
