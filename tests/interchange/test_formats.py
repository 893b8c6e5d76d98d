"""The plan interchange formats: JSON, XLSX and ODS round trips, layout, and every refusal.

The plan is built by hand from real rows of the Pistoia-Prato Piano della performance 2022-2024
(seed ``000_7c03116ef0aec330``): two ambiti, three obiettivi strategici, four schede and their
indicators as printed ("n.d.", "≥", "30/11/2022", "12,5%", "14,3%"), plus what Performa adds to
the printed plan: an indicator key, a cumulative indicator measured at "30/06, 31/12", and the
variables that formulas read.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from odf.opendocument import load as odf_load
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook, load_workbook

from performa.interchange.json_format import dump_json, load_json
from performa.interchange.workbook import (
    SHEET_NAMES,
    dump_ods,
    dump_xlsx,
    load_ods,
    load_xlsx,
)
from performa.plans.document import (
    Assignment,
    FundShare,
    IncentiveFund,
    IndicatorDoc,
    OperationalObjectiveDoc,
    OrgUnitDoc,
    PlanDocument,
    StrategicAreaDoc,
    StrategicObjectiveDoc,
    VariableDoc,
    VersionDoc,
)
from performa.plans.errors import InterchangeError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "interchange.md"
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
BANDO_KEY = "3f6c2a1e-8d4b-4f7a-9c2e-5b1d7e8a9f04"  # an indicator key, as Performa writes it

PID_DESCRIPTION = (
    "In continuità rispetto ai servizi già offerti dalla Camera di Commercio nel 2021, il "
    "progetto si propone il supporto alla creazione e allo sviluppo di impresa attraverso "
    "iniziative volte a favorire l'innovazione e la digitalizzazione delle imprese stesse. "
    "Nel 2022 gli obiettivi del progetto saranno:\n\n"
    "- Diffusione conoscenze di base su tecnologie Industria 4.0 attraverso attività di "
    "comunicazione e attività seminariale\n"
    "- Mappatura della maturità digitale delle imprese e assistenza nell'avvio di processi di "
    "digitalizzazione"
)


def make_plan() -> PlanDocument:
    transizione_digitale = OperationalObjectiveDoc(
        code="01_01_01",
        title="Favorire la transizione digitale (obiettivo comune di sistema)",
        description=(
            "L'obiettivo rientra tra gli obiettivi comuni di sistema fissati dall'Unioncamere "
            "e mira all'ampliamento delle attività dei PID."
        ),
        expected_impact=(
            "Accrescimento della maturità digitale delle imprese del territorio supportat dal PID"
        ),
        area="Obiettivo trasversale",
        transversal=True,
        common_objective=True,
        indicators=[
            IndicatorDoc(
                name="Livelli di attività di valutazione della maturità digitale delle imprese",
                description=(
                    "Numero di self-assessment e/o assessment guidati (anche eseguiti da "
                    "remoto) della maturità digitale condotti dal PID"
                ),
                code="OC_TD_01",
                kind="Volume",
                unit="n.",
                baseline="130",
                comparator=">=",
                targets={2022: "60"},
                weight="25,0%",
            ),
            IndicatorDoc(
                name="Azioni di diffusione della cultura digitale realizzate dal PID",
                description=(
                    "Numero di eventi di informazione e sensibilizzazione (seminari, webinar, "
                    "formazione in streaming) organizzati nell'anno dal PID"
                ),
                kind="Volume",
                unit="n.",
                baseline="5",
                comparator=">=",
                targets={2022: "4"},
                weight="25,0%",
            ),
            IndicatorDoc(
                name="Capacità di coinvolgimento negli eventi relativi al PID",
                description="Numero partecipanti ad eventi organizzati dalle CCIAA sul PID",
                kind="Volume",
                unit="n.",
                baseline="n.d.",
                comparator=">=",
                targets={2022: "80"},
                weight="25,0%",
            ),
            IndicatorDoc(
                name=(
                    "Grado di coinvolgimento delle imprese in attività di assistenza per la "
                    "digitalizzazione e l'adozione di tecnologie 4.0"
                ),
                description=(
                    "Numero di imprese assistite per la digitalizzazione e l'adozione di "
                    "tecnologie 4.0 nell'anno / N. imprese attive al 31/12"
                ),
                kind="Efficacia",
                unit="n.",
                baseline="0,2%",
                comparator=">=",
                targets={2022: "0,1%"},
                weight="25,0%",
                formula="N_Imprese_Assistite_40 / N_ImprAtt",
                source="Priamo",
            ),
        ],
    )
    pid = OperationalObjectiveDoc(
        code="01_01_02",
        title="PID - Punto Impresa Digitale",
        description=PID_DESCRIPTION,
        resources="335.000,00 €",
        area="Promozione e sviluppo economico",
        office="Punto Impresa Digitale",
        indicators=[
            IndicatorDoc(
                name="Bando PID",
                description="Numero di domande gestite su bando Pid",
                kind="Volume",
                unit="n.",
                baseline="426",
                comparator="≥",
                targets={2022: "80"},
                weight="12,5%",
                key=BANDO_KEY,
            ),
            IndicatorDoc(
                name="Risorse umane dedicate",
                description=(
                    "Esprime le risorse dedicate al Punto Impresa Digitale, espresse in FTE"
                ),
                kind="Volume",
                unit="n.",
                baseline="2,0",
                comparator="≤",
                targets={2022: "2,0"},
                weight="12,5%",
            ),
            IndicatorDoc(
                name="Grado di utilizzo delle risorse",
                description="Risorse utilizzate/risorse stanziata a budget",
                kind="Salute economica",
                unit="%",
                baseline="100%",
                comparator="≥",
                targets={2023: "85%", 2022: "80%"},  # two years, not in order
                weight="12,5%",
                source="Oracle",
                office="Contabilità e finanza",
            ),
            IndicatorDoc(
                name="Customer satisfaction",
                description=(
                    "Giudizio medio di soddisfazione ottenuto nella rilevazione di customer di ente"
                ),
                kind="Qualità",
                unit="n.",
                baseline="7,4",
                comparator="≥",
                targets={2022: "7,4"},
                weight="12,5%",
                source="rilevazione interna",
            ),
        ],
    )
    spazi = OperationalObjectiveDoc(
        code="01_04_03",
        title="Valorizzazione degli spazi camerali e dell'Auditorium",
        description=(
            "Nel 2022 proseguirà l'attività di valorizzazione dell'Auditorium e degli spazi "
            "pubblici delle sedi camerali, sempre nel rispetto delle norme di contenimento del "
            "contagio."
        ),
        resources="8.000,00 €",
        area="Segretario Generale",
        office="Relazioni esterne Ufficio Tecnico",
        indicators=[
            IndicatorDoc(
                name="Attrattività eventi realizzati",
                description=("Numero di partecipanti ad eventi realizzati presso la sede camerale"),
                kind="Volume",
                unit="n.",
                baseline="1179",
                comparator=">=",
                targets={2022: "1.500,0"},
                weight="20,0%",
                accumulation="cumulative",
                measured_at="30/06, 31/12",
            ),
            IndicatorDoc(
                name="Valorizzazione degli spazi",
                description=(
                    "Installazione di un'opera d'arte presso gli spazi dell'Auditorium o "
                    "realizzazione di altra iniziativa di valorizzazione"
                ),
                kind="Efficienza",
                unit="data",
                baseline="n.d.",
                comparator="=",
                targets={2022: "30/11/2022"},
                weight="20,0%",
            ),
        ],
    )
    firma = OperationalObjectiveDoc(
        code="02_01_05",
        title="Firma digitale e carte tachigrafiche",
        description=(
            "La Camera si prefigge di consolidare il servizio di rilascio dei dispositivi digitali."
        ),
        resources="Risorse interne",
        area="Anagrafe e semplificazione",
        office=(
            "Registro imprese e REA (PT), Commercio estero e protesti e Sportelli "
            "polifunzionali (PO)"
        ),
        indicators=[
            IndicatorDoc(
                name="Dispositivi per la firma digitale",
                description=("Numero di rilasci e rinnovi di dispositivi per la firma digitale"),
                kind="Volume",
                unit="n.",
                baseline="8.377",
                comparator=">=",
                targets={2022: "8.400"},
                weight="14,3%",
            ),
            IndicatorDoc(
                name="Dispositivi per la firma digitale",
                description="Attivazione Servizio riconoscimento da remoto",
                kind="Efficienza",
                unit="data",
                baseline="n.d.",
                comparator="<=",
                targets={2022: "28/02/2022"},
                weight="14,3%",
            ),
            IndicatorDoc(
                name="Customer satisfaction",
                description=(
                    "Giudizio medio di soddisfazione ottenuto nella rilevazione di customer di ente"
                ),
                kind="Qualità",
                unit="n.",
                baseline="7,8",
                comparator=">=",
                targets={2022: "7,8"},
                weight="14,3%",
            ),
        ],
    )
    return PlanDocument(
        body="Camera di Commercio di Pistoia-Prato",
        year=2022,
        triennium=(2022, 2024),
        version=VersionDoc(
            organ="Giunta",
            number="12/22",
            date="23/02/2022",
            status="adopted",
            title="Piano della performance 2022-2024",
        ),
        areas=[
            StrategicAreaDoc(
                code="1",
                title=(
                    "Promozione e sostegno allo sviluppo e alla competitività del territorio "
                    "e del sistema delle imprese"
                ),
                objectives=[
                    StrategicObjectiveDoc(
                        code="01_01",
                        title="Digitalizzazione, nuove tecnologie e innovazione",
                        mission="011",
                        programme="005",
                        function="D",
                        perspective="Imprese, territorio e consumatori",
                        common_objective="Transizione digitale",
                        operational=[transizione_digitale, pid],
                    ),
                    StrategicObjectiveDoc(
                        code="01_04",
                        title=(
                            "Competitività delle imprese, Sostenibilità ambientale ed "
                            "Economia circolare"
                        ),
                        mission="011",
                        programme="005",
                        operational=[spazi],
                    ),
                ],
            ),
            StrategicAreaDoc(
                code="2",
                title="Semplificazione amministrativa ed e-government",
                objectives=[
                    StrategicObjectiveDoc(
                        code="02_01",
                        title="L'e-government per la competitività delle imprese",
                        mission="012",
                        programme="004",
                        function="C",
                        operational=[firma],
                    )
                ],
            ),
        ],
        org_units=[
            OrgUnitDoc(name="Segretario Generale", kind="area"),
            OrgUnitDoc(name="Promozione e sviluppo economico", kind="area"),
            OrgUnitDoc(
                name="Punto Impresa Digitale",
                kind="office",
                parent="Promozione e sviluppo economico",
                fte="2,0",
            ),
            OrgUnitDoc(name="Anagrafe e semplificazione", kind="area"),
            OrgUnitDoc(
                name="Registro imprese e REA (PT)",
                kind="office",
                parent="Anagrafe e semplificazione",
                fte="3,9",
            ),
        ],
        variables=[
            VariableDoc(
                name="N_ImprAtt",
                description="Numero imprese attive al 31/12",
                unit="n.",
                source="Registro Imprese",
                office="Registro Imprese",
            ),
            VariableDoc(
                name="N_Imprese_CD",
                description="N. imprese aderenti Cassetto digitale",
            ),
        ],
        assignments=[
            Assignment(
                area="Segretario Generale",
                objectives=[
                    "Favorire la transizione digitale (obiettivo comune di sistema)",
                    "Valorizzazione degli spazi camerale e dell'Auditorium",
                ],
            ),
            Assignment(
                area="Promozione e sviluppo economico",
                objectives=["PID - Punto Impresa digitale"],
            ),
            Assignment(
                area="Anagrafe e semplificazione",
                objectives=["Firma digitale e carte tachigrafiche"],
            ),
        ],
        incentive_fund=IncentiveFund(
            total="€ 129.000,00",
            description=(
                "La somma di € 72.000 sarà pertanto ripartita in parti uguali tra gli "
                "obiettivi strategici."
            ),
            shares=[
                FundShare(strategic_objective="01_01", amount="€ 10.285,71"),
                FundShare(strategic_objective="01_04", amount="€ 10.285,71"),
                FundShare(strategic_objective="02_01", amount="€ 10.285,71"),
            ],
        ),
    )


@pytest.fixture(scope="module")
def plan() -> PlanDocument:
    return make_plan()


@pytest.fixture(scope="module")
def plan_json(plan: PlanDocument) -> str:
    return dump_json(plan)


@pytest.fixture(scope="module")
def plan_xlsx(plan: PlanDocument) -> bytes:
    return dump_xlsx(plan)


@pytest.fixture(scope="module")
def plan_ods(plan: PlanDocument) -> bytes:
    return dump_ods(plan)


def test_the_plan_is_realistic(plan: PlanDocument) -> None:
    assert len(plan.areas) == 2
    assert sum(len(area.objectives) for area in plan.areas) == 3
    assert len(plan.operational_objectives()) == 4
    assert len(plan.indicators()) == 13


# --------------------------------------------------------------------------------------------
# JSON


def test_json_round_trip_is_identical(plan: PlanDocument, plan_json: str) -> None:
    reloaded = load_json(plan_json)
    assert reloaded == plan
    assert dump_json(reloaded) == plan_json
    assert dump_json(make_plan()) == plan_json  # a fresh, equal document: byte-identical


def test_json_layout(plan_json: str) -> None:
    assert plan_json.endswith("}\n")
    assert "Competitività" in plan_json and "≥" in plan_json  # ensure_ascii=False
    data = json.loads(plan_json)
    assert list(data) == [
        "format",
        "format_version",
        "body",
        "year",
        "triennium",
        "version",
        "labels",
        "areas",
        "programmes",
        "org_units",
        "cost_centres",
        "variables",
        "assignments",
        "incentive_fund",
        "parts",
    ]
    assert data["format"] == "performa-plan"
    assert data["format_version"] == 2
    assert data["triennium"] == [2022, 2024]
    card = data["areas"][0]["objectives"][0]["operational"][1]
    assert card["code"] == "01_01_02"
    assert card["title"] == "PID - Punto Impresa Digitale"
    bando = card["indicators"][0]
    assert list(bando) == [
        "name",
        "description",
        "code",
        "kind",
        "unit",
        "baseline",
        "comparator",
        "targets",
        "weight",
        "formula",
        "source",
        "office",
        "key",
        "accumulation",
        "measured_at",
        "published",
    ]
    assert (bando["key"], bando["accumulation"], bando["measured_at"]) == (BANDO_KEY, "stock", "")
    events = data["areas"][0]["objectives"][1]["operational"][0]["indicators"][0]
    assert (events["accumulation"], events["measured_at"]) == ("cumulative", "30/06, 31/12")
    assert data["variables"] == [
        {
            "name": "N_ImprAtt",
            "description": "Numero imprese attive al 31/12",
            "unit": "n.",
            "source": "Registro Imprese",
            "office": "Registro Imprese",
        },
        {
            "name": "N_Imprese_CD",
            "description": "N. imprese aderenti Cassetto digitale",
            "unit": "",
            "source": "",
            "office": "",
        },
    ]
    assert bando["baseline"] == "426"
    assert bando["comparator"] == "≥"
    assert bando["targets"] == {"2022": "80"}
    assert bando["weight"] == "12,5%"
    # target years are sorted whatever the order in the document
    assert list(card["indicators"][2]["targets"]) == ["2022", "2023"]
    assert '\n  "format": "performa-plan",\n' in plan_json  # indent 2


def test_json_leaves_warnings_out(plan: PlanDocument, plan_json: str) -> None:
    with_warnings = copy.deepcopy(plan)
    with_warnings.warnings.append("scheda 01_01_02: peso mancante")
    assert dump_json(with_warnings) == plan_json
    assert "warnings" not in plan_json


def test_json_example_in_the_docs_loads() -> None:
    text = DOCS.read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", text, re.DOTALL)
    assert example is not None
    doc = load_json(example.group(1))
    card = doc.areas[0].objectives[0].operational[0]
    assert card.code == "01_01_02"
    assert card.title == "PID - Punto Impresa Digitale"
    bando = card.indicators[0]
    assert (bando.name, bando.description) == (
        "Bando PID",
        "Numero di domande gestite su bando Pid",
    )
    assert (bando.kind, bando.unit, bando.baseline, bando.comparator) == (
        "Volume",
        "n.",
        "426",
        "≥",
    )
    assert bando.targets == {2022: "80"}
    assert bando.weight == "12,5%"
    assert (bando.key, bando.accumulation, bando.measured_at) == ("", "cumulative", "30/06, 31/12")
    assert [variable.name for variable in doc.variables] == ["N_ImprAtt"]


def test_json_optional_keys_may_be_left_out() -> None:
    doc = load_json(
        '{"format": "performa-plan", "format_version": 1, "body": "CCIAA", "year": 2022,'
        ' "areas": [{"code": "1", "title": "Ambito", "objectives": [{"code": "01_01",'
        ' "title": "OS", "operational": [{"code": "01_01_01", "title": "Scheda",'
        ' "indicators": [{"name": "Bando PID"}]}]}]}]}'
    )
    assert doc.triennium == (0, 0)
    assert doc.version == VersionDoc()
    assert doc.indicators() == [IndicatorDoc(name="Bando PID")]
    assert doc.indicators()[0].accumulation == "stock"
    assert doc.variables == []


def without_new_fields(doc: PlanDocument) -> PlanDocument:
    """The plan as a file written before keys, accumulation, measurement dates and variables."""
    old = copy.deepcopy(doc)
    old.variables = []
    for ind in old.indicators():
        ind.key, ind.accumulation, ind.measured_at = "", "stock", ""
    return old


def test_json_without_the_new_keys_loads_with_defaults(plan: PlanDocument, plan_json: str) -> None:
    data = json.loads(plan_json)
    del data["variables"]
    for area in data["areas"]:
        for so in area["objectives"]:
            for op in so["operational"]:
                for ind in op["indicators"]:
                    for key in ("key", "accumulation", "measured_at"):
                        del ind[key]
    old_text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    assert "measured_at" not in old_text and "variables" not in old_text
    assert load_json(old_text) == without_new_fields(plan)


Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: object) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value

    return mutate


def _delete(path: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[last]

    return mutate


def _rename(path: str, old: str, new: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        for part in path.split("."):
            node = node[int(part)] if part.isdigit() else node[part]
        node[new] = node.pop(old)

    return mutate


IND = "areas.0.objectives.1.operational.0.indicators.1"
IND_LOC = "areas[0].objectives[1].operational[0].indicators[1]"


@pytest.mark.parametrize(
    ("mutate", "location", "reason"),
    [
        (_set("format", "performa-piano"), "format", "non riconosciuto"),
        (_delete("format"), "format", "mancante"),
        (_set("format_version", 3), "format_version", "non supportata"),
        (_set("format_version", "1"), "format_version", "non supportata"),
        (_set("format_version", True), "format_version", "non supportata"),
        (_delete("body"), "body", "obbligatoria"),
        (_set("year", "2022"), "year", "intero"),
        (_set("year", 22), "year", "4 cifre"),
        (_set("triennium", [2022]), "triennium", "due anni"),
        (_set("version.status", "approvato"), "version.status", "approvato"),
        (_delete("areas.1.code"), "areas[1].code", "obbligatoria"),
        (_delete("areas.0.objectives.1.title"), "areas[0].objectives[1].title", "obbligatoria"),
        (
            _set("areas.0.objectives.1.operational.0.code", ""),
            "areas[0].objectives[1].operational[0].code",
            "vuoto",
        ),
        (_delete(f"{IND}.name"), f"{IND_LOC}.name", "obbligatoria"),
        (_set(f"{IND}.weight", 12.5), f"{IND_LOC}.weight", "12.5"),
        (_set(f"{IND}.baseline", None), f"{IND_LOC}.baseline", "null"),
        (_set(f"{IND}.targets", {"22": "30/11/2022"}), f"{IND_LOC}.targets", "«22»"),
        (_set(f"{IND}.targets", {"2022": 80}), f'{IND_LOC}.targets["2022"]', "80"),
        (_set(f"{IND}.targets", ["80"]), f"{IND_LOC}.targets", "oggetto"),
        (_rename(IND, "weight", "wieght"), IND_LOC, "«wieght»"),
        (
            _set("areas.0.objectives.1.operational.0.transversal", "si"),
            "areas[0].objectives[1].operational[0].transversal",
            "true o false",
        ),
        (_set("areas.0.objectives", {}), "areas[0].objectives", "lista"),
        (_set("org_units.0.kind", "servizio"), "org_units[0].kind", "servizio"),
        (_set(f"{IND}.accumulation", "cumulato"), f"{IND_LOC}.accumulation", "«cumulato»"),
        (_set(f"{IND}.accumulation", ""), f"{IND_LOC}.accumulation", "stock, cumulative"),
        (_set(f"{IND}.accumulation", 1), f"{IND_LOC}.accumulation", "testo"),
        (_set(f"{IND}.key", None), f"{IND_LOC}.key", "null"),
        (_set(f"{IND}.measured_at", ["30/06"]), f"{IND_LOC}.measured_at", "lista"),
        (
            _set("variables.1.name", "N_ImprAtt"),
            "variables[1].name",
            "variabile «N_ImprAtt» ripetuta (già in variables[0])",
        ),
        (_delete("variables.0.name"), "variables[0].name", "obbligatoria"),
        (_set("variables.0.name", " "), "variables[0].name", "vuoto"),
        (_set("variables.1.unit", 1), "variables[1].unit", "testo"),
        (_rename("variables.0", "unit", "udm"), "variables[0]", "«udm»"),
        (_set("variables", {}), "variables", "lista"),
        (_set("assignments.0.objectives.0", 1), "assignments[0].objectives[0]", "testo"),
        (
            _delete("incentive_fund.shares.0.amount"),
            "incentive_fund.shares[0].amount",
            "obbligatoria",
        ),
        (_set("warnings", []), "documento", "«warnings»"),
    ],
)
def test_json_refusals(plan_json: str, mutate: Mutation, location: str, reason: str) -> None:
    data = json.loads(plan_json)
    mutate(data)
    with pytest.raises(InterchangeError) as caught:
        load_json(json.dumps(data, ensure_ascii=False))
    assert caught.value.location == location
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"«{location}»: ")


def test_json_refuses_text_that_is_not_json(plan_json: str) -> None:
    broken = plan_json.replace('"year": 2022,', '"year": 2022', 1)
    with pytest.raises(InterchangeError) as caught:
        load_json(broken)
    line = plan_json[: plan_json.index('"year"')].count("\n") + 2
    assert caught.value.location.startswith(f"riga {line}, colonna ")
    assert "JSON" in caught.value.reason
    with pytest.raises(InterchangeError, match="JSON"):
        load_json("")
    with pytest.raises(InterchangeError, match="documento"):
        load_json("[]")
    with pytest.raises(InterchangeError, match="NaN"):
        load_json('{"format": "performa-plan", "format_version": 1, "year": NaN}')


def test_json_refuses_repeated_keys(plan_json: str) -> None:
    text = plan_json.replace('"weight": "12,5%",', '"weight": "12,5%", "weight": "15%",', 1)
    with pytest.raises(InterchangeError) as caught:
        load_json(text)
    assert caught.value.location == "areas[0].objectives[0].operational[1].indicators[0]"
    assert "«weight»" in caught.value.reason


def test_interchange_error_is_a_value_error_and_pickles() -> None:
    import pickle

    error = InterchangeError("foglio Indicatori, riga 14, colonna Peso", "valore non valido")
    assert isinstance(error, ValueError)
    assert str(error) == "«foglio Indicatori, riga 14, colonna Peso»: valore non valido"
    copied = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert (copied.location, copied.reason) == (error.location, error.reason)


# --------------------------------------------------------------------------------------------
# Workbooks: round trips and layout


def test_xlsx_round_trip(plan: PlanDocument, plan_xlsx: bytes, plan_json: str) -> None:
    reloaded = load_xlsx(plan_xlsx)
    assert reloaded == plan
    assert dump_json(reloaded) == plan_json


def test_ods_round_trip(plan: PlanDocument, plan_ods: bytes, plan_json: str) -> None:
    reloaded = load_ods(plan_ods)
    assert reloaded == plan
    assert dump_json(reloaded) == plan_json


def tricky_plan() -> PlanDocument:
    """Text that spreadsheets like to change: formulas, spaces, tabs, line breaks."""
    doc = make_plan()
    ind = doc.indicators()[0]
    ind.comparator = "= si"
    ind.formula = "=N_Imprese_CD / N_ImprAtt"
    ind.description = "  due spazi iniziali,  doppi   e finali  \n\triga con tab\n\nfine "
    ind.targets = {2022: "= 60", 2024: "≥ 70"}
    doc.version.status = "draft"
    doc.triennium = (0, 0)
    doc.assignments.append(Assignment(area="Trasversale"))
    doc.incentive_fund = IncentiveFund()
    return doc


@pytest.mark.parametrize(("dump", "load"), [(dump_xlsx, load_xlsx), (dump_ods, load_ods)])
def test_workbooks_keep_text_exactly(
    dump: Callable[[PlanDocument], bytes], load: Callable[[bytes], PlanDocument]
) -> None:
    doc = tricky_plan()
    assert load(dump(doc)) == doc


def test_an_empty_plan_round_trips() -> None:
    doc = PlanDocument(body="Camera di Commercio di Lucca", year=2023)
    assert load_json(dump_json(doc)) == doc
    assert load_xlsx(dump_xlsx(doc)) == doc
    assert load_ods(dump_ods(doc)) == doc


INDICATOR_HEADER = [
    "Obiettivo operativo",
    "N.",
    "Codice",
    "Nome",
    "Descrizione",
    "Tipologia",
    "UdM",
    "Baseline",
    "Comparatore",
    "Target 2022",
    "Target 2023",
    "Peso",
    "Formula",
    "Fonte",
    "Ufficio",
    "Chiave",
    "Andamento",
    "Rilevato alle date",
    "Pubblicato (si/no)",
]
# The columns an Indicatori sheet of the first templates had: no key, accumulation, measurement
# dates nor publication.
OLD_INDICATOR_HEADER = INDICATOR_HEADER[:-4]
OPERATIONAL_HEADER = [
    "Codice",
    "Titolo",
    "Obiettivo strategico",
    "Descrizione",
    "Impatto atteso",
    "Risorse",
    "Area",
    "Ufficio",
    "Trasversale (si/no)",
    "Obiettivo comune (si/no)",
    "Missione",
    "Programma",
]


def test_xlsx_layout(plan_xlsx: bytes) -> None:
    workbook = load_workbook(io.BytesIO(plan_xlsx))
    assert workbook.sheetnames == list(SHEET_NAMES)
    assert workbook.sheetnames == [
        "Piano",
        "Ambiti",
        "Obiettivi strategici",
        "Obiettivi operativi",
        "Indicatori",
        "Azioni",
        "Fasi",
        "Programmi",
        "Centri di costo",
        "Unità organizzative",
        "Variabili",
        "Assegnazioni",
        "Fondo incentivante",
    ]
    piano = workbook["Piano"]
    assert [[c.value for c in row] for row in piano.iter_rows()] == [
        ["Voce", "Valore"],
        ["Ente", "Camera di Commercio di Pistoia-Prato"],
        ["Anno", "2022"],
        ["Triennio", "2022-2024"],
        ["Organo", "Giunta"],
        ["Numero delibera", "12/22"],
        ["Data delibera", "23/02/2022"],
        ["Stato", "adottato"],
        ["Titolo", "Piano della performance 2022-2024"],
        ["Nome livello 1 (ambiti)", None],
        ["Nome livello 2 (obiettivi strategici)", None],
        ["Nome livello 3 (obiettivi operativi)", None],
        ["Nome livello 4 (azioni)", None],
    ]
    headers = {
        "Ambiti": ["Codice", "Titolo"],
        "Obiettivi strategici": [
            "Codice",
            "Titolo",
            "Ambito",
            "Missione",
            "Programma",
            "Funzione",
            "Prospettiva",
            "Obiettivo comune",
            "Classificazione",
            "Descrizione",
            "Arco temporale",
            "Portatori d'interesse",
            "Benefici attesi",
            "Centro di responsabilità",
            "Risorse",
            "Obiettivi collegati",
        ],
        "Obiettivi operativi": OPERATIONAL_HEADER,
        "Indicatori": INDICATOR_HEADER,
        "Unità organizzative": ["Nome", "Tipo", "Area", "FTE"],
        "Variabili": ["Nome", "Descrizione", "UdM", "Fonte", "Ufficio"],
        "Assegnazioni": ["Area", "Obiettivo"],
    }
    for name, header in headers.items():
        ws = workbook[name]
        assert [c.value for c in ws[1]] == header, name
        assert all(c.font.bold for c in ws[1]), name
        assert ws.freeze_panes == "A2", name
    indicators = workbook["Indicatori"]
    assert indicators.max_row == 1 + 13
    bando = [c.value for c in indicators[6]]
    assert bando == [
        "01_01_02",
        "1",
        None,
        "Bando PID",
        "Numero di domande gestite su bando Pid",
        "Volume",
        "n.",
        "426",
        "≥",
        "80",
        None,
        "12,5%",
        None,
        None,
        None,
        BANDO_KEY,
        "puntuale",
        None,
        "no",
    ]
    assert all(c.data_type == "s" for c in indicators[6] if c.value is not None)
    events = [c.value for c in indicators[10]]
    assert (events[3], events[-3:-1]) == (
        "Attrattività eventi realizzati",
        ["cumulato", "30/06, 31/12"],
    )
    assert [[c.value for c in row] for row in workbook["Variabili"].iter_rows(min_row=2)] == [
        [
            "N_ImprAtt",
            "Numero imprese attive al 31/12",
            "n.",
            "Registro Imprese",
            "Registro Imprese",
        ],
        ["N_Imprese_CD", "N. imprese aderenti Cassetto digitale", None, None, None],
    ]
    assert indicators.column_dimensions["E"].width > indicators.column_dimensions["B"].width
    assert indicators.column_dimensions["E"].width <= 60
    assert [c.value for c in workbook["Obiettivi operativi"][2]][8:10] == ["si", "si"]
    fund = workbook["Fondo incentivante"]
    assert [[c.value for c in row] for row in fund.iter_rows(max_col=2)] == [
        ["Voce", "Valore"],
        ["Totale", "€ 129.000,00"],
        [
            "Descrizione",
            "La somma di € 72.000 sarà pertanto ripartita in parti uguali tra gli "
            "obiettivi strategici.",
        ],
        [None, None],
        ["Obiettivo strategico", "Importo"],
        ["01_01", "€ 10.285,71"],
        ["01_04", "€ 10.285,71"],
        ["02_01", "€ 10.285,71"],
    ]
    assert fund["A5"].font.bold


def _ods_tables(data: bytes) -> dict[str, list[list[tuple[str | None, str]]]]:
    """Every sheet as rows of (office:value-type, text), read with odfpy directly."""
    document = odf_load(io.BytesIO(data))
    tables: dict[str, list[list[tuple[str | None, str]]]] = {}
    for table in document.spreadsheet.getElementsByType(Table):
        rows = []
        for row in table.getElementsByType(TableRow):
            cells = []
            for cell in row.getElementsByType(TableCell):
                text = "\n".join(str(p) for p in cell.getElementsByType(P))
                cells.append((cell.getAttrNS(OFFICE_NS, "value-type"), text))
            rows.append(cells)
        tables[table.getAttribute("name")] = rows
    return tables


def test_ods_layout(plan_ods: bytes) -> None:
    tables = _ods_tables(plan_ods)
    assert list(tables) == list(SHEET_NAMES)
    assert [text for _, text in tables["Indicatori"][0]] == INDICATOR_HEADER
    assert [text for _, text in tables["Obiettivi operativi"][0]] == OPERATIONAL_HEADER
    assert [text for _, text in tables["Piano"][3]] == ["Triennio", "2022-2024"]
    bando = tables["Indicatori"][5]  # 0-based: header, four indicators of 01_01_01
    assert bando[3] == ("string", "Bando PID")
    assert bando[8] == ("string", "≥")
    assert bando[11] == ("string", "12,5%")
    assert bando[2] == (None, "")  # empty cells carry no value
    for rows in tables.values():
        for row in rows:
            for value_type, text in row:
                assert value_type == ("string" if text else None)
    date_row = tables["Indicatori"][10]
    assert (date_row[3][1], date_row[9][1]) == ("Valorizzazione degli spazi", "30/11/2022")
    events = [text for _, text in tables["Indicatori"][9]]
    assert (events[3], events[-3:-1]) == (
        "Attrattività eventi realizzati",
        ["cumulato", "30/06, 31/12"],
    )
    assert [text for _, text in tables["Variabili"][1]] == [
        "N_ImprAtt",
        "Numero imprese attive al 31/12",
        "n.",
        "Registro Imprese",
        "Registro Imprese",
    ]
    assert b'fo:font-weight="bold"' in _ods_content(plan_ods)


def _ods_content(data: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("content.xml")


# --------------------------------------------------------------------------------------------
# Workbooks edited by a planning office


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


def test_xlsx_typed_numbers_and_dates_become_italian_text(plan_xlsx: bytes) -> None:
    def edit(workbook: Workbook) -> None:
        ws = workbook["Indicatori"]
        target, weight = _column(ws, "Target 2022"), _column(ws, "Peso")
        baseline = _column(ws, "Baseline")
        ws.cell(row=2, column=target, value=60)  # typed 60 instead of "60"
        ws.cell(row=2, column=weight, value=0.125).number_format = "0.0%"
        ws.cell(row=3, column=weight, value=0.125).number_format = "0%"  # shown "13%"
        ws.cell(row=4, column=weight, value=0.143).number_format = "0.0%"
        ws.cell(row=2, column=baseline, value=12.5).number_format = "General"
        ws.cell(row=3, column=baseline, value=1500.0).number_format = "#,##0.0"
        ws.cell(row=4, column=baseline, value=0.1 + 0.2)
        # Excel has no time zones: its dates are naive.
        ws.cell(row=11, column=target, value=dt.datetime(2022, 11, 30))  # noqa: DTZ001
        ws.cell(row=11, column=target).number_format = "DD/MM/YYYY"
        ws.cell(row=12, column=target, value=dt.datetime(2022, 2, 28, 9, 30))  # noqa: DTZ001
        ws.cell(row=12, column=target).number_format = "DD/MM/YYYY HH:MM"
        ws.cell(row=5, column=target, value=True)
        workbook["Piano"]["B3"] = 2022
        workbook["Fondo incentivante"]["B2"] = 129000
        workbook["Fondo incentivante"]["B2"].number_format = '#,##0.00 "€"'
        operational = workbook["Obiettivi operativi"]
        operational.cell(row=3, column=_column(operational, "Trasversale (si/no)"), value="Sì")

    doc = load_xlsx(_edit_xlsx(plan_xlsx, edit))
    indicators = doc.indicators()
    assert indicators[0].targets == {2022: "60"}
    assert indicators[0].weight == "12,5%"
    assert indicators[1].weight == "12,5%"  # digits are never rounded away
    assert indicators[2].weight == "14,3%"
    assert indicators[0].baseline == "12,5"
    assert indicators[1].baseline == "1500"
    assert indicators[2].baseline == "0,3"
    assert indicators[3].targets == {2022: "si"}
    assert indicators[9].targets == {2022: "30/11/2022"}
    assert indicators[10].targets == {2022: "28/02/2022 09:30"}
    assert doc.year == 2022
    assert doc.incentive_fund.total == "€ 129.000,00"
    assert doc.operational_objectives()[1].transversal is True


def _ods_edit(data: bytes, edit: Callable[[dict[str, Any]], None]) -> bytes:
    document = odf_load(io.BytesIO(data))
    tables = {t.getAttribute("name"): t for t in document.spreadsheet.getElementsByType(Table)}
    edit({"document": document, "tables": tables})
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _ods_cell(table: Any, row: int, column: int) -> Any:
    return table.getElementsByType(TableRow)[row - 1].getElementsByType(TableCell)[column - 1]


def _ods_replace(table: Any, row: int, column: int, new: Any) -> None:
    old = _ods_cell(table, row, column)
    old.parentNode.insertBefore(new, old)
    old.parentNode.removeChild(old)


def _ods_set_text(table: Any, row: int, column: int, text: str) -> None:
    cell = TableCell(valuetype="string")
    cell.addElement(P(text=text))
    _ods_replace(table, row, column, cell)


def test_ods_typed_numbers_and_dates_become_italian_text(plan_ods: bytes) -> None:
    target = INDICATOR_HEADER.index("Target 2022") + 1
    weight = INDICATOR_HEADER.index("Peso") + 1

    def edit(parts: dict[str, Any]) -> None:
        table = parts["tables"]["Indicatori"]
        typed = TableCell(valuetype="float", value="60")
        typed.addElement(P(text="60"))
        _ods_replace(table, 2, target, typed)
        percent = TableCell(valuetype="percentage", value="0.125")
        percent.addElement(P(text="12,50%"))
        _ods_replace(table, 2, weight, percent)
        date = TableCell(valuetype="date", datevalue="2022-11-30")
        date.addElement(P(text="30/11/22"))
        _ods_replace(table, 11, target, date)
        # LibreOffice writes two equal neighbouring cells once, with a repeat count.
        repeated = TableCell(valuetype="string", numbercolumnsrepeated="2")
        repeated.addElement(P(text="si"))
        operational = parts["tables"]["Obiettivi operativi"]
        _ods_replace(operational, 3, 9, repeated)
        operational.getElementsByType(TableRow)[2].removeChild(_ods_cell(operational, 3, 10))

    doc = load_ods(_ods_edit(plan_ods, edit))
    indicators = doc.indicators()
    assert indicators[0].targets == {2022: "60"}
    assert indicators[0].weight == "12,5%"
    assert indicators[9].targets == {2022: "30/11/2022"}
    pid = doc.operational_objectives()[1]
    assert (pid.transversal, pid.common_objective) == (True, True)


# --------------------------------------------------------------------------------------------
# Workbook refusals


XlsxEdit = Callable[[Workbook], None]


def _set_cell(sheet: str, row: int, header: str, value: object) -> XlsxEdit:
    def edit(workbook: Workbook) -> None:
        ws = workbook[sheet]
        ws.cell(row=row, column=_column(ws, header)).value = value

    return edit


def _delete_column(sheet: str, header: str) -> XlsxEdit:
    def edit(workbook: Workbook) -> None:
        ws = workbook[sheet]
        ws.delete_cols(_column(ws, header))

    return edit


def _delete_sheet(sheet: str) -> XlsxEdit:
    def edit(workbook: Workbook) -> None:
        del workbook[sheet]

    return edit


def _error_cell(workbook: Workbook) -> None:
    cell = workbook["Indicatori"].cell(row=4, column=INDICATOR_HEADER.index("Peso") + 1)
    cell.value = "#DIV/0!"
    cell.data_type = "e"


@pytest.mark.parametrize(
    ("edit", "location", "reason"),
    [
        (_delete_sheet("Indicatori"), "foglio Indicatori", "manca il foglio"),
        (_delete_column("Indicatori", "Nome"), "foglio Indicatori, riga 1", "«Nome»"),
        (
            _delete_column("Obiettivi strategici", "Ambito"),
            "foglio Obiettivi strategici, riga 1",
            "«Ambito»",
        ),
        (
            _set_cell("Indicatori", 6, "Obiettivo operativo", "01_01_09"),
            "foglio Indicatori, riga 6, colonna Obiettivo operativo",
            "«01_01_09» sconosciuto",
        ),
        (
            _set_cell("Obiettivi operativi", 4, "Obiettivo strategico", "01_09"),
            "foglio Obiettivi operativi, riga 4, colonna Obiettivo strategico",
            "«01_09» sconosciuto",
        ),
        (
            _set_cell("Obiettivi strategici", 3, "Ambito", "3"),
            "foglio Obiettivi strategici, riga 3, colonna Ambito",
            "«3» sconosciuto",
        ),
        (
            _set_cell("Obiettivi operativi", 3, "Codice", "01_01_01"),
            "foglio Obiettivi operativi, riga 3, colonna Codice",
            "già usato alla riga 2",
        ),
        (
            _set_cell("Ambiti", 3, "Codice", "1"),
            "foglio Ambiti, riga 3, colonna Codice",
            "ripetuto",
        ),
        (
            _set_cell("Obiettivi strategici", 4, "Codice", "01_01"),
            "foglio Obiettivi strategici, riga 4, colonna Codice",
            "ripetuto",
        ),
        (
            _set_cell("Indicatori", 1, "Target 2023", "Target 23"),
            "foglio Indicatori, riga 1, colonna Target 23",
            "anno di 4 cifre",
        ),
        (
            _set_cell("Indicatori", 1, "Target 2023", "Target"),
            "foglio Indicatori, riga 1, colonna Target",
            "anno di 4 cifre",
        ),
        (
            _set_cell("Indicatori", 1, "Descrizione", "Descrizone"),
            "foglio Indicatori, riga 1, colonna Descrizone",
            "colonna sconosciuta",
        ),
        (
            _set_cell("Indicatori", 1, "Fonte", "Peso"),
            "foglio Indicatori, riga 1, colonna Peso",
            "ripetuta",
        ),
        (
            _set_cell("Obiettivi operativi", 2, "Trasversale (si/no)", "forse"),
            "foglio Obiettivi operativi, riga 2, colonna Trasversale (si/no)",
            "«forse»",
        ),
        (
            _set_cell("Obiettivi operativi", 5, "Obiettivo comune (si/no)", "x"),
            "foglio Obiettivi operativi, riga 5, colonna Obiettivo comune (si/no)",
            "«si» o «no»",
        ),
        (
            _set_cell("Indicatori", 7, "Nome", None),
            "foglio Indicatori, riga 7, colonna Nome",
            "obbligatorio",
        ),
        (
            _set_cell("Unità organizzative", 3, "Tipo", "servizio"),
            "foglio Unità organizzative, riga 3, colonna Tipo",
            "«servizio»",
        ),
        (
            _set_cell("Indicatori", 3, "Andamento", "progressivo"),
            "foglio Indicatori, riga 3, colonna Andamento",
            "andamento «progressivo» non valido (ammessi: puntuale, cumulato)",
        ),
        (
            _set_cell("Variabili", 3, "Nome", "N_ImprAtt"),
            "foglio Variabili, riga 3, colonna Nome",
            "variabile «N_ImprAtt» ripetuta (già alla riga 2)",
        ),
        (
            _set_cell("Variabili", 2, "Nome", None),
            "foglio Variabili, riga 2, colonna Nome",
            "obbligatorio",
        ),
        (
            _delete_column("Variabili", "Nome"),
            "foglio Variabili, riga 1",
            "«Nome»",
        ),
        (
            _set_cell("Variabili", 1, "Fonte", "Fonti"),
            "foglio Variabili, riga 1, colonna Fonti",
            "colonna sconosciuta",
        ),
        (_error_cell, "foglio Indicatori, riga 4, colonna Peso", "#DIV/0!"),
        (
            lambda wb: wb["Indicatori"].cell(row=5, column=20, value="nota a margine"),
            "foglio Indicatori, riga 5, colonna T",
            "senza intestazione",
        ),
        (
            lambda wb: wb["Piano"].__setitem__("B3", "22"),
            "foglio Piano, riga 3, colonna Valore",
            "«22»",
        ),
        (
            lambda wb: wb["Piano"].__setitem__("A6", "Numero"),
            "foglio Piano, riga 6, colonna Voce",
            "voce sconosciuta «Numero»",
        ),
        (
            lambda wb: wb["Piano"].__setitem__("B4", "2022/23"),
            "foglio Piano, riga 4, colonna Valore",
            "triennio",
        ),
        (
            lambda wb: wb["Piano"].__setitem__("B8", "approvato"),
            "foglio Piano, riga 8, colonna Valore",
            "«approvato»",
        ),
        (
            lambda wb: wb["Piano"].delete_rows(2),
            "foglio Piano",
            "«Ente»",
        ),
        (
            lambda wb: wb["Fondo incentivante"].__setitem__("A7", None),
            "foglio Fondo incentivante, riga 7, colonna Obiettivo strategico",
            "obbligatorio",
        ),
        (
            lambda wb: wb["Assegnazioni"].__setitem__("A2", None),
            "foglio Assegnazioni, riga 2, colonna Area",
            "obbligatorio",
        ),
    ],
)
def test_xlsx_refusals(plan_xlsx: bytes, edit: XlsxEdit, location: str, reason: str) -> None:
    with pytest.raises(InterchangeError) as caught:
        load_xlsx(_edit_xlsx(plan_xlsx, edit))
    assert caught.value.location == location
    assert reason in caught.value.reason
    message = str(caught.value)
    assert message.startswith(f"«{location}»: ")
    assert "foglio" in message


def test_xlsx_refusal_messages_name_row_and_column(plan_xlsx: bytes) -> None:
    data = _edit_xlsx(plan_xlsx, _set_cell("Indicatori", 14, "Obiettivo operativo", "99"))
    with pytest.raises(InterchangeError) as caught:
        load_xlsx(data)
    message = str(caught.value)
    assert "Indicatori" in message and "riga 14" in message
    assert "Obiettivo operativo" in message


def test_xlsx_empty_assignment_area_continues_the_group_above(plan_xlsx: bytes) -> None:
    data = _edit_xlsx(plan_xlsx, lambda wb: wb["Assegnazioni"].__setitem__("A3", None))
    doc = load_xlsx(data)
    assert doc.assignments[0].objectives == [
        "Favorire la transizione digitale (obiettivo comune di sistema)",
        "Valorizzazione degli spazi camerale e dell'Auditorium",
    ]


def test_xlsx_tolerates_blank_rows_extra_sheets_and_header_case(
    plan: PlanDocument, plan_xlsx: bytes
) -> None:
    def edit(workbook: Workbook) -> None:
        workbook["Indicatori"].insert_rows(5)
        workbook["Indicatori"]["G1"] = "udm"
        workbook.create_sheet("Note dell'ufficio")["A1"] = "da rivedere"

    assert load_xlsx(_edit_xlsx(plan_xlsx, edit)) == plan


@pytest.mark.parametrize(
    ("word", "accumulation"),
    [
        ("Cumulato ", "cumulative"),
        ("PUNTUALE", "stock"),
        ("cumulative", "cumulative"),
        (None, "stock"),
    ],
)
def test_xlsx_andamento_words(plan_xlsx: bytes, word: str | None, accumulation: str) -> None:
    doc = load_xlsx(_edit_xlsx(plan_xlsx, _set_cell("Indicatori", 2, "Andamento", word)))
    assert doc.indicators()[0].accumulation == accumulation


NEW_SHEETS = ("Variabili", "Azioni", "Fasi", "Programmi", "Centri di costo")
NEW_COLUMNS = {
    "Indicatori": ("Pubblicato (si/no)", "Rilevato alle date", "Andamento", "Chiave"),
    "Obiettivi operativi": ("Programma", "Missione"),
    "Obiettivi strategici": (
        "Obiettivi collegati",
        "Risorse",
        "Centro di responsabilità",
        "Benefici attesi",
        "Portatori d'interesse",
        "Arco temporale",
        "Descrizione",
        "Classificazione",
    ),
}


def _xlsx_old_template(workbook: Workbook) -> None:
    """The workbook as the first templates made it: without the sheets, columns and level
    names added since."""
    for sheet in NEW_SHEETS:
        del workbook[sheet]
    for sheet, headers in NEW_COLUMNS.items():
        ws = workbook[sheet]
        for header in headers:
            ws.delete_cols(_column(ws, header))
    workbook["Piano"].delete_rows(10, 4)


def test_xlsx_of_an_older_template_loads_with_defaults(
    plan: PlanDocument, plan_xlsx: bytes
) -> None:
    data = _edit_xlsx(plan_xlsx, _xlsx_old_template)
    workbook = load_workbook(io.BytesIO(data))
    assert not set(NEW_SHEETS) & set(workbook.sheetnames)
    assert [c.value for c in workbook["Indicatori"][1]] == OLD_INDICATOR_HEADER
    assert [c.value for c in workbook["Obiettivi operativi"][1]] == OPERATIONAL_HEADER[:-2]
    assert workbook["Piano"].max_row == 9
    assert load_xlsx(data) == without_new_fields(plan)


def test_ods_of_an_older_template_loads_with_defaults(plan: PlanDocument, plan_ods: bytes) -> None:
    def edit(parts: dict[str, Any]) -> None:
        for name in NEW_SHEETS:
            table = parts["tables"][name]
            table.parentNode.removeChild(table)
        for name, kept in (("Indicatori", len(OLD_INDICATOR_HEADER)),
                           ("Obiettivi operativi", len(OPERATIONAL_HEADER) - 2),
                           ("Obiettivi strategici", 8)):
            for row in parts["tables"][name].getElementsByType(TableRow):
                for cell in row.getElementsByType(TableCell)[kept:]:
                    row.removeChild(cell)
        piano = parts["tables"]["Piano"]
        for row in piano.getElementsByType(TableRow)[9:]:
            piano.removeChild(row)

    data = _ods_edit(plan_ods, edit)
    tables = _ods_tables(data)
    assert not set(NEW_SHEETS) & set(tables)
    assert [text for _, text in tables["Indicatori"][0]] == OLD_INDICATOR_HEADER
    assert len(tables["Obiettivi strategici"][0]) == 8
    assert tables["Piano"][-1][0] == ("string", "Titolo")
    assert load_ods(data) == without_new_fields(plan)


def test_not_a_workbook() -> None:
    with pytest.raises(InterchangeError) as caught:
        load_xlsx(b"PK\x03\x04 not really")
    assert caught.value.location == "file XLSX"
    with pytest.raises(InterchangeError) as caught:
        load_ods(b"not a zip")
    assert caught.value.location == "file ODS"


def test_ods_refusals(plan_ods: bytes, plan_xlsx: bytes) -> None:
    def drop_sheet(parts: dict[str, Any]) -> None:
        table = parts["tables"]["Assegnazioni"]
        table.parentNode.removeChild(table)

    with pytest.raises(InterchangeError) as caught:
        load_ods(_ods_edit(plan_ods, drop_sheet))
    assert caught.value.location == "foglio Assegnazioni"

    def unknown_column(parts: dict[str, Any]) -> None:
        _ods_set_text(parts["tables"]["Indicatori"], 1, 12, "Pesi")

    with pytest.raises(InterchangeError) as caught:
        load_ods(_ods_edit(plan_ods, unknown_column))
    assert caught.value.location == "foglio Indicatori, riga 1, colonna Pesi"

    def unknown_objective(parts: dict[str, Any]) -> None:
        _ods_set_text(parts["tables"]["Indicatori"], 9, 1, "01_04_09")

    with pytest.raises(InterchangeError) as caught:
        load_ods(_ods_edit(plan_ods, unknown_objective))
    assert caught.value.location == "foglio Indicatori, riga 9, colonna Obiettivo operativo"

    def bad_andamento(parts: dict[str, Any]) -> None:
        _ods_set_text(
            parts["tables"]["Indicatori"], 4, INDICATOR_HEADER.index("Andamento") + 1, "mensile"
        )

    with pytest.raises(InterchangeError) as caught:
        load_ods(_ods_edit(plan_ods, bad_andamento))
    assert caught.value.location == "foglio Indicatori, riga 4, colonna Andamento"
    assert "«mensile»" in caught.value.reason

    with pytest.raises(InterchangeError) as caught:
        load_ods(plan_xlsx)  # an Excel file given as ODS
    assert caught.value.location == "file ODS"
