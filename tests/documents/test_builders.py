"""The document builders on the real Pistoia-Prato 2022 plan (demo) and small plans of real rows.

Every figure checked here is one the seed prints (000_…) or one read back from the stored
results, so a document can never drift from the plan or from the dashboard.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from performa.documents import registry
from performa.documents.model import Document, Heading, KeyValues, Paragraph, Table
from performa.engine.money import Money
from performa.engine.values import format_money, format_percent

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "opendata.md"
KINDS = ("piano", "pira", "pira-consuntivo", "rpp", "monitoraggio", "relazione", "opendata")


@pytest.fixture(scope="module")
def demo(django_db_setup: None,
         django_db_blocker: DjangoDbBlocker) -> Iterator[registry.Context]:
    """The demo loaded once for the module, and the test database restored afterwards."""
    from django.core.management import call_command
    from django.db import connection

    from performa.cli import main
    from performa.plans.models import Body

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as env:
        before = connection.creation.serialize_db_to_string()
        env.setenv("PERFORMA_DEMO_PASSWORD", "prova-Demo-2022")
        assert main(["demo"]) == 0
        context = registry.context_for(
            Body.objects.get(name="Camera di Commercio di Pistoia-Prato"), 2022)
    try:
        yield context
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(before)


@pytest.fixture(scope="module")
def built(demo: registry.Context, django_db_blocker: DjangoDbBlocker) -> dict[str, Document]:
    """Each kind built once on the demo at its latest period (30/09, open)."""
    kinds = registry.load_all()
    with django_db_blocker.unblock():
        return {name: kinds[name].build(demo) for name in KINDS}


def euro_value(text: str) -> Decimal:
    """«€ 10.285,71» read back to the cent."""
    assert text.startswith("€ "), text
    return Decimal(text[2:].replace(".", "").replace(",", "."))


def tables_after(doc: Document, block: object) -> Table:
    position = doc.blocks.index(block)
    return next(b for b in doc.blocks[position:] if isinstance(b, Table))


def headings(doc: Document, level: int | None = None) -> list[str]:
    return [b.text for b in doc.blocks
            if isinstance(b, Heading) and (level is None or b.level == level)]


def indicator_tables(doc: Document) -> list[Table]:
    """The PIRA's tables of indicators, one per objective (not the programmes' resources, the
    phases or the financial-health block)."""
    return [t for t in doc.tables() if t.caption.startswith("Indicatori dell'obiettivo ")]


def text_of(doc: Document) -> str:
    parts = []
    for block in doc.blocks:
        if isinstance(block, Heading | Paragraph):
            parts.append(block.text)
        elif isinstance(block, KeyValues):
            parts += [f"{k}: {v}" for k, v in block.pairs]
        elif isinstance(block, Table):
            parts += [" | ".join(row) for row in block.rows] + block.footnotes
    return "\n".join(parts)


def test_every_kind_is_registered_with_its_formats() -> None:
    kinds = registry.load_all()
    assert set(KINDS) <= set(kinds)
    assert kinds["opendata"].formats == ("csv", "json")
    for name in set(KINDS) - {"opendata"}:
        assert kinds[name].formats == registry.PAGED + registry.TABULAR
        assert kinds[name].title


# -- Piano della Performance --------------------------------------------------------------


def test_piano_cover_and_cards(built: dict[str, Document]) -> None:
    doc = built["piano"]
    assert doc.cover.title == "Piano della Performance 2022-2024"
    assert doc.cover.subtitle == "Sezione 2.2 Performance del PIAO"
    assert doc.cover.resolution == "Deliberazione di Giunta n. 12/22 del 23/02/2022"
    assert not doc.demo  # the plan only: nothing invented in it
    cards = [b for b in doc.blocks if isinstance(b, KeyValues) and b.pairs[0][0] == "Codice"]
    assert len(cards) == 46
    pid = next(c for c in cards if c.pairs[0][1] == "01_01_02")
    pairs = dict(pid.pairs)
    assert pairs["Titolo"] == "PID - Punto Impresa Digitale"
    assert pairs["Obiettivo strategico (OS)"] == (
        "01_01 - Digitalizzazione, nuove tecnologie ed innovazione")
    assert pairs["Risorse economiche"] == "€ 335.000,00"
    assert pairs["Area di responsabilità"] == "Promozione e sviluppo economico"
    assert pairs["Ufficio"] == "Punto Impresa Digitale"
    table = tables_after(doc, pid)
    assert table.header == ["Indicatori", "Tipologia", "UdM", "Stato 2021", "Target 2022", "Peso"]
    assert len(table.rows) == 8
    assert {row[5] for row in table.rows} == {"12,5%"}
    assert table.rows[0][0].startswith("Ampiezza delle attività di assesment della maturità "
                                       "digitale delle imprese realizzate dai PID Numero di")
    assert table.rows[0][1:5] == ["Volume", "n.", "130", "≥ 60"]
    assert table.rows[4][3:5] == ["2,0", "≤ 2,0"]  # Risorse umane dedicate
    transversal = dict(next(c for c in cards if c.pairs[0][1] == "01_01_01").pairs)
    assert transversal["Area di responsabilità"] == "Obiettivo trasversale"


def test_piano_tree_assignments_and_fund(built: dict[str, Document]) -> None:
    doc = built["piano"]
    tree = next(t for t in doc.tables() if t.sheet == "Albero")
    assert [row[1] for row in tree.rows] == ["01_01", "01_02", "01_03", "01_04", "01_05",
                                             "01_06", "02_01", "03_01"]
    assert sum(int(row[3]) for row in tree.rows) == 46
    assignments = next(t for t in doc.tables() if t.sheet == "Assegnazione")
    assert assignments.header == ["Area di Responsabilità", "Obiettivo"]
    start = next(i for i, row in enumerate(assignments.rows)
                 if row[0] == "Promozione e sviluppo economico")
    assert assignments.rows[start][1] == "PID - Punto Impresa digitale"
    fund = next(t for t in doc.tables() if t.sheet == "Fondo")
    amounts = [row[2] for row in fund.rows]
    assert amounts.count("€ 10.285,71") == 7
    assert amounts.count("€ 57.000,00") == 1
    # € 72.000 in seven equal shares of € 10.285,71: the total is what the rows add up to,
    # and a note gives the plan's round figure.
    assert fund.rows[-1] == ["Totale", "", "€ 128.999,97"]
    assert fund.total_rows == [len(fund.rows) - 1]
    assert sum(euro_value(a) for a in amounts[:-1]) == euro_value(amounts[-1])
    position = doc.blocks.index(fund)
    assert doc.blocks[position + 1] == Paragraph(
        "Il fondo indicato nel piano è di € 129.000,00; le quote assegnate agli obiettivi "
        "sommano € 128.999,97 (differenza di € 0,03, dovuta alla ripartizione in quote "
        "arrotondate al centesimo).", "note")


def test_piano_costs_a_fixed_number_of_queries(
    demo: registry.Context, django_assert_max_num_queries: object
) -> None:
    kind = registry.load_all()["piano"]
    with django_assert_max_num_queries(15):  # type: ignore[operator]
        kind.build(demo)


# -- RPP -------------------------------------------------------------------------------------

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
RPP_SEED = SEEDS / "002_68b4b20b4f1ef68e.txt"
PIRA_SEED = SEEDS / "004_b237edd194eb8dfa.txt"
MERGED = "Camera di Commercio della Toscana Nord-Ovest"
LUCCA = "Camera di Commercio di Lucca"
MASSA = "Camera di Commercio di Massa-Carrara"
PISA = "Camera di Commercio di Pisa"


def euros(*amounts: Decimal) -> list[str]:
    """Amounts as every document prints them (the one home of money: format_money)."""
    return [format_money(amount) for amount in amounts]


def money_euros(money: Money) -> list[str]:
    return euros(money.costs, money.revenues, money.contributions, money.investments)


def column_sums(rows: list[list[str]]) -> list[Decimal]:
    """The four money columns of printed rows, added up here."""
    return [sum((euro_value(cell) for cell in column), Decimal(0))
            for column in zip(*rows, strict=True)] if rows else [Decimal(0)] * 4


def test_rpp_without_actions_prints_the_cards_resources_and_no_table_of_zeros(
    built: dict[str, Document], demo: registry.Context
) -> None:
    from performa.plans.models import OperationalObjective

    doc = built["rpp"]
    assert doc.landscape
    assert not [t.caption for t in doc.tables() if "Oneri" in t.header]
    cards = {pairs["Obiettivo operativo"].split()[0]: pairs for pairs in (
        dict(b.pairs) for b in doc.blocks if isinstance(b, KeyValues))
        if "Obiettivo operativo" in pairs}
    assert len(cards) == 46
    printed = {code: euro_value(pairs["Risorse economiche"]) for code, pairs in cards.items()
               if pairs.get("Risorse economiche", "").startswith("€ ")}
    stated = dict(OperationalObjective.objects.filter(
        version=demo.version, resources_amount__isnull=False).values_list(
        "code", "resources_amount"))
    assert printed == stated
    assert sum(printed.values()) == Decimal("965240.00")
    assert cards["01_01_02"]["Risorse economiche"] == "€ 335.000,00"
    assert cards["01_01_03"]["Risorse economiche"] == "Risorse interne"
    # The same, as written, in one table (the spreadsheets' content): no sum is made.
    stated = next(t for t in doc.tables() if t.sheet == "Risorse")
    assert stated.header == ["Codice", "Obiettivo", "Risorse economiche"]
    assert {row[0]: euro_value(row[2]) for row in stated.rows
            if row[2].startswith("€ ")} == printed
    assert ["01_01_03", "Tutela della proprietà industriale", "Risorse interne"] in stated.rows
    notes = [b.text for b in doc.blocks if isinstance(b, Paragraph) and b.style == "note"]
    assert any(n.startswith("Il piano non indica le azioni con oneri, ricavi, contributi e "
                            "investimenti") for n in notes)
    assert "Il bilancio di Camera di Commercio di Pistoia-Prato non è caricato in Performa" \
        in " ".join(notes)


def test_rpp_with_actions_prints_the_cards_their_actions_and_the_totals(plan: object) -> None:
    """The Lucca layout on the small plan (tests/rpp_plan.py, totals hand-computed there)."""
    from performa.plans.store import store_plan
    from rpp_plan import AREA_TOTALS, PID_TOTALS, SPACES_TOTALS, with_actions_and_phases

    version = store_plan(with_actions_and_phases(plan, timezone.localdate())).version  # type: ignore[arg-type]
    doc = registry.load_all()["rpp"].build(
        registry.Context(version.cycle.body, version.cycle, version))
    card = next(dict(b.pairs) for b in doc.blocks if isinstance(b, KeyValues)
                and b.pairs[0][1].startswith("01_01_02"))
    assert card["Centro di costo"] == ("C003 Servizio Regolazione del Mercato, D003 Servizio "
                                       "Promozione e sviluppo per le imprese")
    assert card["Risorse economiche"] == ("oneri € 127.300,00; ricavi € 60.800,00; contributi "
                                          "€ 96.000,00")
    actions = next(t for t in doc.tables() if t.caption == "Azioni 01_01_02")
    assert actions.header == ["Codice", "Azione", "Centro di costo", "Ufficio responsabile",
                              "Attività", "Oneri", "Ricavi", "Contributi", "Investimenti"]
    assert actions.rows[0] == ["1B010301", "Piano strategico provinciale 2030",
                               "C003 Servizio Regolazione del Mercato", "Punto Impresa Digitale",
                               "Istituzionale", "€ 40.000,00", "€ 0,00", "€ 40.000,00", "€ 0,00"]
    assert actions.rows[2][3:] == ["—", "Commerciale", "€ 35.300,00", "€ 60.800,00", "€ 0,00",
                                   "€ 0,00"]
    assert actions.rows[-1] == ["", "Totale obiettivo operativo 01_01_02", "", "", "",
                                *euros(*PID_TOTALS)]
    # The project's total is the sum of its action rows, added up here.
    assert column_sums([row[5:] for row in actions.rows[:-1]]) == list(PID_TOTALS)
    summary = next(t for t in doc.tables() if t.sheet == "Riepilogo")
    assert summary.rows == [["1 Promozione e sostegno allo sviluppo", *euros(*AREA_TOTALS)],
                            ["Totale", *euros(*AREA_TOTALS)]]
    missions = next(t for t in doc.tables() if t.sheet == "Missioni")
    assert [row[0][:11] for row in missions.rows] == [
        "011 Competi", "— 011.005 P", "012 Regolaz", "— 012.004 V"]
    assert [row[1:] for row in missions.rows] == [
        euros(*PID_TOTALS), euros(*PID_TOTALS), euros(*SPACES_TOTALS), euros(*SPACES_TOTALS)]
    assert missions.total_rows == [0, 2]
    area = next(t for t in doc.tables() if t.sheet == "Area 1")
    assert area.rows == [["01_01 Digitalizzazione", *euros(*PID_TOTALS)],
                         ["01_03 Cultura e turismo", *euros(*SPACES_TOTALS)],
                         ["Totale ambito strategico 1", *euros(*AREA_TOTALS)]]


def seed_area_figures(area: int) -> tuple[Decimal, Decimal]:
    """Lucca's costi esterni and investimenti of an Area as its summary prints them (002_…)."""
    text = RPP_SEED.read_text(encoding="utf-8")
    found = re.search(rf"AREA STRATEGICA {area}\n\n[^\n]+\n\nCONTRIBUTI/RICAVI 2022 € [\d.,]+"
                      r"\tCOSTI ESTERNI 2022 €\t([\d.,]+)\n\tINVESTIMENTI 2022 €\t([\d.,]+)",
                      text)
    assert found, area
    return tuple(Decimal(g.replace(".", "").replace(",", ".")) for g in found.groups())  # type: ignore[return-value]


