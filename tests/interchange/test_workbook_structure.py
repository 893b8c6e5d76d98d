"""The plan structure of PIRA and RPP through the workbook (XLSX and ODS): level names,
programmes, cost centres, a PIRA objective's card, phases, actions with their money, published
indicators and the plans of merged bodies come back exactly, as through JSON and through the
database; wrong rows of the new sheets are refused by sheet, row and column.

The merged body is the Toscana Nord-Ovest of the RPP 2022 (seed ``002_…``) with the plans of
Lucca (its Progetto 1B0103 «Piano strategico provinciale 2030» and 1B0104 with their azioni
complesse and money, as the cards print them) and Pisa; its own plan is the small plan of
``tests/conftest.py`` with what a PIRA adds (seed ``004_…``: the card of objective A1, «€
460.000,00», «2021/2023 (triennale)»).
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from odf.opendocument import load as odf_load
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook, load_workbook

from performa.interchange.json_format import dump_json, load_json
from performa.interchange.workbook import dump_ods, dump_xlsx, load_ods, load_xlsx
from performa.plans.document import (
    ActionDoc,
    CostCentreDoc,
    IndicatorDoc,
    LevelLabels,
    OperationalObjectiveDoc,
    OrgUnitDoc,
    PhaseDoc,
    PlanDocument,
    ProgrammeDoc,
    StrategicAreaDoc,
    StrategicObjectiveDoc,
    VersionDoc,
)
from performa.plans.errors import InterchangeError

OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TNO = "Camera di Commercio della Toscana Nord-Ovest"
LUCCA = "Camera di Commercio di Lucca"
PISA = "Camera di Commercio di Pisa"
STUDI = "Servizio Studi, Politiche economiche e Regolazione del Mercato"

Dump = Callable[[PlanDocument], bytes]
Load = Callable[[bytes], PlanDocument]
FORMATS = [
    pytest.param(dump_xlsx, load_xlsx, id="xlsx"),
    pytest.param(dump_ods, load_ods, id="ods"),
]


def own_plan(plan: PlanDocument) -> PlanDocument:
    """The small plan with what a PIRA and an RPP add (figures of 004_… and 002_… Lucca)."""
    plan.body = TNO
    plan.version.title = "Relazione previsionale e programmatica 2022"
    plan.programmes = [
        ProgrammeDoc(
            mission="011", programme="005",
            title="Promozione e attuazione di politiche di sviluppo, competitività e innovazione",
            narrative="Nella missione confluiscono le attività della funzione D.",
            stakeholders="Cittadini, imprese ed Enti locali.", benefits="Imprese più digitali",
        ),
        ProgrammeDoc(mission="032", programme="003", classified_by="performa"),
    ]
    plan.cost_centres = [CostCentreDoc("C003", "Servizio Regolazione del Mercato"),
                         CostCentreDoc("D003", "Servizio Promozione")]
    digital = plan.areas[0].objectives[0]
    digital.description = (
        "Ambito progettuale: Governance e sviluppo locale. Realizzare iniziative per "
        "l'attuazione di politiche di marketing territoriale e sviluppo locale."
    )
    digital.time_span = "2021/2023 (triennale)"
    digital.stakeholders = "Cittadini, imprese ed Enti locali."
    digital.benefits = "Imprese più digitali"
    digital.responsible_centre = "CDR 3 - Studi, formazione, informazione e promozione economica."
    digital.resources = "€ 460.000,00"
    digital.related = "AA 101 AA 102"
    digital.phases = [PhaseDoc("Avvio della cabina di regia", 2022, 2022, "30/06/2022"),
                      PhaseDoc("Piano strategico", 2022, 2024)]
    plan.areas[0].objectives[1].classified_by = "performa"
    plan.areas[0].objectives[1].mission, plan.areas[0].objectives[1].programme = "032", "003"
    card = digital.operational[-1]
    card.mission, card.programme = "011", "005"
    card.actions = [
        ActionDoc("1B010301", "Piano strategico provinciale 2030", cost_centre="C003",
                  office=card.office, costs="€ 40.000,00", contributions="€ 40.000,00"),
        ActionDoc("1D710104", "Organismo di mediazione ADR CAM - Att. Comm.le",
                  activity="commercial", cost_centre="C003", costs="€ 35.300,00",
                  revenues="€ 60.800,00", description="Attività informativa e promozionale"),
    ]
    card.phases = [PhaseDoc("Bando voucher digitali", 2022, 2023, "31/12/2023")]
    card.indicators[0].published = True
    return plan


def lucca_plan() -> PlanDocument:
    """Two projects of the Lucca RPP 2022 with their azioni complesse, named as Lucca names
    its levels; «40.000,00» as the card prints it, the other amounts as Performa writes them."""
    def indicator(name: str) -> IndicatorDoc:
        return IndicatorDoc(name=name, unit="%", comparator="=", targets={2022: "100%"},
                            weight="100%")

    return PlanDocument(
        body=LUCCA, year=2022, triennium=(2022, 2024),
        version=VersionDoc(organ="Giunta", title="Relazione previsionale e programmatica 2022"),
        labels=LevelLabels("Area strategica", "Obiettivo strategico", "Progetto",
                           "Azione complessa"),
        areas=[StrategicAreaDoc("1", "COMPETITIVITA' DEL TERRITORIO", [
            StrategicObjectiveDoc("1B", "ANALISI DEL SISTEMA ECONOMICO LOCALE", operational=[
                OperationalObjectiveDoc(
                    "1B0103", "Piano strategico provinciale 2030", area="Area Studi",
                    office=STUDI,
                    indicators=[indicator("realizzazione delle attività richieste dalla Cabina "
                                          "di Regia/Gruppo operativo")],
                    actions=[ActionDoc("1B010301", "Piano strategico provinciale 2030",
                                       cost_centre="C003", office=STUDI, costs="40.000,00",
                                       contributions="40.000,00")],
                    phases=[PhaseDoc("Definizione del piano", 2022, 2022)],
                ),
                OperationalObjectiveDoc(
                    "1B0104", "Gestione fondi di perequazione 2019-20: Ambiente, "
                    "Infrastrutture, Turismo", area="Area Studi", office=STUDI,
                    indicators=[indicator("Sostenibilità ambientale: report finale")],
                    actions=[
                        ActionDoc("1B010401", "Gestione fondi di perequazione 2019-2020: "
                                  "Ambiente", cost_centre="C003", contributions="€ 2.100,00"),
                        ActionDoc("1B010402", "Gestione fondo di perequazione 2019-2020: "
                                  "Infrastrutture", cost_centre="C003", costs="€ 13.900,00",
                                  contributions="€ 17.300,00", investments="€ 1.750,00"),
                    ],
                ),
            ]),
        ])],
        org_units=[OrgUnitDoc("Area Studi", "area"),
                   OrgUnitDoc(STUDI, "office", parent="Area Studi")],
        cost_centres=[CostCentreDoc("C003", "Servizio Regolazione del Mercato")],
    )


def pisa_plan(plan: PlanDocument) -> PlanDocument:
    plan.body = PISA
    plan.labels = LevelLabels(area="Area strategica")
    return plan


def merged_plan(small_plan: Callable[[], PlanDocument]) -> PlanDocument:
    plan = own_plan(small_plan())
    plan.parts = [lucca_plan(), pisa_plan(small_plan())]
    return plan


@pytest.fixture
def merged(plan_maker: Callable[[], PlanDocument]) -> PlanDocument:
    """The Toscana Nord-Ovest's plan with Lucca's and Pisa's as its parts."""
    return merged_plan(plan_maker)


