"""The budget tables of a Relazione previsionale e programmatica, from the seeds' text.

The layout is the one of the RPP 2022 of the Camera di Commercio di Massa-Carrara (seed
``002_…``, section «3. IL QUADRO DELLE RISORSE ECONOMICHE»): one column per year, headed
«Preconsuntivo 2021 · Preventivo 2022 · …», and eight tables one after the other — the conto
economico of the preventivo (DPR 254/2005, Allegato A), the piano degli investimenti, the
margins, the stato patrimoniale at 31/12, the conto economico riclassificato, the indices of
structure, treasury and management, and the Allegato A of the MISE Circolare 220612/2018.

The reader walks :data:`LAYOUT`, the list of the lines the tables print in order, and takes
every line of the section from the header on: a label that is not the expected one, a figure
that is not an amount, a line with too few or too many figures, an index table that ends
early, each is refused naming the line, and nothing is read (the caller stores nothing). What
the print gets wrong and the reader can still read without guessing is said in
``BudgetDocument.notes`` (the Allegato A heads its last column «2023» a second time).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from performa.budget.document import BudgetDocument, BudgetError, BudgetLine, check_lines
from performa.engine.values import ValueParseError, format_money, parse_money

__all__ = ["HEADER", "LAYOUT", "read_budget_text"]

HEADER: Final = "DATI DI BILANCIO GESTIONE CORRENTE"
_COLUMN_RE: Final = re.compile(r"(Preconsuntivo|Preventivo|Consuntivo)\s+(\d{4})", re.I)
_DATE_RE: Final = re.compile(r"31/12/(\d{4})")
_YEAR_RE: Final = re.compile(r"\d{4}")


@dataclass(frozen=True)
class Step:
    """One printed line: a title (no figures), a row of figures for ``scheme.item``, or an
    unlabelled header repeating the years (``dates``: «31/12/2021», ``years``: «2021»)."""

    kind: str  # "title", "row", "dates", "years"
    label: str
    scheme: str = ""
    item: str = ""
    # For the index tables, whose result rows say only «Risultato (Target >= 0,7)»: the
    # stored label is the title's, followed by the row's.
    titled: bool = False


def _t(label: str) -> Step:
    return Step("title", label)


def _r(scheme: str, item: str, label: str, *, titled: bool = False) -> Step:
    return Step("row", label, scheme, item, titled)


# The lines after the header, in order, as the seed prints them. Item codes of the conto
# economico follow the numbering of DPR 254/2005, Allegato A (A1-A5, B6-B9, C10-C11, D12-D13).
LAYOUT: Final[tuple[Step, ...]] = (
    _t("A) Proventi Correnti"),
    _r("CE", "A1", "Diritto Annuale"),
    _r("CE", "A2", "Diritto di Segreteria"),
    _r("CE", "A3", "Contributi trasferimenti e altre entrate"),
    _r("CE", "A4", "Proventi da gestione di beni e servizi"),
    _r("CE", "A5", "Variazioni delle rimanenze"),
    _r("CE", "A", "Totale Proventi Correnti (A)"),
    _t("B) Oneri Correnti"),
    _r("CE", "B6", "Spese per il personale"),
    _r("CE", "B7", "Spese di funzionamento"),
    _r("CE", "B8", "Spese per interventi economici"),
    _r("CE", "B9", "Ammortamenti e accantonamenti"),
    _r("CE", "B", "Totale Oneri Correnti (B)"),
    _r("CE", "AB", "Risultato Gestione Corrente (A-B)"),
    _t("GESTIONE FINANZIARIA"),
    _r("CE", "C10", "Proventi finanziari"),
    _r("CE", "C11", "Oneri finanziari"),
    _r("CE", "C", "Risultato Gestione Finanziaria"),
    _t("GESTIONE STRAORDINARIA"),
    _r("CE", "D12", "Proventi straordinari"),
    _r("CE", "D13", "Oneri straordinari"),
    _r("CE", "D", "Risultato Gestione Straordinaria"),
    _r("CE", "RIS", "Avanzo/Disavanzo economico d'esercizio"),
    _t("PIANO DEGLI INVESTIMENTI"),
    _r("INV", "E", "Immobilizzazioni immateriali"),
    _r("INV", "F", "Immobilizzazioni materiali"),
    _r("INV", "G", "Immobilizzazioni finanziarie"),
    _r("INV", "TOT", "TOTALE INVESTIMENTI"),
    _r("MG", "ENTRATE", "Entrate Correnti (al netto dei trasf. da F.P.)"),
    _r("MG", "FIN", "Risultato Gestione Finanziaria"),
    _r("MG", "STRAORD", "Risultato Gestione Straordinaria"),
    _r("MG", "RIVAL", "Rivalutazioni e svalutazioni"),
    _r("MG", "TOTALE", "TOTALE"),
    _r("MG", "ONERI", "Oneri Correnti (al netto degli I.E.)"),
    _r("MG", "COPERTURA", "Margine di Copertura"),
    _r("MG", "FP", "Trasferimenti da F.P."),
    _r("MG", "IE", "Interventi Economici"),
    _r("MG", "RIS", "Risultato"),
    _r("MG", "PN", "Patrimonio Netto"),
    _r("MG", "PASS_CONS", "Passività Consolidate"),
    _r("MG", "ATTIVO_FISSO", "Attivo Fisso"),
    _r("MG", "STRUTTURA", "Margine di Struttura"),
    _r("MG", "RISERVA", "Riserva vincolata ex circolare MISE n. 212337 del 1.12.2014"),
    _r("MG", "STRUTTURA_NETTO", "Margine di struttura al netto della Riserva vincolata"),
    Step("dates", ""),
    _r("SP", "IMM_MI", "Immobilizzazioni"),
    _r("SP", "IMM_FIN", "Immobilizzazioni finanziarie"),
    _r("SP", "IMM", "IMMOBILIZZAZIONI"),
    _r("SP", "RIMANENZE", "Rimanenze"),
    _r("SP", "CREDITI", "Crediti di funzionamento"),
    _r("SP", "LIQUIDITA", "Disponibilità liquide"),
    _r("SP", "CIRCOLANTE", "ATTIVO CIRCOLANTE"),
    _r("SP", "RATEI_ATT", "Ratei e risconti"),
    _r("SP", "ATTIVO", "TOTALE ATTIVO"),
    _r("SP", "PN_INIZ", "Patrimonio Netto iniziale"),
    _r("SP", "RIS_RIVAL", "Differenza (t1-t0) Riserve di rivalutazione partecipazioni"),
    _r("SP", "RIS_ES", "Risultato dell'esercizio"),
    _r("SP", "PN", "PATRIMONIO NETTO"),
    _r("SP", "DEB_FIN", "DEBITI DI FINANZIAMENTO"),
    _r("SP", "TFR", "FONDO TFR"),
    _r("SP", "DEB_FUNZ", "DEBITI DI FUNZIONAMENTO"),
    _r("SP", "FONDI_RISCHI", "FONDI RISCHI E ONERI"),
    _r("SP", "RATEI_PASS", "Ratei e risconti"),
    _r("SP", "PASSIVO", "TOTALE PASSIVO E NETTO"),
    _r("RC", "A1", "Diritto Annuale"),
    _r("RC", "A2", "Diritti di Segreteria"),
    _r("RC", "A3", "Contributi trasferimenti e altre entrate"),
    _r("RC", "A4", "Proventi da gestione beni e servizi"),
    _r("RC", "A5", "Variazione delle scorte"),
    _r("RC", "A", "PROVENTI CORRENTI"),
    _r("RC", "B6", "Spese di Personale"),
    _r("RC", "B7", "Spese di Funzionamento"),
    _r("RC", "B8", "Interventi economici"),
    _r("RC", "B9", "Ammortamenti e altri accantonamenti"),
    _r("RC", "B", "ONERI CORRENTI"),
    _r("RC", "AB", "Risultato della Gestione Corrente"),
    _r("RC", "C", "GESTIONE FINANZIARIA"),
    _r("RC", "D", "GESTIONE STRAORDINARIA"),
    _r("RC", "RIVAL", "RIVALUTAZIONI E SVALUTAZIONI"),
    _r("RC", "RIS", "RISULTATO DELL'ESERCIZIO"),
    _t("Indice di Struttura (1) (PN/Immobilizzazioni)"),
    _r("IX", "IS1", "Risultato (Target >= 0,7)", titled=True),
    _t("Indice di Struttura (2) (PN+Deb.Finanz./Immobilizzazioni)"),
    _r("IX", "IS2", "Risultato (Target >= 1,0)", titled=True),
    _t("Indice di Struttura (3) (PN+PF/Immobilizzazioni)"),
    _r("IX", "IS3", "Risultato (Target >= 1,0)", titled=True),
    _t("Indice primario di tesoreria"),
    _r("AN", "LIQ_IMM", "Liquidità immediata"),
    _r("AN", "PASS_CORR", "Passività correnti"),
    _r("IX", "TES1", "Indice primario di tesoreria"),
    _t("Indice secondario di tesoreria"),
    _r("AN", "LIQ_IMM", "Liquidità immediata"),
    _r("AN", "LIQ_DIFF", "Liquidità differita"),
    _r("AN", "PASS_CORR", "Passività correnti"),
    _r("IX", "TES2", "Indice secondario di tesoreria"),
    _t("Indici di gestione"),
    _r("IX", "G1", "Oneri gestione corrente / Proventi gestione corrente"),
    _r("IX", "G2", "Oneri di personale / Proventi gestione corrente"),
    _r("IX", "G3", "Oneri di funzionamento / Proventi di gestione corrente"),
    _r("IX", "G4", "Costi per iniziative promozionali / Proventi di gestione corrente"),
    _r("IX", "G5", "Costi per iniziative promozionali / Oneri di gestione corrente"),
    _t("Circolare Mise n. 220612 dell'11 giugno 2018"),
    _t("ALLEGATO A"),
    Step("years", ""),
    _t("1. Indice di squilibrio strutturale"),
    _r("AN", "MISE_PROV", "Proventi correnti"),
    _r("AN", "MAGG_DA", "meno Maggiorazione diritto annuale"),
    _r("AN", "FONDO_PEREQ",
       "meno Contributi da fondo perequativo e contributi per finalità promoz."),
    _r("AN", "PROV_RETT", "Totale proventi correnti (valore rettificato come sopra)"),
    _r("AN", "MISE_PERS", "Costi di personale"),
    _r("AN", "MISE_FUNZ", "più Costi di Funzionamento"),
    _r("AN", "MISE_AMM", "più Ammortamenti e accantonamenti"),
    _r("AN", "ACC_RISCHI", "meno Accantonamento al Fondo rischi e oneri"),
    _r("AN", "ONERI_RETT", "Totale oneri correnti (valore rettificato come sopra)"),
    _r("IX", "SQUILIBRIO", "Algoritmo = tot prov - tot onr / tot prov"),
    _t("Si trovano in situazione di squilibrio strutturale tutte le camere che stimano un "
       "valore negativo dell'indice nel triennio"),
    _t("2. Indice di dissesto finanziario"),
    _r("AN", "DIFF_RETT", "Valore assoluto (tot prov - tot onr)"),
    _r("AN", "LIQ_FINE", "Liquidità a fine anno"),
    _r("IX", "DISSESTO", "Algoritmo = liq x-1 (x anno in cui si adotta la delibera +50% d.a.) "
                         "/ valore assoluto (toto prov - tot onr)"),
)


def _norm(text: str) -> str:
    """A label for comparison: NFC, typographic apostrophes straight, spaces collapsed."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("\u00a0", " ")
    return " ".join(text.split()).casefold()