def part_blocks(doc: Document, title: str) -> list[object]:
    """The blocks of one predecessor's part: from its chapter heading to the next one."""
    start = doc.blocks.index(Heading(title, 1))
    end = next((i for i, b in enumerate(doc.blocks) if i > start and isinstance(b, Heading)
                and b.level == 1), len(doc.blocks))
    return doc.blocks[start:end]


def test_rpp_of_the_merged_body_presents_each_predecessor_in_turn(
    demo: registry.Context,
) -> None:
    from performa.plans.models import Body, Cycle
    from performa.plans.money import money_totals

    doc = registry.load_all()["rpp"].build(
        registry.context_for(Body.objects.get(name=MERGED), 2022))
    assert doc.cover.body == MERGED
    assert headings(doc, 1) == ["Premessa", LUCCA, MASSA, PISA]
    assert f"nata dall'accorpamento di {LUCCA}, {MASSA} e {PISA}" in text_of(doc)

    # Lucca: the project cards with their actions, cost centres and money.
    lucca = part_blocks(doc, LUCCA)
    card = next(dict(b.pairs) for b in lucca if isinstance(b, KeyValues)
                and b.pairs[0] == ("Progetto", "1B0103 Piano strategico provinciale 2030"))
    assert card["Centro di costo"] == "C003 Servizio Regolazione del Mercato"
    assert card["Ufficio responsabile"] == ("Servizio Studi, Politiche economiche e Regolazione "
                                            "del Mercato")
    actions = next(b for b in lucca if isinstance(b, Table) and b.caption == "Azioni 1B0103")
    assert actions.rows[0] == ["1B010301", "Piano strategico provinciale 2030",
                               "C003 Servizio Regolazione del Mercato",
                               "Servizio Studi, Politiche economiche e Regolazione del Mercato",
                               "Istituzionale", "€ 40.000,00", "€ 0,00", "€ 40.000,00", "€ 0,00"]
    # Lucca's Areas: the roll-up of its actions, the sum of the action rows printed under
    # each Area (added up here) and, where the source agrees with its own actions (Areas 1
    # and 3; Area 2 is printed € 43.000,00 off, which the import warns of), its summary.
    totals = money_totals(Cycle.objects.get(body__name=LUCCA, year=2022).current_version())
    summary = next(b for b in lucca if isinstance(b, Table) and b.sheet == "Lucca Riepilogo")
    assert [row[0][:2] for row in summary.rows] == ["1 ", "2 ", "3 ", "To"]
    for row in summary.rows[:-1]:
        code = row[0].split()[0]
        assert row[1:] == money_euros(totals.of_area(code))
        heading = Heading(f"Area strategica {code}: {row[0][len(code) + 1:]}", 2)
        start = lucca.index(heading)
        end = next((i for i, b in enumerate(lucca) if i > start and isinstance(b, Heading)
                    and b.level <= 2), len(lucca))
        action_rows = [r[5:] for b in lucca[start:end] if isinstance(b, Table)
                       and b.caption.startswith("Azioni ") for r in b.rows if r[0]]
        assert [format_money(s) for s in column_sums(action_rows)] == row[1:], code
    for area in (1, 3):
        costs, investments = seed_area_figures(area)
        row = summary.rows[area - 1]
        assert (euro_value(row[1]), euro_value(row[4])) == (costs, investments)
    assert summary.rows[-1][1:] == money_euros(totals.total)

    # Massa-Carrara: its budget of the triennium and its indices, as the source prints them.
    massa = part_blocks(doc, MASSA)
    economic = next(b for b in massa if isinstance(b, Table)
                    and b.sheet == "Massa-Carrara Conto economico")
    assert economic.header == ["Voce", "Preconsuntivo 2021", "Preventivo 2022",
                               "Preventivo 2023", "Preventivo 2024"]
    seed = RPP_SEED.read_text(encoding="utf-8").splitlines()
    printed = next(line.split("\t")[1:] for line in seed if line.startswith("Diritto Annuale\t"))
    annual = next(row for row in economic.rows if row[0] == "Diritto Annuale")
    assert annual[2] == "€ 2.314.115,97"
    assert annual[1:] == [f"€ {amount}" for amount in printed]
    assert any(b.sheet == "Massa-Carrara Piano degli investimenti" for b in massa
               if isinstance(b, Table))
    indices = next(b for b in massa if isinstance(b, Table) and b.sheet == "Massa-Carrara Indici")
    structure = next(row for row in indices.rows if row[0].startswith("Indice di struttura (1)"))
    line = seed.index("Indice di Struttura (1) (PN/Immobilizzazioni)\t\t\t\t")
    assert seed[line + 1].startswith("Risultato (Target >= 0,7)\t")
    assert structure[1:] == [">= 0,7", *seed[line + 1].split("\t")[1:]]
    assert structure[2] == "1,90"
    how = next(b for b in massa if isinstance(b, Table) and b.caption == "Come sono calcolati "
               "gli indici")
    assert how.rows[0] == ["Indice di struttura (1) (PN / Immobilizzazioni)", "Preconsuntivo 2021",
                           "1,90 = PATRIMONIO NETTO 10.186.566,06 / IMMOBILIZZAZIONI "
                           "5.357.678,69"]

    # Pisa has no actions and no budget loaded: its programmes' resources and a note.
    pisa = part_blocks(doc, PISA)
    assert not any(isinstance(b, Table) and "Oneri" in b.header for b in pisa)
    assert any(isinstance(b, KeyValues) and ("Risorse economiche", "€ 200.000=") in b.pairs
               for b in pisa)
    assert Paragraph(f"Il bilancio di {PISA} non è caricato in Performa: le sue tabelle e gli "
                     "indici di salute economico-finanziaria non sono disponibili.",
                     "note") in pisa