@pytest.fixture
def own(plan: PlanDocument) -> PlanDocument:
    """The Toscana Nord-Ovest's own plan, without parts."""
    return own_plan(plan)


def _all_actions(doc: PlanDocument) -> list[ActionDoc]:
    return [action for body in (doc, *doc.parts) for action in body.actions()]


def test_the_plan_has_every_new_thing(merged: PlanDocument) -> None:
    doc = merged
    assert len(_all_actions(doc)) == 5
    assert sum(len(so.phases) + sum(len(op.phases) for op in so.operational)
               for body in (doc, *doc.parts) for so in body.strategic_objectives()) == 4
    assert [part.body for part in doc.parts] == [LUCCA, PISA]
    # Lucca's codes and Pisa's are different trees: Pisa has the codes of the body's own plan.
    assert {op.code for op in doc.parts[1].operational_objectives()} == {
        op.code for op in doc.operational_objectives()
    }


# --------------------------------------------------------------------------------------------
# Round trips


@pytest.mark.parametrize(("dump", "load"), FORMATS)
def test_workbook_round_trip_keeps_the_structure_as_json_does(
    dump: Dump, load: Load, merged: PlanDocument
) -> None:
    doc = merged
    reference = dump_json(doc)
    assert load_json(reference) == doc
    back = load(dump(doc))
    assert back == doc
    assert dump_json(back) == reference


