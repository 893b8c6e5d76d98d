"""The demo: the real Piano della Performance 2022-2024 of Pistoia-Prato, loaded whole, and
every export format going round trip through an empty database."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from performa.cli import main
from performa.cli.plans import DEMO_BODY, demo_seed
from performa.plans import models as m
from performa.plans.store import plan_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(capsys: pytest.CaptureFixture[str]) -> m.PlanVersion:
    assert main(["demo"]) == 0
    capsys.readouterr()
    version = m.Cycle.objects.get(body__name=DEMO_BODY, year=2022).current_version()
    assert version is not None
    return version


def test_demo_loads_the_whole_plan(demo: m.PlanVersion) -> None:
    assert (demo.organ, demo.resolution_number, f"{demo.resolution_date:%d/%m/%Y}") == (
        "Giunta", "12/22", "23/02/2022")
    assert m.StrategicArea.objects.filter(version=demo).count() == 3
    assert list(m.StrategicObjective.objects.filter(version=demo).values_list(
        "code", flat=True)) == ["01_01", "01_02", "01_03", "01_04", "01_05", "01_06", "02_01",
                                "03_01"]
    assert m.OperationalObjective.objects.filter(version=demo).count() == 46
    assert m.Indicator.objects.filter(version=demo).count() == 372
    card = m.OperationalObjective.objects.get(version=demo, code="01_01_02")
    assert card.title == "PID - Punto Impresa Digitale"
    assert (card.area.name, [o.name for o in card.offices.all()]) == (
        "Promozione e sviluppo economico", ["Punto Impresa Digitale"])
    indicators = list(card.indicators.all())
    assert len(indicators) == 8
    assert {i.weight_text for i in indicators} == {"12,5%"}
    first = indicators[0]
    assert (first.kind, first.unit, first.baseline, first.comparator) == ("Volume", "n.", "130",
                                                                          "≥")
    assert first.targets.get(year=2022).value == "60"
    transversal = m.OperationalObjective.objects.get(version=demo, code="01_01_01")
    assert transversal.transversal and transversal.common_objective
    date_target = m.Indicator.objects.get(version=demo, name="Valorizzazione degli spazi")
    assert (date_target.unit, date_target.targets.get().value) == ("data", "30/11/2022")
    assert m.OperationalObjective.objects.get(version=demo, code="03_01_18").resources == \
        "risorse interne"


def test_demo_has_the_three_real_plans_and_massa_carraras_budget(demo: m.PlanVersion) -> None:
    from performa.budget.models import BudgetEntry

    merged = m.Body.objects.get(name="Camera di Commercio della Toscana Nord-Ovest")
    assert sorted(b.name for b in merged.legacy_bodies.all()) == [
        "Camera di Commercio di Lucca", "Camera di Commercio di Massa-Carrara",
        "Camera di Commercio di Pisa"]
    assert m.Cycle.objects.filter(body__name="Camera di Commercio Frosinone Latina",
                                  year=2021).exists()
    lucca = m.Cycle.objects.get(body__name="Camera di Commercio di Lucca").current_version()
    assert m.Action.objects.filter(version=lucca).count() == 43
    massa = m.Body.objects.get(name="Camera di Commercio di Massa-Carrara")
    # 100 items over Preconsuntivo 2021 and Preventivo 2022-2024 (the tables of chapter 3).
    assert BudgetEntry.objects.filter(body=massa).count() == 400


def test_demo_assignments_and_incentive_fund(demo: m.PlanVersion) -> None:
    areas = m.Assignment.objects.filter(version=demo).values_list("area__name", flat=True)
    # The table's "Tutela del mercato e legalità" is the cards' Area, whatever the capitals.
    assert list(dict.fromkeys(areas)) == [
        "Segretario Generale", "Risorse ed organizzazione", "Anagrafe e semplificazione",
        "Promozione e sviluppo economico", "Tutela del Mercato e Legalità", "Trasversale"]
    assert m.Assignment.objects.filter(version=demo).count() == 46
    fund = m.IncentiveFund.objects.get(version=demo)
    assert fund.total == Decimal("129000.00")
    shares = {s.strategic_objective.code: s.amount for s in fund.shares.all()}
    assert shares == {code: Decimal("10285.71") for code in
                      ("01_01", "01_02", "01_03", "01_04", "01_05", "01_06", "02_01")} | {
        "03_01": Decimal("57000.00")}


def test_demo_classifies_every_objective_by_mission_and_says_so(demo: m.PlanVersion) -> None:
    """The Piano prints no mission: the demo attributes them from the Areas (plans.classify),
    marked as Performa's, and no objective is left without one."""
    strategic = m.StrategicObjective.objects.filter(version=demo)
    assert not strategic.filter(mission=None).exists()
    assert not strategic.filter(programme=None).exists()
    assert set(strategic.values_list("classified_by", flat=True)) == {"performa"}
    for op in m.OperationalObjective.objects.filter(version=demo).select_related(
            "strategic_objective"):
        assert op.mission_id or op.strategic_objective.mission_id, op.code
    programmes = m.PlanProgramme.objects.filter(version=demo).select_related(
        "programme__mission")
    assert [str(p.programme)[:7] for p in programmes] == [
        "011.005", "012.004", "016.005", "032.002", "032.003"]
    assert {p.classified_by for p in programmes} == {"performa"}
    assert all("attribuita da Performa" in p.narrative for p in programmes)


def test_demo_prints_what_it_created_and_every_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "indicatori: 372" in out
    assert "01_02_03: la somma dei pesi degli indicatori è 133,2%: deve essere 100%" in out
    assert main(["demo"]) == 0  # a second run changes nothing
    assert "già caricato" in capsys.readouterr().out
    assert m.PlanVersion.objects.filter(cycle__body__name=DEMO_BODY).count() == 1


# The demo is classified by Performa (classified_by, operational objectives' own missions and
# programmes, the plan's programmes): the workbook carries all of it, as the JSON does.
@pytest.mark.parametrize("fmt", ["json", "xlsx", "ods"])
def test_round_trip_through_an_empty_database(
    demo: m.PlanVersion, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / f"piano.{fmt}"
    assert main(["export-plan", "--body", DEMO_BODY, "--year", "2022", "--format", fmt,
                 "-o", str(first)]) == 0
    before = plan_document(demo)
    # An empty database: plan, organisation, all of it (predecessors before the body they
    # were merged into, which protects them).
    m.Body.objects.filter(merged_into__isnull=False).delete()
    m.Body.objects.all().delete()
    assert not m.Indicator.objects.exists()
    assert main(["import-plan", str(first), "--body", DEMO_BODY, "--year", "2022"]) == 0
    second = tmp_path / f"di-nuovo.{fmt}"
    assert main(["export-plan", "--body", DEMO_BODY, "--year", "2022", "--format", fmt,
                 "-o", str(second)]) == 0
    again = m.Cycle.objects.get(body__name=DEMO_BODY).current_version()
    assert plan_document(again) == before
    if fmt == "json":
        assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")


def test_import_refuses_a_bad_file_and_keeps_the_database(
    demo: m.PlanVersion, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "piano.json"
    bad.write_text('{"format": "performa-plan", "format_version": 1, "body": "X", "year": "due"}',
                   encoding="utf-8")
    assert main(["import-plan", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "«year»" in err and "Nessun dato è stato salvato" in err
    assert m.PlanVersion.objects.filter(cycle__body__name=DEMO_BODY).count() == 1


def test_demo_seed_is_where_the_readme_says() -> None:
    assert demo_seed().exists()