# -- PIRA: resources, phases and the financial-health block ---------------------------------


def seed_resources() -> list[Decimal]:
    """The «RISORSE ECONOMICHE» amounts 004_… prints, one per objective stating one."""
    text = PIRA_SEED.read_text(encoding="utf-8")
    return sorted(Decimal(found.replace(".", "").replace(",", "."))
                  for found in re.findall(r"RISORSE ECONOMICHE(?:</b>)?\t€ ([\d.,]+)", text))


def test_pira_of_frosinone_latina_prints_the_resources_of_each_programme(
    demo: registry.Context,
) -> None:
    from performa.plans.models import Body

    doc = registry.load_all()["pira"].build(registry.context_for(
        Body.objects.get(name="Camera di Commercio Frosinone Latina"), 2021))
    tables = [t for t in doc.tables() if t.caption.startswith("Risorse del programma ")]
    assert [t.sheet for t in tables] == ["Risorse 011.005", "Risorse 012.004",
                                         "Risorse 016.005"]
    assert tables[0].header == ["Obiettivo", "Risorse economiche"]
    assert tables[0].rows[0] == ["(A1) Valorizzare le peculiarità/potenzialità del territorio",
                                 "€ 460.000,00"]
    seed = seed_resources()
    assert len(seed) == 8
    assert sorted(euro_value(row[1]) for t in tables for row in t.rows) == seed
    cards = [dict(b.pairs)["RISORSE ECONOMICHE"] for b in doc.blocks
             if isinstance(b, KeyValues) and b.pairs[0][0] == "TITOLO"
             and "RISORSE ECONOMICHE" in dict(b.pairs)]
    assert sorted(euro_value(card) for card in cards) == seed
    assert "per ciascun programma si riportano le risorse economiche indicate dai suoi " \
        "obiettivi" in text_of(doc)