@pytest.mark.parametrize(("dump", "load"), FORMATS)
def test_a_plan_without_parts_round_trips_without_the_ente_column(
    dump: Dump, load: Load, own: PlanDocument
) -> None:
    assert load(dump(own)) == own


def test_single_body_workbook_has_no_ente_column_nor_parts_sheet(own: PlanDocument) -> None:
    workbook = load_workbook(io.BytesIO(dump_xlsx(own)))
    assert "Enti accorpati" not in workbook.sheetnames
    for ws in workbook.worksheets:
        assert ws["A1"].value != "Ente", ws.title


def _rows(ws: Any, min_row: int = 1) -> list[list[Any]]:
    return [[cell.value for cell in row] for row in ws.iter_rows(min_row=min_row)]


def test_xlsx_layout_of_the_new_sheets_and_columns(merged: PlanDocument) -> None:
    workbook = load_workbook(io.BytesIO(dump_xlsx(merged)))
    assert workbook.sheetnames == [
        "Piano", "Enti accorpati", "Ambiti", "Obiettivi strategici", "Obiettivi operativi",
        "Indicatori", "Azioni", "Fasi", "Programmi", "Centri di costo", "Unità organizzative",
        "Variabili", "Assegnazioni", "Fondo incentivante",
    ]
    assert _rows(workbook["Piano"], min_row=10) == [
        ["Nome livello 1 (ambiti)", None],
        ["Nome livello 2 (obiettivi strategici)", None],
        ["Nome livello 3 (obiettivi operativi)", None],
        ["Nome livello 4 (azioni)", None],
    ]
    parts = _rows(workbook["Enti accorpati"])
    assert parts[0] == [
        "Ente", "Anno", "Triennio", "Organo", "Numero delibera", "Data delibera", "Stato",
        "Titolo", "Nome livello 1 (ambiti)", "Nome livello 2 (obiettivi strategici)",
        "Nome livello 3 (obiettivi operativi)", "Nome livello 4 (azioni)",
        "Totale fondo incentivante", "Descrizione fondo incentivante",
    ]
    assert parts[1][:12] == [
        LUCCA, "2022", "2022-2024", "Giunta", None, None, "adottato",
        "Relazione previsionale e programmatica 2022", "Area strategica",
        "Obiettivo strategico", "Progetto", "Azione complessa",
    ]
    assert [row[0] for row in parts[1:]] == [LUCCA, PISA]

    actions = _rows(workbook["Azioni"])
    assert actions[0] == [
        "Ente", "Obiettivo operativo", "Codice", "Titolo",
        "Tipologia (istituzionale/commerciale)", "Centro di costo", "Ufficio", "Descrizione",
        "Oneri", "Ricavi", "Contributi", "Investimenti",
    ]
    # The body's own rows first (empty Ente), then each merged body's, in the order of the plan.
    assert [(row[0], row[1], row[2], row[4]) for row in actions[1:]] == [
        (None, "01_01_02", "1B010301", "istituzionale"),
        (None, "01_01_02", "1D710104", "commerciale"),
        (LUCCA, "1B0103", "1B010301", "istituzionale"),
        (LUCCA, "1B0104", "1B010401", "istituzionale"),
        (LUCCA, "1B0104", "1B010402", "istituzionale"),
    ]
    phases = _rows(workbook["Fasi"])
    assert phases == [
        ["Ente", "Obiettivo", "Livello", "Fase", "Dal", "Al", "Milestone"],
        [None, "01_01", "strategico", "Avvio della cabina di regia", "2022", "2022",
         "30/06/2022"],
        [None, "01_01", "strategico", "Piano strategico", "2022", "2024", None],
        [None, "01_01_02", "operativo", "Bando voucher digitali", "2022", "2023", "31/12/2023"],
        [LUCCA, "1B0103", "operativo", "Definizione del piano", "2022", "2022", None],
    ]
    assert _rows(workbook["Programmi"])[0] == [
        "Ente", "Missione", "Programma", "Titolo", "Descrizione", "Portatori d'interesse",
        "Benefici attesi", "Classificazione",
    ]
    assert _rows(workbook["Programmi"])[2] == [None, "032", "003", None, None, None, None,
                                               "performa"]
    assert _rows(workbook["Centri di costo"]) == [
        ["Ente", "Codice", "Denominazione"],
        [None, "C003", "Servizio Regolazione del Mercato"],
        [None, "D003", "Servizio Promozione"],
        [LUCCA, "C003", "Servizio Regolazione del Mercato"],
    ]
    strategic = _rows(workbook["Obiettivi strategici"])
    assert strategic[0][-8:] == [
        "Classificazione", "Descrizione", "Arco temporale", "Portatori d'interesse",
        "Benefici attesi", "Centro di responsabilità", "Risorse", "Obiettivi collegati",
    ]
    assert strategic[1][-6:] == [
        "2021/2023 (triennale)", "Cittadini, imprese ed Enti locali.", "Imprese più digitali",
        "CDR 3 - Studi, formazione, informazione e promozione economica.", "€ 460.000,00",
        "AA 101 AA 102",
    ]
    assert strategic[2][9] == "performa"
    indicators = _rows(workbook["Indicatori"])
    assert indicators[0][-1] == "Pubblicato (si/no)"
    assert [row[-1] for row in indicators[1:4]] == ["si", "no", "no"]
    operational = _rows(workbook["Obiettivi operativi"])
    assert operational[0][-2:] == ["Missione", "Programma"]
    assert operational[1][:2] == [None, "01_01_02"]
    assert operational[1][-2:] == ["011", "005"]
    assert operational[2][-2:] == [None, None]  # the strategic objective's
    # Every row sheet starts with the Ente column; the fund's shares name their body too.
    for ws in workbook.worksheets:
        if ws.title not in ("Piano", "Fondo incentivante"):
            assert ws["A1"].value == "Ente", ws.title
    assert [row[:3] for row in _rows(workbook["Fondo incentivante"], min_row=5)] == [
        ["Ente", "Obiettivo strategico", "Importo"],
        [None, "01_01", "€ 10.000,00"],
        [None, "01_03", "€ 10.000,00"],
        [PISA, "01_01", "€ 10.000,00"],
        [PISA, "01_03", "€ 10.000,00"],
    ]


