"""A body's budget and financial-health indices as document blocks (RPP, PIRA consuntivo).

Everything printed here is what ``budget.reading.budget_overview`` gives — the amounts as
loaded, each index with the value, target and inputs the engine computed — so a figure reads
the same in a document as on the «Bilancio e indici» page and on the dashboard. Nothing is
added up or computed here: the blocks only format (amounts through ``format_money``, indices
with two decimals as the budget prints them).
"""

from __future__ import annotations

from decimal import Decimal

from performa.budget.reading import BudgetOverview, Column
from performa.engine.budget import IndexResult
from performa.engine.values import format_money, format_number

from .model import Block, Heading, Paragraph, Table

NOT_LOADED = ("Il bilancio di {body} non è caricato in Performa: le sue tabelle e gli indici di "
              "salute economico-finanziaria non sono disponibili.")
# The indices the RPP of Massa-Carrara prints (scheme IX) are read through the indices'
# «printed» figure, beside Performa's: the table of them is not repeated.
_SKIPPED_SCHEMES = frozenset({"IX"})


def ratio_text(value: Decimal | None) -> str:
    """An index as the budget prints it: two decimals, «n.d.» when there is none."""
    return "n.d." if value is None else format_number(float(value), 2)


def amount_text(value: Decimal | None) -> str:
    return "—" if value is None else format_money(value)


def outcome_text(result: IndexResult) -> str:
    """Whether the index meets its target, in words (colour is never the only signal)."""
    if result.met is None:
        return "—" if result.definition.target is None else "n.d."
    return "rispettato" if result.met else "non rispettato"


def index_value(result: IndexResult) -> str:
    """The value, and the source's own figure when it prints a different one."""
    text = ratio_text(result.shown)
    if result.agrees is False:
        text += f" (documento: {ratio_text(result.printed)})"
    return text


def calculation(result: IndexResult) -> str:
    """«1,90 = PATRIMONIO NETTO 10.186.566,06 / IMMOBILIZZAZIONI 5.357.678,69», or why not."""
    if result.shown is None:
        return f"n.d.: {result.reason}" if result.reason else "n.d."
    return f"{ratio_text(result.shown)} = {result.why}"


def budget_tables(overview: BudgetOverview, sheet_prefix: str = "") -> list[Block]:
    """Every scheme loaded (conto economico, investimenti, stato patrimoniale…), one column
    per year and kind."""
    labels = [column.label for column in overview.columns]
    blocks: list[Block] = []
    for scheme in overview.schemes:
        if scheme.scheme in _SKIPPED_SCHEMES:
            continue
        by_function = any(row.function for row in scheme.rows)
        by_centre = any(row.cost_centre for row in scheme.rows)
        header = ["Voce"] + (["Funzione"] if by_function else []) + (
            ["Centro di costo"] if by_centre else []) + labels
        rows = []
        for row in scheme.rows:
            cells = [row.label] + ([row.function_label or "—"] if by_function else []) + (
                [row.cost_centre or "—"] if by_centre else [])
            cells += [ratio_text(a) if scheme.ratio else amount_text(a) for a in row.amounts]
            rows.append(cells)
        text_columns = 1 + by_function + by_centre
        blocks.append(Table(
            header=header, rows=rows,
            caption=f"{scheme.title} ({'valori' if scheme.ratio else 'importi in euro'})",
            sheet=f"{sheet_prefix}{scheme.title}",
            widths=[4.0] + [2.0] * (text_columns - 1) + [1.6] * len(labels)))
    return blocks


def indices_table(overview: BudgetOverview, sheet_prefix: str = "") -> Table:
    """Each index with its target and its value in every column."""
    rows = [[row.definition.name, row.definition.target_text or "—",
             *(index_value(result) for result in row.results)] for row in overview.indices]
    return Table(header=["Indice", "Target", *(c.label for c in overview.columns)], rows=rows,
                 caption="Indici di salute economico-finanziaria calcolati da Performa",
                 sheet=f"{sheet_prefix}Indici", widths=[4.0, 1.2] + [1.4] * len(
                     overview.columns))


def inputs_table(overview: BudgetOverview, sheet_prefix: str = "") -> Table:
    """How each index was computed in each column: the formula with the amounts it read."""
    rows = []
    for row in overview.indices:
        for position, (column, result) in enumerate(row.cells):
            rows.append([row.definition.name if position == 0 else "", column.label,
                         calculation(result)])
    return Table(header=["Indice", "Bilancio", "Calcolo (voci e importi)"], rows=rows,
                 caption="Come sono calcolati gli indici", sheet=f"{sheet_prefix}Calcolo indici",
                 widths=[3.0, 1.6, 7.0])


def budget_chapter(overview: BudgetOverview, body: str, level: int,
                   sheet_prefix: str = "") -> list[Block]:
    """The RPP's chapter on the budget of the triennium: the tables, then the indices."""
    blocks: list[Block] = [Heading("Il bilancio del triennio e gli indici", level)]
    if overview.empty:
        return [*blocks, Paragraph(NOT_LOADED.format(body=body), "note")]
    blocks.append(Paragraph(
        "Le tabelle riportano gli importi del bilancio dell'ente per ciascun anno ("
        + ", ".join(c.label for c in overview.columns) + "). Gli indici di salute "
        "economico-finanziaria sono calcolati da Performa sulle stesse voci; per ciascuno è "
        "indicato il calcolo con le voci e gli importi che legge e, dove il documento di "
        "origine stampa una cifra diversa, anche quella."))
    blocks += budget_tables(overview, sheet_prefix)
    blocks.append(Heading("Indici di salute economico-finanziaria", min(level + 1, 3)))
    blocks += [indices_table(overview, sheet_prefix), inputs_table(overview, sheet_prefix)]
    return blocks


def health_block(overview: BudgetOverview, body: str, year: int, level: int = 1) -> list[Block]:
    """The consuntivo's financial-health block: the body's indices for ``year`` (its most
    final figures: consuntivo, else preconsuntivo, else preventivo) with target, value, outcome
    and inputs."""
    blocks: list[Block] = [Heading("Salute economico-finanziaria", level)]
    if overview.empty:
        return [*blocks, Paragraph(NOT_LOADED.format(body=body), "note")]
    column: Column | None = overview.column_for(year, earlier=False)
    if column is None:
        loaded = ", ".join(c.label for c in overview.columns)
        return [*blocks, Paragraph(
            f"Il bilancio caricato in Performa non ha importi per il {year} ({loaded}): gli "
            "indici dell'anno non sono disponibili.", "note")]
    blocks.append(Paragraph(
        f"Gli indici di salute economico-finanziaria dell'ente sul bilancio «{column.label}», "
        "calcolati da Performa sulle voci di bilancio caricate, con il target, l'esito e il "
        "calcolo (le voci e gli importi che ciascun indice legge)."))
    rows = []
    for row in overview.indices:
        result = row.at(column)
        rows.append([row.definition.name, row.definition.target_text or "—",
                     index_value(result), outcome_text(result), calculation(result)])
    blocks.append(Table(
        header=["Indice", "Target", f"Valore ({column.label})", "Esito", "Calcolo"],
        rows=rows, caption=f"Indici di salute economico-finanziaria — {column.label}",
        sheet="Salute finanziaria", widths=[3.0, 1.0, 1.3, 1.2, 5.5]))
    return blocks
