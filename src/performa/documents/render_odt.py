"""ODT (OpenDocument text) through odfpy: an editable document the planning office can finish
in LibreOffice or Word — real headings (outline levels, so the navigator and a table of
contents work), real tables whose header row repeats on every page, page numbers as fields.
"""

from __future__ import annotations

import io
from typing import Any

from .model import Document, Heading, KeyValues, PageBreak, Paragraph, Table
from .render import DEMO_EXPLANATION, DEMO_NOTICE, is_wide, relative_widths, starts_chapter

FONT = "Liberation Sans"  # metric-compatible with Arial: the same lines everywhere
MARGIN_CM = 2.0
BLUE = "#0066cc"
DARK_BLUE = "#004d99"
LIGHT_BLUE = "#e8f0f9"
RED = "#a61919"
BORDER = "0.5pt solid #a9b8c7"


def render(doc: Document, fmt: str = "odt") -> bytes:
    writer = _Writer(doc)
    writer.write()
    buffer = io.BytesIO()
    writer.odt.write(buffer)
    return buffer.getvalue()


class _Writer:
    def __init__(self, doc: Document) -> None:
        from odf.opendocument import OpenDocumentText

        self.doc = doc
        self.odt = OpenDocumentText()
        self.styles: dict[str, Any] = {}
        self.tables = 0
        self.wide = is_wide(doc)
        self.text_width = (29.7 if self.wide else 21.0) - 2 * MARGIN_CM
        self._declare_styles()

    # --- styles ---------------------------------------------------------------------------

    def _style(self, name: str, family: str, *, automatic: bool = False, parent: str = "",
               display: str = "", paragraph: dict[str, str] | None = None,
               text: dict[str, str] | None = None, cell: dict[str, str] | None = None,
               table: dict[str, str] | None = None, column: dict[str, str] | None = None,
               **attributes: Any) -> Any:
        from odf.style import (
            ParagraphProperties,
            Style,
            TableCellProperties,
            TableColumnProperties,
            TableProperties,
            TextProperties,
        )

        if parent:
            attributes["parentstylename"] = self.styles.get(parent, parent)
        if display:
            attributes["displayname"] = display
        style = Style(name=name, family=family, **attributes)
        for kind, values in ((ParagraphProperties, paragraph), (TextProperties, text),
                             (TableCellProperties, cell), (TableProperties, table),
                             (TableColumnProperties, column)):
            if values:
                style.addElement(kind(**values))
        (self.odt.automaticstyles if automatic else self.odt.styles).addElement(style)
        self.styles[name] = style
        return style

    def _declare_styles(self) -> None:
        from odf.style import FontFace

        self.odt.fontfacedecls.addElement(
            FontFace(name=FONT, fontfamily=f"'{FONT}'", fontfamilygeneric="swiss",
                     fontpitch="variable")
        )
        bold = {"fontweight": "bold", "fontweightasian": "bold", "fontweightcomplex": "bold"}
        s = self._style
        s("Standard", "paragraph", text={"fontname": FONT, "fontsize": "10pt"})
        s("Text_20_body", "paragraph", parent="Standard", display="Text body",
          paragraph={"margintop": "0cm", "marginbottom": "0.2cm"})
        s("Introduzione", "paragraph", parent="Text_20_body", text={"fontsize": "11.5pt"})
        s("Nota", "paragraph", parent="Text_20_body", text={"fontsize": "8pt", "color": "#455b71"})
        s("Heading", "paragraph", parent="Standard",
          paragraph={"keepwithnext": "always", "margintop": "0.4cm", "marginbottom": "0.2cm"},
          text={"color": DARK_BLUE, **bold})
        for level, size in ((1, "17pt"), (2, "13pt"), (3, "11pt")):
            s(f"Heading_20_{level}", "paragraph", parent="Heading", display=f"Heading {level}",
              defaultoutlinelevel=str(level), text={"fontsize": size})
        s("Title", "paragraph", parent="Heading", display="Title",
          paragraph={"margintop": "1cm", "marginbottom": "0.5cm",
                     "borderbottom": f"1.5pt solid {BLUE}", "padding": "0.1cm"},
          text={"fontsize": "26pt", "color": "#1a1a1a"})
        s("Subtitle", "paragraph", parent="Standard", display="Subtitle",
          paragraph={"marginbottom": "1cm"}, text={"fontsize": "14pt"})
        s("Copertina_20_ente", "paragraph", parent="Standard", display="Copertina ente",
          paragraph={"margintop": "5cm", "marginbottom": "1.5cm"},
          text={"fontsize": "14pt", "color": BLUE, "texttransform": "uppercase", **bold})
        s("Avvertenza", "paragraph", parent="Standard",
          paragraph={"margintop": "0.3cm", "border": f"2pt solid {RED}", "padding": "0.3cm"},
          text={"color": RED, **bold})
        s("Caption", "paragraph", parent="Standard", display="Caption",
          paragraph={"keepwithnext": "always", "margintop": "0.2cm", "marginbottom": "0.1cm"},
          text={"fontsize": "9pt", **bold})
        s("Table_20_Contents", "paragraph", parent="Standard", display="Table Contents",
          text={"fontsize": "8pt"})
        s("Table_20_Heading", "paragraph", parent="Table_20_Contents", display="Table Heading",
          text={"color": "#ffffff", **bold})
        s("Footer", "paragraph", parent="Standard", display="Footer",
          paragraph={"textalign": "end"}, text={"fontsize": "8pt"})
        # Automatic styles: variants used in place.
        s("Capitolo", "paragraph", automatic=True, parent="Heading_20_1",
          paragraph={"breakbefore": "page"})
        s("FinePagina", "paragraph", automatic=True, parent="Standard",
          paragraph={"breakafter": "page"})
        s("Totale", "paragraph", automatic=True, parent="Table_20_Contents", text=bold)
        s("Etichetta", "paragraph", automatic=True, parent="Table_20_Contents", text=bold)
        s("Dimostrativo", "text", automatic=True, text={"color": RED, **bold})
        s("CellaIntestazione", "table-cell", automatic=True,
          cell={"backgroundcolor": BLUE, "border": f"0.5pt solid {BLUE}", "padding": "0.08cm"})
        s("Cella", "table-cell", automatic=True, cell={"border": BORDER, "padding": "0.08cm"})
        s("CellaTotale", "table-cell", automatic=True,
          cell={"border": BORDER, "bordertop": f"1pt solid {DARK_BLUE}",
                "backgroundcolor": LIGHT_BLUE, "padding": "0.08cm"})
        s("CellaEtichetta", "table-cell", automatic=True,
          cell={"border": BORDER, "backgroundcolor": LIGHT_BLUE, "padding": "0.08cm"})
        self._page_layout()

    def _page_layout(self) -> None:
        """A4 with the footer «[DATI DIMOSTRATIVI] Pagina N di M» (fields, not text)."""
        from odf.style import (
            Footer,
            FooterStyle,
            HeaderFooterProperties,
            MasterPage,
            PageLayout,
            PageLayoutProperties,
        )
        from odf.text import P, PageCount, PageNumber, Span

        width, height = ("29.7cm", "21cm") if self.wide else ("21cm", "29.7cm")
        layout = PageLayout(name="A4")
        layout.addElement(PageLayoutProperties(
            pagewidth=width, pageheight=height,
            printorientation="landscape" if self.wide else "portrait",
            margintop="2cm", marginbottom="1.5cm", marginleft=f"{MARGIN_CM}cm",
            marginright=f"{MARGIN_CM}cm",
        ))
        footer_style = FooterStyle()
        footer_style.addElement(HeaderFooterProperties(minheight="0.6cm", margintop="0.4cm"))
        layout.addElement(footer_style)
        self.odt.automaticstyles.addElement(layout)
        master = MasterPage(name="Standard", pagelayoutname=layout)
        footer = Footer()
        line = P(stylename=self.styles["Footer"])
        if self.doc.demo:
            line.addElement(Span(stylename=self.styles["Dimostrativo"], text=DEMO_NOTICE))
            line.addText(" — ")
        line.addText("Pagina ")
        line.addElement(PageNumber(selectpage="current", text="1"))
        line.addText(" di ")
        line.addElement(PageCount(text="1"))
        footer.addElement(line)
        master.addElement(footer)
        self.odt.masterstyles.addElement(master)

    # --- content --------------------------------------------------------------------------

    def write(self) -> None:
        self._cover()
        for index, block in enumerate(self.doc.blocks):
            if isinstance(block, Heading):
                level = min(max(block.level, 1), 3)
                chapter = starts_chapter(self.doc.blocks, index)
                style = "Capitolo" if chapter else f"Heading_20_{level}"
                self._heading(block.text, level, style)
            elif isinstance(block, Paragraph):
                style = {"note": "Nota", "lead": "Introduzione"}.get(block.style, "Text_20_body")
                self._paragraph(block.text, style)
            elif isinstance(block, KeyValues):
                self._key_values(block)
            elif isinstance(block, Table):
                self._table(block)
            elif isinstance(block, PageBreak):
                self._paragraph("", "FinePagina")  # an empty paragraph ending the page

    def _text(self, element: Any, text: str) -> Any:
        from odf import teletype

        teletype.addTextToElement(element, text)  # \n → line break, runs of spaces kept
        return element

    def _paragraph(self, text: str, style: str, into: Any = None) -> Any:
        from odf.text import P

        paragraph = self._text(P(stylename=self.styles[style]), text)
        (into if into is not None else self.odt.text).addElement(paragraph)
        return paragraph

    def _heading(self, text: str, level: int, style: str) -> None:
        from odf.text import H

        self.odt.text.addElement(
            self._text(H(outlinelevel=level, stylename=self.styles[style]), text)
        )

    def _cover(self) -> None:
        cover = self.doc.cover
        self._paragraph(cover.body, "Copertina_20_ente")
        self._paragraph(cover.title, "Title")
        for text in (cover.subtitle,):
            if text:
                self._paragraph(text, "Subtitle")
        for text in (cover.resolution, cover.date):
            if text:
                self._paragraph(text, "Text_20_body")
        if self.doc.demo:
            self._paragraph(f"{DEMO_NOTICE}\n{DEMO_EXPLANATION}", "Avvertenza")
        self._paragraph("", "FinePagina")

    def _new_table(self, widths: list[float]) -> Any:
        from odf.table import Table as OdfTable
        from odf.table import TableColumn

        self.tables += 1
        name = f"Tabella{self.tables}"
        self._style(name, "table", automatic=True,
                    table={"width": f"{self.text_width}cm", "align": "margins",
                           "marginbottom": "0.2cm"})
        table = OdfTable(name=name, stylename=self.styles[name])
        for column, width in enumerate(widths):
            column_style = self._style(
                f"{name}.{column}", "table-column", automatic=True,
                column={"columnwidth": f"{width * self.text_width:.2f}cm",
                        "relcolumnwidth": f"{max(1, round(width * 65535))}*"},
            )
            table.addElement(TableColumn(stylename=column_style))
        return table

    def _row(self, cells: list[str], cell_style: str, text_style: str,
             first_style: tuple[str, str] | None = None) -> Any:
        from odf.table import TableCell, TableRow

        row = TableRow()
        for index, text in enumerate(cells):
            cell_name, paragraph_name = (first_style if first_style and index == 0
                                         else (cell_style, text_style))
            cell = TableCell(stylename=self.styles[cell_name], valuetype="string")
            self._paragraph(text, paragraph_name, into=cell)
            row.addElement(cell)
        return row

    def _key_values(self, block: KeyValues) -> None:
        table = self._new_table([0.28, 0.72])
        for label, value in block.pairs:
            table.addElement(self._row([label, value], "Cella", "Table_20_Contents",
                                       first_style=("CellaEtichetta", "Etichetta")))
        self.odt.text.addElement(table)

    def _table(self, block: Table) -> None:
        from odf.table import TableHeaderRows

        if block.caption:
            self._paragraph(block.caption, "Caption")
        widths = relative_widths(block)
        table = self._new_table(widths)
        if block.header:
            header = TableHeaderRows()  # repeated on every page the table runs onto
            header.addElement(self._row(block.header, "CellaIntestazione", "Table_20_Heading"))
            table.addElement(header)
        totals = set(block.total_rows)
        for index, cells in enumerate(block.rows):
            padded = list(cells) + [""] * (len(widths) - len(cells))
            if index in totals:
                table.addElement(self._row(padded, "CellaTotale", "Totale"))
            else:
                table.addElement(self._row(padded, "Cella", "Table_20_Contents"))
        self.odt.text.addElement(table)
        for number, note in enumerate(block.footnotes, start=1):
            self._paragraph(f"[{number}] {note}", "Nota")