def test_xlsx_amounts_are_euro_cells_a_spreadsheet_can_add_up(merged: PlanDocument) -> None:
    ws = load_workbook(io.BytesIO(dump_xlsx(merged)))["Azioni"]
    header = [cell.value for cell in ws[1]]
    costs = [row[header.index("Oneri")] for row in ws.iter_rows(min_row=2)]
    typed = [cell for cell in costs if cell.value is not None and cell.data_type == "n"]
    # «€ 40.000,00», «€ 35.300,00», «€ 13.900,00» are numbers shown in euro; Lucca's printed
    # «40.000,00» stays the text the card printed, an empty amount stays an empty text cell.
    assert [cell.value for cell in typed] == [40000, 35300, 13900]
    assert sum(cell.value for cell in typed) == 89200
    assert all("€" in cell.number_format for cell in typed)
    assert (costs[2].value, costs[2].data_type, costs[2].number_format) == ("40.000,00", "s", "@")
    assert (costs[3].value, costs[3].number_format) == (None, "@")


def test_ods_amounts_are_currency_cells(merged: PlanDocument) -> None:
    document = odf_load(io.BytesIO(dump_ods(merged)))
    table = next(t for t in document.spreadsheet.getElementsByType(Table)
                 if t.getAttribute("name") == "Azioni")
    rows = table.getElementsByType(TableRow)
    header = ["\n".join(str(p) for p in cell.getElementsByType(P))
              for cell in rows[0].getElementsByType(TableCell)]
    cells = [row.getElementsByType(TableCell)[header.index("Ricavi")] for row in rows[1:]]
    kinds = [(cell.getAttrNS(OFFICE_NS, "value-type"), cell.getAttrNS(OFFICE_NS, "value"),
              cell.getAttrNS(OFFICE_NS, "currency")) for cell in cells]
    assert kinds[1] == ("currency", "60800.00", "EUR")
    assert kinds[0] == (None, None, None)  # no revenues: an empty cell