def _cells(line: str) -> tuple[str, list[str]]:
    """The label and the non-empty figure cells of a tab-separated line."""
    parts = line.rstrip("\r\n").split("\t")
    return parts[0].strip(), [p.strip() for p in parts[1:] if p.strip()]


@dataclass(frozen=True)
class Column:
    year: int
    kind: str


def _columns(cells: list[str], number: int) -> list[Column]:
    columns = []
    for cell in cells:
        found = _COLUMN_RE.fullmatch(cell)
        if not found:
            raise BudgetError(f"riga {number}", f"intestazione di colonna «{cell}» non "
                                                "leggibile: attesa «Preventivo AAAA», "
                                                "«Preconsuntivo AAAA» o «Consuntivo AAAA»")
        columns.append(Column(int(found.group(2)), found.group(1).lower()))
    if not columns:
        raise BudgetError(f"riga {number}", "l'intestazione non ha colonne di anni")
    years = [c.year for c in columns]
    if years != sorted(set(years)):
        raise BudgetError(f"riga {number}", "gli anni delle colonne devono essere crescenti e "
                                            "diversi")
    return columns


def _check_years(found: list[int], columns: list[Column], number: int, notes: list[str]) -> None:
    """A header repeating the years must repeat the first header's; a year printed twice in
    the last column, where the first header says the next year, is the print's slip (noted)."""
    expected = [c.year for c in columns]
    if found == expected:
        return
    slips = [i for i, (got, want) in enumerate(zip(found, expected, strict=False))
             if got != want]
    if (len(found) == len(expected) and slips == [len(found) - 1] and len(found) > 1
            and found[-1] == found[-2]):
        i = slips[0]
        notes.append(f"riga {number}: l'intestazione stampa {found[i]} due volte; la colonna "
                     f"{i + 1} è letta come {expected[i]}, come nelle altre tabelle")
        return
    raise BudgetError(f"riga {number}", f"anni {', '.join(map(str, found)) or 'assenti'} "
                                        f"diversi da quelli delle colonne "
                                        f"({', '.join(map(str, expected))})")