def test_pira_with_actions_phases_and_the_bodys_budget(plan: object) -> None:
    """The small plan with Lucca's actions and phases (tests/rpp_plan.py) and the
    Massa-Carrara budget of 002_…: the programme's money, the phases' outcome at the period's
    date, and the consuntivo's financial-health block."""
    from performa.accounts.access import SYSTEM
    from performa.budget.store import store_budget
    from performa.interchange.budget_text import read_budget_text
    from performa.measures.actions import enter_value, record_phase_completion
    from performa.measures.models import Period
    from performa.plans.models import Indicator, Phase
    from performa.plans.store import store_plan
    from rpp_plan import (
        LATE,
        NO_MILESTONE,
        PID_TOTALS,
        REACHED,
        SPACES_TOTALS,
        with_actions_and_phases,
    )

    version = store_plan(with_actions_and_phases(plan, timezone.localdate())).version  # type: ignore[arg-type]
    body, cycle = version.cycle.body, version.cycle
    seed = RPP_SEED.read_text(encoding="utf-8")
    store_budget(SYSTEM, body, read_budget_text(seed))
    kinds = registry.load_all()
    doc = kinds["pira"].build(registry.Context(body, cycle, version))
    programmes = {t.sheet: t.rows for t in doc.tables() if t.sheet.startswith("Risorse ")}
    assert programmes == {
        "Risorse 011.005": [["(01_01_02) PID - Punto Impresa Digitale", *euros(*PID_TOTALS)],
                            ["Totale del programma", *euros(*PID_TOTALS)]],
        "Risorse 012.004": [["(01_03_03) Valorizzazione degli spazi camerale e "
                             "dell'Auditorium", *euros(*SPACES_TOTALS)],
                            ["Totale del programma", *euros(*SPACES_TOTALS)]],
    }
    digital = dict(next(b for b in doc.blocks if isinstance(b, KeyValues)
                        and b.pairs[0] == ("TITOLO", "(01_01) Digitalizzazione")).pairs)
    assert digital["RISORSE ECONOMICHE"] == ("oneri € 127.300,00; ricavi € 60.800,00; "
                                             "contributi € 96.000,00")
    phases = next(t for t in doc.tables() if t.caption == "Fasi dell'obiettivo 01_01")
    assert phases.rows == [[REACHED, "2022", "30/06/2022"], [NO_MILESTONE, "2022-2024", "—"]]
    assert "Salute economico-finanziaria" not in headings(doc)

    september = Period.objects.create(cycle=cycle, date=date(2022, 9, 30), label="30/09",
                                      state="open")
    enter_value(SYSTEM, september, Indicator.objects.get(version=version, name="Bando PID"),
                "60")
    record_phase_completion(SYSTEM, Phase.objects.get(version=version, title=REACHED),
                            "20/06/2022")
    doc = kinds["pira-consuntivo"].build(registry.context_for(body, 2022))
    phases = next(t for t in doc.tables() if t.caption == "Fasi dell'obiettivo 01_01")
    assert phases.header == ["Fase", "Anni", "Milestone", "Completata il",
                             "Esito al 30/09/2022"]
    assert phases.rows == [
        [REACHED, "2022", "30/06/2022", "20/06/2022",
         "Raggiunta (100%): completata il 20/06/2022, entro la milestone del 30/06/2022"],
        [NO_MILESTONE, "2022-2024", "—", "—",
         "Senza milestone: nessun grado di raggiungimento"]]
    card = next(t for t in doc.tables() if t.caption == "Fasi dell'obiettivo 01_01_02")
    assert card.rows[0] == [LATE, "2021-2022", "31/10/2022", "—",
                            "In corso: da completare entro il 31/10/2022"]

    # The financial-health block: the body's indices on its 2022 figures.
    assert headings(doc, 1)[-1] == "Salute economico-finanziaria"
    health = next(t for t in doc.tables() if t.sheet == "Salute finanziaria")
    assert health.header == ["Indice", "Target", "Valore (Preventivo 2022)", "Esito", "Calcolo"]
    rows = {row[0]: row[1:] for row in health.rows}
    # 9.312.995,88 / 5.240.178,69, the 2022 patrimonio netto and immobilizzazioni of 002_…
    ratio = (Decimal("9312995.88") / Decimal("5240178.69")).quantize(Decimal("0.01"))
    assert ratio == Decimal("1.78")
    assert rows["Indice di struttura (1) (PN / Immobilizzazioni)"] == [
        ">= 0,7", "1,78", "rispettato",
        "1,78 = PATRIMONIO NETTO 9.312.995,88 / IMMOBILIZZAZIONI 5.240.178,69"]
    squilibrio = next(v for k, v in rows.items() if k.startswith("Indice di squilibrio"))
    assert squilibrio[:3] == [">= 0", "-0,09", "non rispettato"]
    assert rows["Indice primario di tesoreria"][2] == "—"  # no target printed