def _edit_xlsx(data: bytes, edit: Callable[[Workbook], None]) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _column(ws: Any, header: str) -> int:
    for cell in ws[1]:
        if cell.value == header:
            return int(cell.column)
    raise AssertionError(header)


def test_xlsx_amounts_typed_by_the_office_are_read_as_euro_text(merged: PlanDocument) -> None:
    def edit(workbook: Workbook) -> None:
        ws = workbook["Azioni"]
        investments = ws.cell(row=4, column=_column(ws, "Investimenti"), value=2100)
        investments.number_format = '#,##0.00 "€"'
        ws.cell(row=5, column=_column(ws, "Ricavi"), value=500)  # a plain number

    back = load_xlsx(_edit_xlsx(dump_xlsx(merged), edit))
    lucca = back.parts[0].actions()
    assert lucca[0].investments == "€ 2.100,00"
    assert lucca[1].revenues == "500"


# --------------------------------------------------------------------------------------------
# Through the database


def _renamed(doc: PlanDocument, names: dict[str, str]) -> PlanDocument:
    renamed = copy.deepcopy(doc)
    for body in (renamed, *renamed.parts):
        body.body = names.get(body.body, body.body)
    return renamed


@pytest.mark.django_db
@pytest.mark.parametrize(("dump", "load"), FORMATS)
def test_database_to_workbook_to_database_gives_the_same_plan(
    dump: Dump, load: Load, merged: PlanDocument
) -> None:
    from performa.plans import models as m
    from performa.plans.store import plan_with_parts, store_plan

    first = plan_with_parts(store_plan(merged).version)
    assert [part.body for part in first.parts] == [LUCCA, PISA]
    assert len(_all_actions(first)) == 5
    assert first.parts[0].labels.operational == "Progetto"
    assert first.programmes[1].classified_by == "performa"

    data = dump(first)
    again = load(data)
    assert again == first
    copies = {TNO: f"{TNO} (copia)", LUCCA: f"{LUCCA} (copia)", PISA: f"{PISA} (copia)"}
    stored = store_plan(_renamed(again, copies))
    second = plan_with_parts(stored.version)
    assert second == _renamed(first, copies)
    assert _renamed(second, {v: k for k, v in copies.items()}) == first

    actions = m.Action.objects.filter(version__cycle__body__name__endswith="(copia)")
    assert actions.count() == 5
    # Oneri: 40.000 + 35.300 of the body's own card, 40.000 + 13.900 of Lucca's projects.
    assert sum(a.costs for a in actions) == Decimal("129200.00")
    assert sum(a.contributions for a in actions) == Decimal("99400.00")
    assert m.Phase.objects.filter(version__cycle__body__name__endswith="(copia)").count() == 4
    assert m.Body.objects.get(name=f"{LUCCA} (copia)").merged_into.name == f"{TNO} (copia)"


# --------------------------------------------------------------------------------------------
# Workbooks of earlier versions of Performa


NEW_SHEETS = ("Azioni", "Fasi", "Programmi", "Centri di costo")
NEW_COLUMNS = {
    "Indicatori": ("Pubblicato (si/no)",),
    "Obiettivi operativi": ("Programma", "Missione"),
    "Obiettivi strategici": (
        "Obiettivi collegati", "Risorse", "Centro di responsabilità", "Benefici attesi",
        "Portatori d'interesse", "Arco temporale", "Descrizione", "Classificazione",
    ),
}


