"""PDF through WeasyPrint: the document as HTML + a print stylesheet, written as PDF/A-2b.

HTML and CSS give us for free what the law's documents need and a hand-made PDF would not:
tables whose header row repeats on every page, page numbers «Pagina N di M» in the margin,
bookmarks from the headings, text that can be selected and searched. PDF/A-2b is the archival
profile the public administration keeps documents in (fonts embedded, colour profile, XMP
metadata). The fonts are local files only: no network at render time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .model import Document, Heading, KeyValues, PageBreak, Paragraph, Table
from .render import DEMO_EXPLANATION, DEMO_NOTICE, is_wide, relative_widths, starts_chapter

TEMPLATES = Path(__file__).parent / "templates"
PRINT_CSS = TEMPLATES / "documents" / "print.css"
# Titillium Web, the typeface of Bootstrap Italia, as copied from npm by `make` (the vendor
# folder is built, not committed): when it is missing the PDF falls back to DejaVu Sans.
TITILLIUM = (
    Path(__file__).parent.parent / "web" / "static" / "vendor" / "bootstrap-italia" / "fonts"
    / "Titillium_Web"
)
TITILLIUM_FACES = (
    ("regular", "400", "normal"),
    ("italic", "400", "italic"),
    ("600", "600", "normal"),
    ("600italic", "600", "italic"),
    ("700", "700", "normal"),
    ("700italic", "700", "italic"),
)
PDF_VARIANT = "pdf/a-2b"
DEMO_FOOTER_CSS = f"""
@page {{
  @bottom-left {{
    content: "{DEMO_NOTICE}";
    font-size: 8pt;
    font-weight: 700;
    color: #a61919;
  }}
}}
"""


# A figure: a run of characters without spaces that holds a digit («2.314.115,97»,
# «30/11/2022», «03_01_08», «C003», «1B010301», «-0,12»), with the sign or comparator printed
# before it («€ 40.000,00», «>= 6.000.000», «≥ 80»). The PDF keeps each one on one line: the
# tables' narrow columns would otherwise split it wherever the column ends. At most 40
# characters, so a long word that merely contains a digit may still wrap.
FIGURE = re.compile(r"(?:(?:€|[<>]=?|[≥≤=])\s)?\S{0,39}\d\S{0,39}")


def keep_figures_whole(text: str) -> Any:
    """``text`` escaped for HTML, each figure in a span that the print stylesheet never
    breaks (``.fig``); a SafeString, so the template does not escape it again. Text without
    a digit is returned as it is (escaped by the template), sparing WeasyPrint the spans."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    if not any(char.isdigit() for char in text):
        return text
    parts = []
    position = 0
    for match in FIGURE.finditer(text):
        parts.append(escape(text[position:match.start()]))
        parts.append(f'<span class="fig">{escape(match.group())}</span>')
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


@dataclass
class _Block:
    """A block as the template wants it: which partial, and plain strings only (Django
    would localise a float into «12,5», which is not CSS)."""

    template: str
    text: str = ""
    level: int = 1
    style: str = "normal"
    brk: bool = False
    pairs: list[tuple[str, str]] = field(default_factory=list)
    caption: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    widths: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)


def render(doc: Document, fmt: str = "pdf") -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheets = [
        CSS(string=font_faces(), font_config=fonts),
        CSS(filename=str(PRINT_CSS), font_config=fonts),
    ]
    if doc.demo:
        stylesheets.append(CSS(string=DEMO_FOOTER_CSS, font_config=fonts))
    if is_wide(doc):
        stylesheets.append(CSS(string="@page { size: A4 landscape; }", font_config=fonts))
    html = HTML(string=document_html(doc), base_url=str(TEMPLATES))
    pdf: bytes = html.write_pdf(
        stylesheets=stylesheets, font_config=fonts, pdf_variant=PDF_VARIANT
    )
    return pdf


def document_html(doc: Document) -> str:
    """The document as one HTML page (also handy to look at in a browser while designing)."""
    from django.template import Context

    template = _engine().get_template("documents/document.html")
    return template.render(Context({
        "cover": doc.cover,
        "demo": doc.demo,
        "demo_notice": DEMO_NOTICE,
        "demo_explanation": DEMO_EXPLANATION,
        "blocks": [_block(block, starts_chapter(doc.blocks, index))
                   for index, block in enumerate(doc.blocks)],
    }))


@cache
def font_faces() -> str:
    if not (TITILLIUM / "titillium-web-v10-latin-ext_latin-regular.ttf").is_file():
        return ""
    rules = []
    for suffix, weight, style in TITILLIUM_FACES:
        path = TITILLIUM / f"titillium-web-v10-latin-ext_latin-{suffix}.ttf"
        if path.is_file():
            rules.append(
                f'@font-face {{ font-family: "Performa"; src: url("{path.as_uri()}"); '
                f"font-weight: {weight}; font-style: {style}; }}"
            )
    return "\n".join(rules)


@cache
def _engine() -> Any:
    """A template engine of our own: the document templates are not a Django app's, and
    rendering must not depend on the project's TEMPLATES setting."""
    from django.template import Engine

    return Engine(dirs=[str(TEMPLATES)], autoescape=True)


def _cell(text: str) -> tuple[Any, bool]:
    """A table cell's text and whether it is one figure alone (an amount, a date, a code):
    then the whole cell is kept on one line, with no span inside."""
    if FIGURE.fullmatch(text):
        return text, True
    return keep_figures_whole(text), False


def _block(block: object, chapter: bool) -> _Block:
    if isinstance(block, Heading):
        return _Block("documents/_heading.html", text=block.text,
                      level=min(max(block.level, 1), 3), brk=chapter)
    if isinstance(block, Paragraph):
        return _Block("documents/_paragraph.html", text=block.text, style=block.style)
    if isinstance(block, KeyValues):
        return _Block("documents/_keyvalues.html",
                      pairs=[(label, keep_figures_whole(value)) for label, value in block.pairs])
    if isinstance(block, Table):
        totals = set(block.total_rows)
        return _Block(
            "documents/_table.html",
            caption=block.caption,
            header=block.header,
            rows=[{"cells": [_cell(cell) for cell in row], "total": i in totals}
                  for i, row in enumerate(block.rows)],
            widths=[f"{w * 100:.2f}" for w in relative_widths(block)],
            footnotes=block.footnotes,
        )
    if isinstance(block, PageBreak):
        return _Block("documents/_pagebreak.html")
    raise TypeError(f"blocco sconosciuto: {block!r}")