def _amounts(cells: list[str], columns: list[Column], number: int, label: str) -> list[Decimal]:
    if len(cells) != len(columns):
        raise BudgetError(f"riga {number}", f"«{label}» ha {len(cells)} cifre, attese "
                                            f"{len(columns)} (una per colonna)")
    amounts = []
    for position, cell in enumerate(cells, 1):
        try:
            amount = parse_money(cell)
        except ValueParseError as error:
            raise BudgetError(f"riga {number}, colonna {position}", str(error)) from None
        if amount is None:
            raise BudgetError(f"riga {number}, colonna {position}", f"«{cell}» non è un importo")
        amounts.append(amount)
    return amounts


def _header_line(lines: list[str]) -> int:
    found = [i for i, line in enumerate(lines) if _norm(_cells(line)[0]) == _norm(HEADER)]
    if not found:
        raise BudgetError("", f"nessuna tabella «{HEADER}» nel testo")
    if len(found) > 1:
        raise BudgetError(f"riga {found[1] + 1}", f"una seconda tabella «{HEADER}» (la prima "
                                                  f"è alla riga {found[0] + 1}): un file per "
                                                  "bilancio")
    return found[0]


def read_budget_text(text: str) -> BudgetDocument:
    """Every amount of the budget tables of ``text``, or a :class:`BudgetError` naming the
    line. Lines are numbered from 1 as in an editor."""
    if "\x00" in text:
        raise BudgetError("", "il testo contiene il carattere NUL")
    lines = text.splitlines()
    start = _header_line(lines)
    _, header_cells = _cells(lines[start])
    columns = _columns(header_cells, start + 1)
    doc = BudgetDocument()
    by_key: dict[tuple[str, str, str, str, int, str], BudgetLine] = {}
    title = ""
    number = start + 1
    index = start + 1
    for step in LAYOUT:
        # Blank lines, and unlabelled lines of zeros (a spreadsheet's check row kept by the
        # conversion, «\t\t\t0,00\t0,00» after the margins), separate the tables.
        while index < len(lines):
            label, cells = _cells(lines[index])
            if label or (cells and not all(_is_zero(c) for c in cells)):
                break
            index += 1
        number = index + 1
        if index >= len(lines):
            expected = step.label or "l'intestazione degli anni"
            raise BudgetError(f"riga {number}", f"il testo finisce prima di «{expected}»")
        label, cells = _cells(lines[index])
        if step.kind == "dates":
            dates = [_DATE_RE.fullmatch(c) for c in [label, *cells] if c]
            if not dates or not all(dates):
                raise BudgetError(f"riga {number}", "attesa l'intestazione con le date "
                                                    "31/12/AAAA dello stato patrimoniale")
            _check_years([int(d.group(1)) for d in dates if d], columns, number, doc.notes)
        elif step.kind == "years":
            years = [c for c in [label, *cells] if c]
            if not years or not all(_YEAR_RE.fullmatch(c) for c in years):
                raise BudgetError(f"riga {number}", "attesa l'intestazione con gli anni delle "
                                                    "colonne")
            _check_years([int(c) for c in years], columns, number, doc.notes)
        elif _norm(label) != _norm(step.label):
            raise BudgetError(f"riga {number}", f"attesa «{step.label}», trovata "
                                                f"«{label or lines[index].strip()}»")
        elif step.kind == "title":
            if cells:
                raise BudgetError(f"riga {number}", f"«{label}» è un titolo: non deve avere "
                                                    "cifre")
            title = label
        else:
            stored_label = f"{title} — {label}" if step.titled and title else label
            for column, amount in zip(columns, _amounts(cells, columns, number, label),
                                      strict=True):
                line = BudgetLine(scheme=step.scheme, item=step.item, label=stored_label,
                                  year=column.year, kind=column.kind, amount=amount,
                                  place=f"riga {number}")
                _merge(line, by_key, doc)
        index += 1
    check_lines(doc.lines)
    doc.source = f"righe {start + 1}-{number}"
    return doc


def _is_zero(cell: str) -> bool:
    try:
        return parse_money(cell) == 0
    except ValueParseError:
        return False


def _merge(line: BudgetLine, by_key: dict[tuple[str, str, str, str, int, str], BudgetLine],
           doc: BudgetDocument) -> None:
    """Keep one line per amount: a repetition must print the same figure."""
    first = by_key.get(line.key())
    if first is None:
        by_key[line.key()] = line
        doc.lines.append(line)
    elif first.amount != line.amount:
        raise BudgetError(line.place, f"«{line.label}» del {line.year} stampa "
                                      f"{format_money(line.amount)}, "
                                      f"diverso da {format_money(first.amount)} della "
                                      f"{first.place}")