# -- PIRA ----------------------------------------------------------------------------------


def test_pira_groups_the_objectives_under_their_missions(
    built: dict[str, Document], demo: registry.Context
) -> None:
    from performa.plans.models import StrategicObjective

    doc = built["pira"]
    # The Piano names no mission: the demo attributes them from the Areas, as Performa's.
    objectives = StrategicObjective.objects.filter(version=demo.version)
    assert {so.classified_by for so in objectives} == {"performa"}
    assert headings(doc, 1) == [
        "Premessa", "MISSIONE 011 – Competitività e sviluppo delle imprese",
        "MISSIONE 012 – Regolazione dei mercati",
        "MISSIONE 016 – Commercio internazionale ed internazionalizzazione del sistema "
        "produttivo",
        "MISSIONE 032 – Servizi istituzionali e generali delle amministrazioni pubbliche"]
    programmes = headings(doc, 2)
    assert [h.split()[3] for h in programmes] == ["005", "004", "005", "002", "003"]
    text = text_of(doc)
    assert "Missione non indicata" not in text and "Programma non indicato" not in text
    # Under every programme heading: whose classification it is, then the description.
    for heading in (b for b in doc.blocks if isinstance(b, Heading) and b.level == 2):
        note, narrative = doc.blocks[doc.blocks.index(heading) + 1:][:2]
        assert isinstance(note, Paragraph) and note.style == "note"
        assert note.text.startswith("Classificazione per missione e programma attribuita da "
                                    "Performa in base alla funzione istituzionale dell'Area")
        assert isinstance(narrative, Paragraph)
        assert narrative.text.startswith("Descrizione standard del programma attribuita da "
                                         "Performa")
    # No key indicator in the Piano: all of them, and the premise says so.
    assert "Il piano non individua indicatori chiave: sono riportati tutti i suoi 372 " \
        "indicatori." in text
    raccordo = next(t for t in doc.tables() if t.sheet == "Raccordo")
    by_programme = {row[1][:3] + row[0][:3]: row[2] for row in raccordo.rows}
    assert by_programme["002032"] == (
        "01_04 Competitività delle Imprese, Sostenibilità ambientale ed Economia circolare "
        "(obiettivi operativi 01_04_03), 01_06 Legalità ed Armonizzazione del mercato "
        "(obiettivi operativi 01_06_01), 03_01 L'ottimizzazione organizzativa e gestionale "
        "(obiettivi operativi 03_01_03, 03_01_04, 03_01_09, 03_01_10, 03_01_11)")
    assert by_programme["005016"] == "01_02 Internazionalizzazione"
    objectives = [b for b in doc.blocks if isinstance(b, KeyValues)]
    assert len(objectives) == 46  # every operational objective once, wherever filed
    pid = dict(next(b for b in objectives if b.pairs[0][1] == "01_01_02").pairs)
    assert pid["ARCO TEMPORALE DI REALIZZAZIONE"] == "2022/2024 (triennale)"
    assert pid["CENTRO DI RESPONSABILITA'"] == "Promozione e sviluppo economico"
    assert pid["RISORSE ECONOMICHE"] == "€ 335.000,00"
    table = tables_after(doc, next(b for b in objectives if b.pairs[0][1] == "01_01_02"))
    assert table.header == ["KPI", "Algoritmo di calcolo", "Tipologia", "UdM", "Fonte",
                            "Valore osservato (2021)", "Target 2022", "Target 2023",
                            "Target 2024"]
    assert table.rows[3][:7] == ["Bando PID", "Numero di domande gestite su bando Pid",
                                 "Realizzazione fisica", "n.", "—", "426", "≥ 80"]
    assert sum(len(t.rows) for t in indicator_tables(doc)) == 372