def _previous_template(workbook: Workbook) -> None:
    """The workbook as the previous version of Performa wrote it: no level names, no sheets
    of actions, phases, programmes and cost centres, no card nor publication columns."""
    for sheet in NEW_SHEETS:
        del workbook[sheet]
    for sheet, headers in NEW_COLUMNS.items():
        ws = workbook[sheet]
        for header in headers:
            ws.delete_cols(_column(ws, header))
    workbook["Piano"].delete_rows(10, 4)


def test_a_workbook_of_the_previous_version_still_loads(own: PlanDocument) -> None:
    doc = own
    doc.labels = LevelLabels("Area strategica", "Obiettivo strategico", "Progetto", "Azione")
    data = _edit_xlsx(dump_xlsx(doc), _previous_template)
    workbook = load_workbook(io.BytesIO(data))
    assert not set(NEW_SHEETS) & set(workbook.sheetnames)
    assert workbook["Piano"]["A9"].value == "Titolo" and workbook["Piano"].max_row == 9

    expected = copy.deepcopy(doc)
    expected.labels = LevelLabels()
    expected.programmes, expected.cost_centres = [], []
    for so in expected.strategic_objectives():
        for name in ("classified_by", "description", "time_span", "stakeholders", "benefits",
                     "responsible_centre", "resources", "related"):
            setattr(so, name, "")
        so.phases = []
    for op in expected.operational_objectives():
        op.mission, op.programme, op.actions, op.phases = "", "", [], []
    for indicator in expected.indicators():
        indicator.published = False
    assert load_xlsx(data) == expected


# --------------------------------------------------------------------------------------------
# Refusals


XlsxEdit = Callable[[Workbook], None]


def _set(sheet: str, row: int, header: str, value: object, before: object = None) -> XlsxEdit:
    """Type ``value`` in a cell, after checking the cell is the one the test means."""

    def edit(workbook: Workbook) -> None:
        ws = workbook[sheet]
        cell = ws.cell(row=row, column=_column(ws, header))
        if before is not None:
            assert cell.value == before, (sheet, row, header, cell.value)
        cell.value = value

    return edit


def _both(*edits: XlsxEdit) -> XlsxEdit:
    def edit(workbook: Workbook) -> None:
        for one in edits:
            one(workbook)

    return edit


ACTIVITY = "Tipologia (istituzionale/commerciale)"


