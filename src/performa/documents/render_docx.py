"""DOCX through python-docx: the same document for offices that finish it in Word — built on
Word's own styles (Title, Heading 1-3, Caption), so the navigation pane, a table of contents
and the office's corporate template all work; header rows repeat; page numbers are fields.
"""

from __future__ import annotations

import io
from typing import Any

from .model import Document, Heading, KeyValues, PageBreak, Paragraph, Table
from .render import DEMO_EXPLANATION, DEMO_NOTICE, is_wide, relative_widths, starts_chapter

FONT = "Arial"
BLUE = "0066CC"
DARK_BLUE = "004D99"
LIGHT_BLUE = "E8F0F9"
RED = "A61919"
GREY = "455B71"
MARGIN_CM = 2.0
TABLE_TEXT = "Testo tabella"
TABLE_HEADING = "Intestazione tabella"
TABLE_TOTAL = "Totale tabella"
TABLE_LABEL = "Etichetta tabella"
NOTE = "Nota"


def render(doc: Document, fmt: str = "docx") -> bytes:
    from docx import Document as new_document

    word = new_document()
    _setup(word, doc)
    _cover(word, doc)
    for index, block in enumerate(doc.blocks):
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 3)
            heading = word.add_heading(level=level)
            _add_text(heading, block.text)
            heading.paragraph_format.page_break_before = starts_chapter(doc.blocks, index)
        elif isinstance(block, Paragraph):
            style = {"note": NOTE, "lead": "Subtitle"}.get(block.style, "Normal")
            _add_text(word.add_paragraph(style=style), block.text)
        elif isinstance(block, KeyValues):
            _key_values(word, block)
        elif isinstance(block, Table):
            _table(word, block)
        elif isinstance(block, PageBreak):
            word.add_page_break()
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


# --- page, styles, metadata -------------------------------------------------------------------


def _setup(word: Any, doc: Document) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    section = word.sections[0]
    # A4 (the template is US Letter); landscape for the tables of ten columns or more.
    if is_wide(doc):
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
    else:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(MARGIN_CM)
    section.top_margin, section.bottom_margin = Cm(2), Cm(1.8)

    properties = word.core_properties
    properties.title = doc.cover.title
    properties.subject = doc.cover.subtitle
    properties.author = doc.cover.body
    properties.language = "it-IT"
    properties.keywords = DEMO_NOTICE if doc.demo else ""
    _set_language(word)

    styles = word.styles
    styles["Normal"].font.size = Pt(10)
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Title", "Subtitle"):
        _set_font(styles[name])
    for name in ("Heading 1", "Heading 2", "Heading 3", "Title"):
        styles[name].font.color.rgb = RGBColor.from_string(DARK_BLUE)
    for name, size, bold, color in (
        (TABLE_TEXT, 8, False, None),
        (TABLE_HEADING, 8, True, "FFFFFF"),
        (TABLE_TOTAL, 8, True, None),
        (TABLE_LABEL, 8, True, None),
        (NOTE, 7.5, False, GREY),
    ):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.font.size = Pt(size)
        style.font.bold = bold
        if color:
            style.font.color.rgb = RGBColor.from_string(color)
        style.paragraph_format.space_after = Pt(0 if name != NOTE else 2)
        style.paragraph_format.space_before = Pt(0)
    styles["Caption"].paragraph_format.keep_with_next = True

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.style = styles["Footer"]
    if doc.demo:
        run = footer.add_run(DEMO_NOTICE)
        run.bold = True
        run.font.color.rgb = RGBColor.from_string(RED)
        footer.add_run(" — ")
    footer.add_run("Pagina ")
    _field(footer, "PAGE")
    footer.add_run(" di ")
    _field(footer, "NUMPAGES")