def test_pira_with_missions(plan: object) -> None:
    from performa.plans.store import store_plan

    version = store_plan(plan).version  # type: ignore[arg-type]
    doc = registry.load_all()["pira"].build(
        registry.Context(version.cycle.body, version.cycle, version))
    assert headings(doc, 1) == ["Premessa", "MISSIONE 011 – Competitività e sviluppo delle "
                                "imprese", "Missione non indicata"]
    assert headings(doc, 2)[0].startswith("PROGRAMMA DI SPESA: 005 Promozione e attuazione")
    raccordo = next(t for t in doc.tables() if t.sheet == "Raccordo")
    assert raccordo.rows[0][2] == "01_01 Digitalizzazione"
    assert raccordo.rows[1][:2] == ["Missione non indicata", "Programma non indicato"]


def test_pira_prints_the_programme_the_card_and_only_the_key_indicators(plan: object) -> None:
    """A plan that describes its programme, has a PIRA card and marks key indicators (the
    figures of 004_…, objective A1): the PIRA prints them, and no Performa note."""
    from performa.plans.document import PlanDocument, ProgrammeDoc
    from performa.plans.store import store_plan

    assert isinstance(plan, PlanDocument)
    plan.programmes = [ProgrammeDoc(
        mission="011", programme="005",
        narrative="Nella missione confluiscono le attività della funzione D.",
        stakeholders="Cittadini, imprese ed Enti locali.", benefits="Imprese più digitali")]
    digital = plan.areas[0].objectives[0]
    digital.description = "Ambito progettuale: Governance e sviluppo locale."
    digital.time_span = "2021/2023 (triennale)"
    digital.stakeholders = "Cittadini, imprese ed Enti locali."
    digital.responsible_centre = "CDR 3 - Studi, formazione, informazione e promozione economica."
    digital.resources = "€ 460.000,00"
    digital.operational[0].indicators[0].published = True
    version = store_plan(plan).version
    doc = registry.load_all()["pira"].build(
        registry.Context(version.cycle.body, version.cycle, version))
    text = text_of(doc)
    assert "attribuita da Performa" not in text  # the source classified it
    programme = next(b for b in doc.blocks if isinstance(b, Heading) and b.level == 2)
    after = doc.blocks[doc.blocks.index(programme) + 1:]
    assert after[0] == Paragraph("Nella missione confluiscono le attività della funzione D.")
    assert after[1] == KeyValues([("PORTATORI D'INTERESSE", "Cittadini, imprese ed Enti locali."),
                                  ("BENEFICI ATTESI", "Imprese più digitali")])
    # The programme's resources: those its objectives state (the plan has no actions).
    assert after[2] == Table(
        header=["Obiettivo", "Risorse economiche"],
        rows=[["(01_01) Digitalizzazione", "€ 460.000,00"],
              ["(01_01_02) PID - Punto Impresa Digitale", "€ 150.000,00"]],
        caption="Risorse del programma 005 Promozione e attuazione di politiche di sviluppo, "
                "competitività e innovazione, di responsabilità sociale d'impresa e movimento "
                "cooperativo", sheet="Risorse 011.005", widths=[6, 2])
    assert after[3] == Heading("Obiettivo strategico (01_01) Digitalizzazione", 3)
    card = dict(after[4].pairs)  # type: ignore[union-attr]
    assert card == {
        "TITOLO": "(01_01) Digitalizzazione",
        "DESCRIZIONE": "Ambito progettuale: Governance e sviluppo locale.",
        "ARCO TEMPORALE DI REALIZZAZIONE": "2021/2023 (triennale)",
        "PORTATORI D'INTERESSE": "Cittadini, imprese ed Enti locali.",
        "CENTRO DI RESPONSABILITA'": "CDR 3 - Studi, formazione, informazione e promozione "
                                     "economica.",
        "RISORSE ECONOMICHE": "€ 460.000,00",
    }
    pid = dict(next(b for b in doc.blocks if isinstance(b, KeyValues)
                    and b.pairs[0] == ("OBIETTIVO", "01_01_02")).pairs)
    assert pid["ARCO TEMPORALE DI REALIZZAZIONE"] == "2021/2023 (triennale)"
    assert pid["PORTATORI D'INTERESSE"] == "Cittadini, imprese ed Enti locali."
    # One key indicator of 6: only it is printed, and only its objective.
    assert "Sono riportati gli indicatori chiave individuati dal piano (1 su 6)." in text
    tables = indicator_tables(doc)
    assert [(t.sheet, [row[0] for row in t.rows]) for t in tables] == [
        ("01_01_02", ["Bando PID"])]


