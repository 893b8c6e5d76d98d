"""The seed-text reader on the real demo plan (Piano della Performance 2022-2024 of the Camera di
Commercio di Pistoia-Prato) and on small texts that break it on purpose.

The expected figures were counted on the seed independently of the reader, with grep:

* cards: ``grep -cP '^(Codice:\\s*)?(\\*\\*)?\\d{2}_\\d{2}_\\d{2}' 000_….txt`` → 46 (each card code
  opens a line once, possibly after "Codice:" and bold markup; ``uniq -d`` finds no repeat);
* indicator tables: ``grep -c '^Indicatori' 000_….txt`` → 46, one per card;
* indicator rows: ``grep -P '^[^\\t]+\\t[^\\t]+\\t[^\\t]+\\t[^\\t]+\\t' 000_….txt | grep -vc
  '^Indicatori'`` → 372 (a non-empty first cell and at least four more cells: the assignment
  table has two cells, the stray header rows an empty first cell);
* assignment table: 6 areas (10 + 7 + 6 + 10 + 7 + 6 = 46 objectives, one per card).

The same counts are recomputed below from the raw text with the same patterns, so a reader that
loses or invents a row fails even if the literal figures were mistyped.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from performa.interchange.seed_text import PlanTextError, read_plan_text
from performa.plans.document import IndicatorDoc, OperationalObjectiveDoc, PlanDocument
from performa.plans.validation import validate_document

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "000_7c03116ef0aec330.txt"
BODY = "Camera di Commercio di Pistoia-Prato"
CARD_CODE = re.compile(r"\d{2}_\d{2}_\d{2}")


@pytest.fixture(scope="module")
def text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plan(text: str) -> PlanDocument:
    return read_plan_text(text, body=BODY)


def _card(plan: PlanDocument, code: str) -> OperationalObjectiveDoc:
    return next(op for op in plan.operational_objectives() if op.code == code)


def _indicator(plan: PlanDocument, name: str) -> IndicatorDoc:
    return next(ind for ind in plan.indicators() if ind.name == name)


def _row_cells(text: str) -> list[str]:
    """First cells of the indicator rows, found with the grep pattern of the module docstring."""
    row = re.compile(r"^[^\t]+\t[^\t]+\t[^\t]+\t[^\t]+\t")
    return [
        " ".join(line.split("\t")[0].split())
        for line in text.splitlines()
        if row.match(line) and not line.startswith("Indicatori")
    ]


# --- the tree --------------------------------------------------------------------------------


def test_counts_match_an_independent_count_of_the_text(plan: PlanDocument, text: str) -> None:
    codes = re.findall(r"^(?:Codice:\s*)?(?:\*\*)?(\d{2}_\d{2}_\d{2})", text, re.M)
    assert len(codes) == len(set(codes)) == 46
    assert [op.code for op in plan.operational_objectives()] == codes
    assert len(re.findall(r"^Indicatori\t", text, re.M)) == 46
    assert len(_row_cells(text)) == 372
    assert len(plan.indicators()) == 372


def test_three_areas_in_order(plan: PlanDocument) -> None:
    assert [(area.code, area.title) for area in plan.areas] == [
        (
            "1",
            "Promozione e sostegno allo sviluppo e alla competitività del territorio e del "
            "sistema delle imprese",
        ),
        ("2", "Semplificazione amministrativa ed e-government"),
        ("3", "Ottimizzazione della struttura, dell'organizzazione e delle risorse"),
    ]


def test_eight_strategic_objectives_under_their_area(plan: PlanDocument) -> None:
    tree = {area.code: [so.code for so in area.objectives] for area in plan.areas}
    assert tree == {
        "1": ["01_01", "01_02", "01_03", "01_04", "01_05", "01_06"],
        "2": ["02_01"],
        "3": ["03_01"],
    }
    titles = {so.code: so.title for area in plan.areas for so in area.objectives}
    assert titles["01_01"] == "Digitalizzazione, nuove tecnologie ed innovazione"
    assert titles["02_01"] == "L'e-government per la competitività delle imprese"  # "02_01L'e-…"
    assert titles["03_01"] == "L'ottimizzazione organizzativa e gestionale"
    per_objective = {so.code: len(so.operational) for area in plan.areas for so in area.objectives}
    assert per_objective == {
        "01_01": 3, "01_02": 3, "01_03": 2, "01_04": 4, "01_05": 3, "01_06": 6,
        "02_01": 7, "03_01": 18,
    }  # fmt: skip


def test_every_card_sits_under_the_objective_its_code_names(plan: PlanDocument) -> None:
    for area in plan.areas:
        for so in area.objectives:
            assert so.code.startswith(f"{int(area.code):02d}_")
            assert all(op.code.startswith(so.code + "_") for op in so.operational)


def test_version_year_and_body(plan: PlanDocument) -> None:
    assert plan.year == 2022
    assert plan.triennium == (2022, 2024)
    assert plan.version.organ == "Giunta"
    assert plan.version.number == "12/22"
    assert plan.version.date == "23/02/2022"
    assert plan.version.status == "adopted"
    assert plan.version.title == "Piano della performance 2022-2024"
    assert plan.body == BODY  # the cover names no body: the caller's is kept


# --- cards -----------------------------------------------------------------------------------


def test_card_pid(plan: PlanDocument) -> None:
    card = _card(plan, "01_01_02")  # "Titolo:" with no "Codice:", weights 8 × 12,5%
    assert card.title == "PID - Punto Impresa Digitale"
    assert card.area == "Promozione e sviluppo economico"
    assert card.office == "Punto Impresa Digitale"
    assert card.resources == "335.000,00 €"
    assert not card.transversal and not card.common_objective
    assert len(card.indicators) == 8
    assert {ind.weight for ind in card.indicators} == {"12,5%"}
    first = card.indicators[0]
    assert (first.kind, first.unit, first.baseline, first.comparator, first.targets) == (
        "Volume", "n.", "130", "≥", {2022: "60"},
    )  # fmt: skip
    bando = card.indicators[3]
    assert bando.name == "Bando PID"
    assert bando.description == "Numero di domande gestite su bando Pid"


def test_common_transversal_card(plan: PlanDocument) -> None:
    card = _card(plan, "01_01_01")
    assert card.title == "Favorire la transizione digitale (obiettivo comune di sistema)"
    assert card.transversal and card.common_objective
    assert card.area == "Obiettivo trasversale"
    assert card.resources == ""
    assert card.expected_impact.startswith("Accrescimento della maturità digitale")
    assert "**" not in card.description and "obiettivi comuni di sistema" in card.description
    assert [ind.weight for ind in card.indicators] == ["25,0%"] * 4
    assert card.indicators[2].baseline == "n.d."


def test_titles_of_every_header_layout(plan: PlanDocument) -> None:
    titles = {op.code: op.title for op in plan.operational_objectives()}
    assert titles["01_02_01"] == (  # "Codice: Titolo:" then "01_02_01 **…**"
        "Sostenere lo sviluppo dell'internazionalizzazione delle imprese "
        "(obiettivo comune di sistema)"
    )
    assert titles["01_04_04"] == "Ambiente e produzioni tipiche"  # code<TAB>title
    assert titles["03_01_07"] == "Salute organizzativa"  # trailing tabs on every line
    assert titles["03_01_12"] == "Gestione della contabilità"  # code before "Titolo:"
    assert titles["03_01_13"] == "Gestione del personale"  # "Codice: X<TAB>Titolo: Y"
    assert titles["03_01_15"] == "Diritto annuale"  # "Codice: **X** Titolo: **Y**"
    for title in titles.values():
        assert title and not re.search(r"Codice|Titolo|[*<>]|\d{2}_\d{2}_\d{2}", title)


def test_areas_offices_and_resources_as_printed(plan: PlanDocument) -> None:
    glued = _card(plan, "01_02_03")  # "Area di responsabilità: *X*Ufficio: *Y*" on one line
    assert glued.area == "Promozione e sviluppo economico"
    assert glued.office == "Internazionalizzazione"
    split = _card(plan, "01_06_02")  # "Risorse\ninterne" on two lines
    assert split.resources == "Risorse interne"
    assert split.office == "ADR sede di Pistoia e ADR sede di Prato"
    same_line = _card(plan, "03_01_13")  # "Unità organizzative coinvolte:<TAB>Area di …: <i>…"
    assert (same_line.area, same_line.office) == ("Risorse ed organizzazione", "Risorse umane")
    last = _card(plan, "03_01_18")
    assert last.resources == "risorse interne"
    assert (last.area, last.office) == ("Risorse e organizzazione", "Tecnico")
    rpct = _card(plan, "03_01_04")  # a real area, the office says "Obiettivo Trasversale"
    assert rpct.transversal and rpct.area == "Responsabile Prevenzione Corruzione Trasparenza"


def test_expected_impact_and_benefits(plan: PlanDocument) -> None:
    assert _card(plan, "01_02_02").expected_impact == (
        "- aumentare il numero delle imprese esportatrici\n- incrementare il volume dell'export"
    )
    # "Benefici attesi" without colon, bullets in *…*
    assert _card(plan, "01_04_02").expected_impact.startswith("- recupero di un ruolo")
    # "… destinazioni turistiche, Benefici": the heading glued to the description's last line
    sostegno = _card(plan, "01_03_02")
    assert sostegno.description.endswith("censire destinazioni turistiche,")
    assert sostegno.expected_impact.startswith("- contribuire ad incrementare i flussi")


# --- indicators ------------------------------------------------------------------------------


def test_name_and_description_never_lose_text(plan: PlanDocument, text: str) -> None:
    joined = [" ".join(filter(None, (ind.name, ind.description))) for ind in plan.indicators()]
    assert joined == _row_cells(text)


@pytest.mark.parametrize(
    ("name", "description"),
    [
        ("Customer satisfaction", "Giudizio medio di soddisfazione ottenuto nella rilevazione di "
         "customer di ente"),
        ("Grado di utilizzo delle risorse", "Risorse utilizzate/risorse stanziata a budget"),
        ("Registro Imprese - Percentuale visure on line",
         "Numero di visure on line in rapporto al numero di imprese registrate al 31/12"),
        ("Giornata della Trasparenza", "Realizzazione Giornata della Trasparenza"),
        ("N. Carnet ATA rilasciati/convalidati", "N. Carnet ATA rilasciati/convalidati"),
        ("Posizioni TFR", "Posizioni IFR/TFR dipendenti in E e in U definite/Numero dipendenti "
         "mobilità E/U"),
        ("Sensibilizzazione delle Pmi", "Eventi di sensibilizzazione realizzati"),
        ("MUD", "Istanze di rimborso su diritti di segreteria gestiti / Istanze di rimborso su "
         "diritti di segreteria pervenuti"),
        ("Informatizzazione Registro Contratti",
         "Numero di contratti informatizzati/Numero totale contratti stipulati nell'anno"),
        # Unsure (the description starts in lower case): everything stays in the name.
        ("Costi di struttura costi del personale + costi di funzionamento", ""),
        ("Imprese presso le quali viene promosso e diffuso il circuito Ospitalità Italiana", ""),
    ],
)  # fmt: skip
def test_name_description_split(plan: PlanDocument, name: str, description: str) -> None:
    assert _indicator(plan, name).description == description


def test_deadline_indicator(plan: PlanDocument) -> None:
    spazi = _indicator(plan, "Valorizzazione degli spazi")
    assert (spazi.unit, spazi.comparator, spazi.targets) == ("data", "=", {2022: "30/11/2022"})


def test_comparator_glued_to_the_target(plan: PlanDocument) -> None:
    social = _indicator(plan, "Gestione social network")
    assert (social.comparator, social.targets, social.weight) == (">=", {2022: "600,0"}, "14,3%")
    survey = _indicator(plan, "Realizzazione Customer satisfaction")
    assert (survey.comparator, survey.targets) == ("=", {2022: "si"})
    protocol = _card(plan, "03_01_16").indicators[0]
    assert (protocol.comparator, protocol.targets) == ("≥", {2022: "33.250"})


def test_weights_not_available(plan: PlanDocument) -> None:
    card = _card(plan, "02_01_01")
    assert [ind.weight for ind in card.indicators] == ["n.d.", "25,0%", "25,0%", "n.d."]
    assert [ind.targets[2022] for ind in card.indicators] == ["n.d.", "25,0%", "7,1%", "n.d."]
    findings = [str(f) for f in validate_document(plan) if f.item.startswith("02_01_01")]
    assert "02_01_01: 2 indicatori senza peso (n.d.)" in findings
    assert "02_01_01: la somma dei pesi degli indicatori è 50,0%: deve essere 100%" in findings


def test_every_indicator_is_complete_or_reported(plan: PlanDocument) -> None:
    findings = [str(f) for f in validate_document(plan)]
    for card in plan.operational_objectives():
        for number, ind in enumerate(card.indicators, start=1):
            assert ind.kind and ind.unit and ind.baseline and ind.weight
            target = ind.targets.get(2022, "")
            if not target or target == "n.d.":
                assert any(
                    f.startswith(f"{card.code}, indicatore {number} ") and "target" in f
                    for f in findings
                )


# --- organisation, assignments, fund ---------------------------------------------------------


def test_org_units(plan: PlanDocument) -> None:
    areas = [unit.name for unit in plan.org_units if unit.kind == "area"]
    offices = [unit for unit in plan.org_units if unit.kind == "office"]
    assert areas == [
        "Promozione e sviluppo economico",
        "Tutela del Mercato e della Fede Pubblica",
        "Segretario Generale",
        "Tutela del Mercato e Legalità",
        "Anagrafe e semplificazione",
        "Responsabile Prevenzione Corruzione Trasparenza",
        "Risorse ed organizzazione",
        "Risorse e organizzazione",  # as printed on 03_01_18, reported as a variant
    ]
    assert len(offices) == 31
    assert all(office.parent in areas for office in offices)
    assert all("trasversale" not in unit.name.casefold() for unit in plan.org_units)
    pid = next(office for office in offices if office.name == "Punto Impresa Digitale")
    assert pid.parent == "Promozione e sviluppo economico"


def test_assignment_table(plan: PlanDocument) -> None:
    assert [(a.area, len(a.objectives)) for a in plan.assignments] == [
        ("Segretario Generale", 10),
        ("Risorse ed organizzazione", 7),
        ("Anagrafe e semplificazione", 6),
        ("Promozione e sviluppo economico", 10),
        ("Tutela del mercato e legalità", 7),
        ("Trasversale", 6),
    ]
    first = plan.assignments[0].objectives[0]
    assert first == "Favorire la transizione digitale (obiettivo comune di sistema)"
    assert plan.assignments[-1].objectives[-1] == "Salute finanziaria"
    assert sum(len(a.objectives) for a in plan.assignments) == 46
    assert any(
        w.startswith("Scheda 01_04_03: nella tabella di assegnazione") for w in plan.warnings
    )


def test_incentive_fund(plan: PlanDocument) -> None:
    fund = plan.incentive_fund
    assert [(s.strategic_objective, s.amount) for s in fund.shares] == [
        *[(code, "€ 10.285,71") for code in
          ("01_01", "01_02", "01_03", "01_04", "01_05", "01_06", "02_01")],
        ("03_01", "€ 57.000,00"),
    ]  # fmt: skip
    assert fund.total == "€ 129.000,00"
    assert fund.description.startswith("Il CCNL Funzioni Locali del 21.05.2018")
    assert "- L’e-government per la competitività delle imprese" in fund.description
    assert "Di Seguito" not in fund.description and "Area di Responsabilità" not in fund.description


# --- warnings --------------------------------------------------------------------------------


def test_warnings_name_a_card(plan: PlanDocument) -> None:
    assert plan.warnings
    assert all(CARD_CODE.search(w) for w in plan.warnings)


def test_warnings_found_in_the_adopted_plan(plan: PlanDocument) -> None:
    def about(card: str) -> list[str]:
        return [w for w in plan.warnings if w.startswith(f"Scheda {card}")]

    weights = {f.item: f.message for f in validate_document(plan) if "somma dei pesi" in f.message}
    assert "133,2%" in weights["01_02_03"]  # 4 × 33,3%
    assert "87,5%" in weights["01_06_04"]  # 7 × 12,5%
    assert "116,2%" in weights["03_01_15"]  # 14 × 8,3%
    assert "03_01_07" not in weights  # 14 × 7,1% = 99,4%: rounding, not a finding
    assert set(weights) == {"01_02_03", "01_06_04", "03_01_15", "02_01_01"}
    assert any("riga 1192" in w and "troncato" in w for w in about("03_01_01"))
    assert any("riga 1193" in w and "troncato" in w for w in about("03_01_01"))
    assert any("riga 208" in w and "troncato" in w for w in about("01_01_03"))
    assert any("riga 354" in w for w in about("01_03_01"))  # stray "<TAB>…>=<TAB>1" row
    notes = [w for w in plan.warnings if "nota dopo la tabella" in w]
    assert len(notes) == 7  # "I target indicati …" under six cards, one more note on 02_01_05
    assert any("Risorse e organizzazione" in w for w in about("03_01_18"))
    assert len(plan.warnings) == 13


# --- texts that are not a plan, or barely one ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("", 1),
        ("\n\n", 1),
        ("Relazione annuale\n\nNel 2022 la Camera ha svolto 01_02_03 attività.\n", 3),
        ("Verbale\n23.02.22 riunione di Giunta\n\naltro testo\n", 4),
    ],
)
def test_not_a_plan(text: str, line: int) -> None:
    with pytest.raises(PlanTextError, match=rf"^Riga {line}: ") as caught:
        read_plan_text(text)
    assert caught.value.line == line


def test_duplicate_card_code_names_both_lines() -> None:
    text = "Codice: 01_01_01\tTitolo: A\n\nDescrizione:\nx\n\nCodice: 01_01_01\tTitolo: B\n"
    with pytest.raises(PlanTextError, match=r"^Riga 6: .*01_01_01.*riga 1"):
        read_plan_text(text, year=2022)


def test_year_needed_when_the_text_has_none() -> None:
    with pytest.raises(PlanTextError, match="anno del piano"):
        read_plan_text("Codice: 01_01_01\tTitolo: A\n\nDescrizione:\nx\n")
    assert read_plan_text("Codice: 01_01_01\tTitolo: A\n", year=2024).year == 2024


def test_truncated_row_is_read_and_reported() -> None:
    text = (
        "Piano della performance 2023-2025\n\nAMBITO STRATEGICO\n\nAmbito\n\n"
        "Codice: 01_01_01\tTitolo: Prova\n\nDescrizione:\nTesto.\n\n"
        "Obiettivo strategico (OS): 01_01 - Obiettivo\n\n"
        "Indicatori\tTipologia\tUdM\tStato 2022\tTarget 2023\t\tPeso indicatori:\n"
        "\t\t\t\t>=\t\t\n"
        "Bando PID Numero di domande\tVolume\tn.\t130\t<= 60\t50,0%\n"
        "Tirocini Numero di tirocini\tVolume\tn.\t12\n"
    )
    plan = read_plan_text(text)
    first, second = plan.indicators()
    assert (first.comparator, first.targets, first.weight) == ("<=", {2023: "60"}, "50,0%")
    assert (second.name, second.baseline, second.targets, second.weight) == (
        "Tirocini", "12", {}, "",
    )  # fmt: skip
    assert plan.areas[0].title == "Ambito" and plan.areas[0].objectives[0].title == "Obiettivo"
    assert plan.version.status == "draft"  # no resolution on the cover
    (truncated,) = plan.warnings
    assert truncated.startswith("Scheda 01_01_01: indicatore 2 «Tirocini Numero di tirocini» "
                                "(riga 17): riga troncata, mancano target, peso")  # fmt: skip
    assert "01_01_01: 1 indicatore senza peso (n.d.)" in [str(f) for f in validate_document(plan)]


def test_body_named_on_the_cover_wins(text: str) -> None:
    cover = text.replace("Allegato A\n", "Allegato A\nCamera di Commercio di Pistoia-Prato\n", 1)
    assert read_plan_text(cover, body="Altro ente").body == "Camera di Commercio di Pistoia-Prato"
    assert read_plan_text(text, body="Altro ente").body == "Altro ente"