def _set_language(word: Any) -> None:
    """Italian as the documents' language (spelling, hyphenation) in the default run style."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    defaults = word.styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), "it-IT")


def _set_font(style: Any) -> None:
    """Arial (Liberation Sans in LibreOffice, same metrics) instead of the template's theme
    fonts, which Word resolves to Calibri and LibreOffice to whatever it has."""
    from docx.oxml.ns import qn

    style.font.name = FONT
    fonts = style.element.rPr.rFonts
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:cs"), FONT)


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice update as they lay out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


# --- content --------------------------------------------------------------------------------


def _add_text(paragraph: Any, text: str, bold: bool | None = None) -> None:
    lines = text.split("\n")
    run = paragraph.add_run(lines[0])
    for line in lines[1:]:
        run.add_break()
        run.add_text(line)
    if bold is not None:
        run.bold = bold


def _cover(word: Any, doc: Document) -> None:
    from docx.shared import Pt, RGBColor

    cover = doc.cover
    body = word.add_paragraph()
    body.paragraph_format.space_before = Pt(140)
    body.paragraph_format.space_after = Pt(40)
    run = body.add_run(cover.body)
    run.font.all_caps = True
    run.bold = True
    run.font.size = Pt(14)
    run.font.color.rgb = RGBColor.from_string(BLUE)
    _add_text(word.add_paragraph(style="Title"), cover.title)
    if cover.subtitle:
        _add_text(word.add_paragraph(style="Subtitle"), cover.subtitle)
    for text in (cover.resolution, cover.date):
        if text:
            _add_text(word.add_paragraph(), text)
    if doc.demo:
        notice = word.add_paragraph()
        notice.paragraph_format.space_before = Pt(48)
        title = notice.add_run(DEMO_NOTICE)
        title.bold = True
        title.font.size = Pt(16)
        title.font.color.rgb = RGBColor.from_string(RED)
        title.add_break()
        explanation = notice.add_run(DEMO_EXPLANATION)
        explanation.font.color.rgb = RGBColor.from_string(RED)
    word.add_page_break()


def _shade(cell: Any, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row: Any) -> None:
    """Mark the row as a header row: Word repeats it on every page the table runs onto."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    no_split = OxmlElement("w:cantSplit")
    tr_pr.append(no_split)


def _lengths(word: Any, fractions: list[float]) -> list[int]:
    """Column widths in EMU from fractions of the text width (portrait or landscape)."""
    section = word.sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    return [int(fraction * width) for fraction in fractions]


def _new_table(word: Any, rows: int, widths: list[int]) -> Any:
    from docx.shared import Emu

    table = word.add_table(rows=rows, cols=len(widths))
    table.style = word.styles["Table Grid"]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Emu(width)
    return table


def _fill(row: Any, texts: list[str], style: Any, widths: list[int],
          shade: str = "") -> None:
    for cell, text, width in zip(row.cells, texts, widths, strict=False):
        _fill_cell(cell, text, style, width, shade)


def _key_values(word: Any, block: KeyValues) -> None:
    widths = _lengths(word, [0.28, 0.72])
    table = _new_table(word, len(block.pairs), widths)
    label_style, text_style = word.styles[TABLE_LABEL], word.styles[TABLE_TEXT]
    for row, (label, value) in zip(table.rows, block.pairs, strict=True):
        cells = row.cells
        _fill_cell(cells[0], label, label_style, widths[0], LIGHT_BLUE)
        _fill_cell(cells[1], value, text_style, widths[1])
    word.add_paragraph()  # Word glues two tables that touch into one


def _fill_cell(cell: Any, text: str, style: Any, width: int, shade: str = "") -> None:
    from docx.shared import Emu

    # Word reads the cells' widths, not the grid's.
    cell.width = Emu(width)
    paragraph = cell.paragraphs[0]
    # By id: python-docx's paragraph.style = … searches all styles each time (~1 ms a cell).
    paragraph._p.style = style.style_id
    _add_text(paragraph, text)
    if shade:
        _shade(cell, shade)


def _table(word: Any, block: Table) -> None:
    if block.caption:
        _add_text(word.add_paragraph(style="Caption"), block.caption)
    widths = _lengths(word, relative_widths(block))
    header = 1 if block.header else 0
    table = _new_table(word, len(block.rows) + header, widths)
    rows = table.rows
    if header:
        _repeat_header(rows[0])
        _fill(rows[0], block.header, word.styles[TABLE_HEADING], widths, BLUE)
    text, total = word.styles[TABLE_TEXT], word.styles[TABLE_TOTAL]
    totals = set(block.total_rows)
    for index, cells in enumerate(block.rows):
        if index in totals:
            _fill(rows[index + header], cells, total, widths, LIGHT_BLUE)
        else:
            _fill(rows[index + header], cells, text, widths)
    for number, note in enumerate(block.footnotes, start=1):
        _add_text(word.add_paragraph(style=NOTE), f"[{number}] {note}")
    if not block.footnotes:
        word.add_paragraph()