def test_pira_consuntivo_has_a_footnote_for_every_deviation(
    built: dict[str, Document], demo: registry.Context
) -> None:
    doc = built["pira-consuntivo"]
    assert doc.demo
    results = demo.period.result_sets.get(current=True)
    below = results.indicators.filter(achievement__lt=1).count()
    assert below == 208
    tables = indicator_tables(doc)
    assert tables[0].header[-3:] == ["Valore al 30/09/2022", "Valore al 31/12/2022",
                                     "Raggiungimento"]
    assert sum(len(t.footnotes) for t in tables) == below
    for table in tables:
        marks = [int(m) for row in table.rows for m in re.findall(r"\[(\d+)\]", row[-1])]
        assert marks == list(range(1, len(table.footnotes) + 1))
    first = tables[0]
    assert first.rows[0][-3:] == ["44", "—", "73% [1]"]
    assert first.footnotes[0] == "Motivazione non ancora fornita."


def test_pira_consuntivo_prints_the_explanation(demo: registry.Context) -> None:
    from performa.accounts.access import SYSTEM
    from performa.measures.actions import explain_deviation
    from performa.plans.models import Indicator

    bando = Indicator.objects.get(version=demo.version, name="Bando PID")
    explain_deviation(SYSTEM, demo.period, bando, "Bando chiuso a settembre: domande in "
                      "istruttoria fino a dicembre.")
    doc = registry.load_all()["pira-consuntivo"].build(demo)
    table = next(t for t in doc.tables() if t.sheet == "01_01_02")
    row = next(r for r in table.rows if r[0] == "Bando PID")
    number = int(re.search(r"\[(\d+)\]", row[-1]).group(1))  # type: ignore[union-attr]
    assert table.footnotes[number - 1].startswith("Bando chiuso a settembre")


# -- Monitoraggio -----------------------------------------------------------------------------