@pytest.mark.parametrize(
    ("edit", "location", "reason"),
    [
        (_set("Azioni", 3, ACTIVITY, "mista", before="commerciale"),
         f"foglio Azioni, riga 3, colonna {ACTIVITY}",
         "tipologia «mista» non valido (ammessi: istituzionale, commerciale)"),
        (_set("Azioni", 2, "Obiettivo operativo", "01_01_09", before="01_01_02"),
         "foglio Azioni, riga 2, colonna Obiettivo operativo",
         "obiettivo operativo «01_01_09» sconosciuto: non è nel foglio Obiettivi operativi"),
        # Lucca's project is not in Pisa's plan: codes belong to one body.
        (_set("Azioni", 4, "Ente", PISA, before=LUCCA),
         "foglio Azioni, riga 4, colonna Obiettivo operativo",
         f"obiettivo operativo «1B0103» sconosciuto: non è nel foglio Obiettivi operativi "
         f"per l'ente «{PISA}»"),
        (_set("Azioni", 6, "Codice", "1B010401", before="1B010402"),
         "foglio Azioni, riga 6, colonna Codice", "già usato alla riga 5"),
        (_set("Azioni", 2, "Codice", None, before="1B010301"),
         "foglio Azioni, riga 2, colonna Codice", "obbligatorio"),
        (_set("Azioni", 5, "Ente", "Camera di Commercio di Massa-Carrara", before=LUCCA),
         "foglio Azioni, riga 5, colonna Ente",
         "ente «Camera di Commercio di Massa-Carrara» sconosciuto"),
        (_set("Fasi", 3, "Al", "2024/25", before="2024"),
         "foglio Fasi, riga 3, colonna Al", "anno «2024/25» non valido (attese 4 cifre"),
        (_set("Fasi", 2, "Dal", "ventidue", before="2022"),
         "foglio Fasi, riga 2, colonna Dal", "anno «ventidue» non valido"),
        (_set("Fasi", 4, "Dal", "2024", before="2022"),
         "foglio Fasi, riga 4, colonna Al",
         "l'anno di fine 2023 viene prima di quello di inizio 2024"),
        (_set("Fasi", 4, "Livello", "strategico", before="operativo"),
         "foglio Fasi, riga 4, colonna Obiettivo",
         "obiettivo strategico «01_01_02» sconosciuto: non è nel foglio Obiettivi strategici"),
        (_set("Fasi", 2, "Livello", "tattico", before="strategico"),
         "foglio Fasi, riga 2, colonna Livello", "«tattico» non valido"),
        (_set("Fasi", 2, "Livello", None, before="strategico"),
         "foglio Fasi, riga 2, colonna Livello", "obbligatorio"),
        (_set("Fasi", 3, "Fase", None, before="Piano strategico"),
         "foglio Fasi, riga 3, colonna Fase", "obbligatorio"),
        (_both(_set("Programmi", 3, "Missione", "011", before="032"),
               _set("Programmi", 3, "Programma", "005", before="003")),
         "foglio Programmi, riga 3, colonna Programma",
         "programma «005» della missione «011» ripetuto (già alla riga 2)"),
        (_set("Programmi", 3, "Missione", None, before="032"),
         "foglio Programmi, riga 3, colonna Missione", "obbligatorio"),
        (_set("Programmi", 2, "Classificazione", "ufficio", before=None),
         "foglio Programmi, riga 2, colonna Classificazione", "«ufficio» non valido"),
        (_set("Obiettivi strategici", 2, "Classificazione", "io"),
         "foglio Obiettivi strategici, riga 2, colonna Classificazione", "«io» non valido"),
        (_set("Centri di costo", 3, "Codice", "C003", before="D003"),
         "foglio Centri di costo, riga 3, colonna Codice", "già usato alla riga 2"),
        (_set("Indicatori", 2, "Pubblicato (si/no)", "forse", before="si"),
         "foglio Indicatori, riga 2, colonna Pubblicato (si/no)", "«forse»"),
        (_set("Enti accorpati", 3, "Ente", LUCCA, before=PISA),
         "foglio Enti accorpati, riga 3, colonna Ente", "ripetuto (già alla riga 2)"),
        (_set("Enti accorpati", 2, "Ente", TNO, before=LUCCA),
         "foglio Enti accorpati, riga 2, colonna Ente", "è l'ente del piano"),
        (_set("Enti accorpati", 3, "Anno", "22", before="2022"),
         "foglio Enti accorpati, riga 3, colonna Anno", "anno «22» non valido"),
        (lambda wb: wb.remove(wb["Enti accorpati"]),
         "foglio Ambiti, riga 3, colonna Ente", f"ente «{LUCCA}» sconosciuto"),
    ],
)
def test_wrong_rows_are_refused_by_sheet_row_and_column(
    edit: XlsxEdit, location: str, reason: str, merged: PlanDocument
) -> None:
    with pytest.raises(InterchangeError) as caught:
        load_xlsx(_edit_xlsx(dump_xlsx(merged), edit))
    assert caught.value.location == location
    assert reason in caught.value.reason


def test_ods_refuses_an_unknown_activity_by_sheet_row_and_column(merged: PlanDocument) -> None:
    data = dump_ods(merged)
    document = odf_load(io.BytesIO(data))
    table = next(t for t in document.spreadsheet.getElementsByType(Table)
                 if t.getAttribute("name") == "Azioni")
    old = table.getElementsByType(TableRow)[2].getElementsByType(TableCell)[4]
    assert "\n".join(str(p) for p in old.getElementsByType(P)) == "commerciale"
    new = TableCell(valuetype="string")
    new.addElement(P(text="promozionale"))
    old.parentNode.insertBefore(new, old)
    old.parentNode.removeChild(old)
    buffer = io.BytesIO()
    document.write(buffer)
    with pytest.raises(InterchangeError) as caught:
        load_ods(buffer.getvalue())
    assert caught.value.location == f"foglio Azioni, riga 3, colonna {ACTIVITY}"
    assert "«promozionale»" in caught.value.reason