def test_monitoring_lists_the_areas_and_what_is_missing(
    built: dict[str, Document], demo: registry.Context
) -> None:
    from performa.measures.models import NodeResult
    from performa.measures.read_model import dues

    doc = built["monitoraggio"]
    assert doc.demo and doc.cover.title == "Monitoraggio al 30/09/2022"
    results = demo.period.result_sets.get(current=True)
    root = results.nodes.get(tree="organisation", key="organisation")
    areas = {n.key: n for n in results.nodes.filter(tree="organisation")}
    expected = [f"Area: {areas[p['key']].label} — {format_percent(areas[p['key']].achievement)}"
                for p in root.explanation["parts"] if p["key"] in areas]
    assert "Area: Promozione e sviluppo economico — 81%" in expected
    assert headings(doc, 2)[1:len(expected) + 1] == expected
    synopsis = dict(next(b for b in doc.blocks if isinstance(b, KeyValues)).pairs)
    body = results.nodes.get(tree=NodeResult.Tree.STRATEGY, key="body")
    assert synopsis["Grado di raggiungimento dell'ente"] == format_percent(body.achievement)
    missing = next(t for t in doc.tables() if t.sheet == "Mancanti")
    assert sum(int(r[3]) for r in missing.rows) == sum(
        len(d.missing) for d in dues(demo.period, demo.version)) == 3
    pid = next(t for t in doc.tables() if t.caption == "Indicatori — Punto Impresa Digitale")
    assert pid.rows[0][:5] == ["01_01_02 (84%)", "Ampiezza delle attività di assesment della "
                               "maturità digitale delle imprese realizzate dai PID", "≥ 60",
                               "53", "88%"]


# -- Relazione ---------------------------------------------------------------------------------


def test_relazione_reports_the_dashboard_figures(
    built: dict[str, Document], demo: registry.Context
) -> None:
    from performa.measures.fund import fund_outcome
    from performa.measures.models import NodeResult

    doc = built["relazione"]
    assert doc.demo
    assert [h.split(" ")[0] for h in headings(doc, 1)] == ["1.", "2.", "3.", "4.", "5.", "6.",
                                                          "7."]
    results = demo.period.result_sets.get(current=True)
    body = results.nodes.get(tree=NodeResult.Tree.STRATEGY, key="body")
    shown = format_percent(body.achievement)
    assert shown == "86%"
    main = dict(next(b for b in doc.blocks if isinstance(b, KeyValues)).pairs)
    assert main["Grado di raggiungimento dell'ente"] == shown
    assert f"dell'ente è pari al {shown}" in text_of(doc)
    deviations = next(t for t in doc.tables() if t.sheet == "Scostamenti")
    assert len(deviations.rows) == results.indicators.filter(achievement__lt=1).count()
    indicators = next(t for t in doc.tables() if t.sheet == "Indicatori")
    assert len(indicators.rows) == 372
    fund = next(t for t in doc.tables() if t.sheet == "Fondo")
    outcome = fund_outcome(demo.period)
    assert outcome is not None
    assert [row[3] for row in fund.rows[:-1]] == [line.formula for line in outcome.lines]
    assert sum(euro_value(row[4]) for row in fund.rows[:-1]) == euro_value(fund.rows[-1][4])
    assert fund.rows[-1][1] == "€ 128.999,97"
    assert "Validata dall'OIV il ____________________" in text_of(doc)


def test_relazione_of_a_validated_period_says_when(demo: registry.Context) -> None:
    from django.utils import timezone

    from performa.accounts.access import SYSTEM
    from performa.measures.actions import move_period
    from performa.measures.models import Period

    june = Period.objects.get(cycle=demo.cycle, date=date(2022, 6, 30))
    move_period(SYSTEM, june, Period.State.VALIDATED)
    doc = registry.load_all()["relazione"].build(
        registry.context_for(demo.body, 2022, date(2022, 6, 30)))
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert f"Validata dall'OIV il {today}." in text_of(doc)
    periods = next(t for t in doc.tables() if t.sheet == "Rilevazioni")
    assert periods.rows[0] == ["30/06", "30/06/2022", "Validata", "31/07/2022", today]


# -- Open data --------------------------------------------------------------------------------


def documented_columns() -> dict[str, list[str]]:
    """The column names of each dataset, as docs/opendata.md lists them."""
    found: dict[str, list[str]] = {}
    current = None
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## `(\w+)`$", line)
        if heading:
            current = found.setdefault(heading.group(1), [])
        elif current is not None and (cell := re.match(r"^\| `(\w+)` \|", line)):
            current.append(cell.group(1))
    return found


def test_opendata_tables_have_the_documented_columns(built: dict[str, Document]) -> None:
    doc = built["opendata"]
    assert doc.demo
    assert all(isinstance(b, Table) for b in doc.blocks)  # tables only: CSV and JSON
    tables = {t.sheet: t for t in doc.tables()}
    assert {name: t.header for name, t in tables.items()} == documented_columns()
    assert len(tables["indicatori"].rows) == 372
    assert len(tables["obiettivi"].rows) == 3 + 8 + 46
    bando = next(r for r in tables["indicatori"].rows if r[1] == "Bando PID")
    assert bando[0] == "01_01_02"
    assert bando[4:8] == ["426", ">=", "80", "12,5%"]
    pid = next(r for r in tables["obiettivi"].rows if r[0] == "01_01_02")
    assert pid[1:6] == ["obiettivo operativo", "PID - Punto Impresa Digitale", "01_01",
                        "Promozione e sviluppo economico", "Punto Impresa Digitale"]
    assert re.fullmatch(r"\d+(\.\d)?", pid[6])
    fund = tables["fondo"]
    assert [r[3] for r in fund.rows].count("10285.71") == 7
    assert sum(Decimal(r[5]) for r in fund.rows) <= Decimal("129000.00")
