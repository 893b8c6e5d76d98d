"""Measuring a card of the plan: values by office, results, roll-up, freezing, audit."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from performa.accounts.access import SYSTEM
from performa.accounts.models import Membership, Role
from performa.measures import actions, computing
from performa.measures.fund import fund_outcome
from performa.measures.models import MeasuredValue, NodeResult, Period, ResultSet
from performa.plans import models as plans
from performa.plans.actions import adopt, amend
from performa.plans.document import PlanDocument, VariableDoc
from performa.plans.store import store_plan

pytestmark = pytest.mark.django_db


class Setup:
    def __init__(self, plan: PlanDocument) -> None:
        self.version = store_plan(plan).version
        self.cycle = self.version.cycle
        self.body = self.cycle.body
        unit = self.body.org_units.get
        self.pid_office = unit(name="Punto Impresa Digitale")
        self.other_office = unit(name="Segreteria Generale")
        self.planning = self.user("pianificazione", Role.PLANNING)
        self.staff = self.user("referente.pid", Role.STAFF, self.pid_office)
        self.other = self.user("referente.segreteria", Role.STAFF, self.other_office)
        self.oiv = self.user("oiv", Role.EVALUATOR)
        self.june = Period.objects.create(cycle=self.cycle, date=date(2022, 6, 30),
                                          deadline=date(2022, 7, 15), state="open")
        self.year_end = Period.objects.create(cycle=self.cycle, date=date(2022, 12, 31),
                                              state="open")

    def user(self, name: str, role: Role, unit: plans.OrgUnit | None = None) -> User:
        user = User.objects.create_user(name, password="x-Secret-9")
        Membership.objects.create(user=user, body=self.body, role=role, org_unit=unit)
        return user

    def indicator(self, name: str) -> plans.Indicator:
        return plans.Indicator.objects.get(version=self.version, name=name)

    def node(self, period: Period, key: str, tree: str = "strategy") -> NodeResult:
        return ResultSet.objects.get(period=period, current=True).nodes.get(tree=tree, key=key)


@pytest.fixture
def s(plan: PlanDocument) -> Setup:
    return Setup(plan)


def _enter_pid_card(s: Setup, period: Period) -> None:
    actions.enter_value(s.staff, period, s.indicator("Bando PID"), "60")
    actions.enter_value(s.staff, period, s.indicator("Risorse umane dedicate"), "2,5")
    actions.enter_value(s.staff, period, s.indicator("Customer satisfaction"), "7,4")
    card = plans.OperationalObjective.objects.get(version=s.version, code="01_01_02")
    actions.record_resource_use(s.planning, period, card, "90.000,00")


def test_card_results_and_roll_up_against_hand_computed_figures(s: Setup) -> None:
    _enter_pid_card(s, s.june)
    spaces = s.indicator("Attrattività eventi realizzati")
    actions.enter_value(s.planning, s.june, spaces, "1.200")
    results = {r.indicator.name: r for r in
               ResultSet.objects.get(period=s.june, current=True).indicators.all()}
    assert results["Bando PID"].achievement == pytest.approx(0.75)  # 60 / 80
    assert results["Risorse umane dedicate"].achievement == pytest.approx(0.8)  # 2,0 / 2,5
    assert results["Customer satisfaction"].achievement == 1.0
    # Grado di utilizzo: € 90.000 used of € 150.000 budgeted = 60%, against ≥ 80% → 75%.
    use = results["Grado di utilizzo delle risorse"]
    assert (use.value, use.display, use.achievement) == (pytest.approx(0.6), "60%",
                                                        pytest.approx(0.75))
    card = s.node(s.june, "op:01_01_02")
    assert card.achievement == pytest.approx((0.75 + 0.8 + 1 + 0.75) / 4)  # 82,5%
    # 01_03_03: the date indicator has no value yet: left out, its weight re-normalised.
    spaces_card = s.node(s.june, "op:01_03_03")
    assert spaces_card.achievement == pytest.approx(0.8)
    assert [p["left_out"] for p in spaces_card.explanation["parts"]][1] == "nessun valore rilevato"
    assert s.node(s.june, "area:1").achievement == pytest.approx((0.825 + 0.8) / 2)
    assert s.node(s.june, "body").achievement == pytest.approx((0.825 + 0.8) / 2)
    # By organisation: the PID office owns 01_01_02, and so does its Area.
    office = s.node(s.june, f"unit:{s.pid_office.pk}", "organisation")
    assert office.achievement == pytest.approx(0.825)
    assert "82,5%" not in office.explanation["text"] and "83%" in office.explanation["text"]


def test_not_available_needs_a_reason_and_is_left_out(s: Setup) -> None:
    satisfaction = s.indicator("Customer satisfaction")
    with pytest.raises(ValidationError, match="motivo"):
        actions.enter_value(s.staff, s.june, satisfaction, "n.d.")
    actions.enter_value(s.staff, s.june, satisfaction, "n.d.",
                        not_available_reason="indagine rinviata a ottobre")
    actions.enter_value(s.staff, s.june, s.indicator("Bando PID"), "80")
    card = s.node(s.june, "op:01_01_02")
    assert card.achievement == pytest.approx(1.0)
    left_out = [p for p in card.explanation["parts"] if p["left_out"]]
    assert {p["label"] for p in left_out} == {"Customer satisfaction", "Risorse umane dedicate",
                                              "Grado di utilizzo delle risorse"}


def test_values_typed_the_italian_way_and_refused_clearly(s: Setup) -> None:
    entered = actions.enter_value(s.staff, s.june, s.indicator("Bando PID"), "1.500")
    assert (entered.value.value_text, entered.value.number) == ("1.500", 1500.0)
    assert entered.result[0].achievement == 1.0  # saving shows the new achievement
    with pytest.raises(ValidationError) as refused:
        actions.enter_value(s.staff, s.june, s.indicator("Bando PID"), "1,500.5")
    assert "«1,500.5»" in str(refused.value)
    assert MeasuredValue.objects.get().value_text == "1.500"  # nothing stored changed


def with_a_formula(plan: PlanDocument) -> PlanDocument:
    """The small plan with «Bando PID» computed from a variable, as a PIRA's card may have it."""
    plan.variables = [VariableDoc("N_Domande_PID", "Domande gestite su bando Pid", "n.")]
    plan.areas[0].objectives[0].operational[0].indicators[0].formula = "N_Domande_PID"
    return plan


def test_a_computed_indicator_takes_no_typed_value(plan: PlanDocument) -> None:
    """Issue 10 item 3: the formula (or the budget) decides the value; a typed one would be
    shown and audited yet ignored by the results, so every write path refuses it here."""
    s = Setup(with_a_formula(plan))
    bando = s.indicator("Bando PID")
    for user in (s.staff, s.planning, SYSTEM):  # the loaders too: the demo, the values file
        with pytest.raises(ValidationError) as refused:
            actions.enter_value(user, s.june, bando, "60", revision=0)
        assert refused.value.message_dict == {
            "value": ["«Bando PID» si calcola con una formula: inserire le variabili."]}
    use = s.indicator("Grado di utilizzo delle risorse")  # € 150.000 budgeted on the card
    with pytest.raises(ValidationError) as refused:
        actions.enter_value(s.planning, s.june, use, "60%", revision=0)
    assert list(refused.value.message_dict) == ["value"]
    assert "«Grado di utilizzo delle risorse» si calcola dalle risorse" in str(refused.value)
    assert not MeasuredValue.objects.exists()
    variable = plans.Variable.objects.get(cycle=s.cycle, name="N_Domande_PID")
    actions.enter_value(s.planning, s.june, variable, "60", revision=0)
    result = ResultSet.objects.get(period=s.june, current=True).indicators.get(indicator=bando)
    assert result.achievement == pytest.approx(0.75)  # the formula's value: 60 / 80


def test_office_cannot_write_another_offices_values(s: Setup) -> None:
    with pytest.raises(PermissionDenied):
        actions.enter_value(s.other, s.june, s.indicator("Bando PID"), "60")
    with pytest.raises(PermissionDenied):
        actions.enter_value(s.oiv, s.june, s.indicator("Bando PID"), "60")
    assert not MeasuredValue.objects.exists()


def test_lost_update_is_refused_with_the_newer_value(s: Setup) -> None:
    bando = s.indicator("Bando PID")
    first = actions.enter_value(s.staff, s.june, bando, "50").value
    assert first.revision == 1
    actions.enter_value(s.planning, s.june, bando, "65", revision=1)  # saved meanwhile
    with pytest.raises(actions.ConflictError) as refused:
        actions.enter_value(s.staff, s.june, bando, "70", revision=1)  # built on revision 1
    assert "ora vale «65»" in str(refused.value)
    assert "pianificazione" in str(refused.value)
    assert MeasuredValue.objects.get().value_text == "65"


def test_every_change_is_audited_with_who_old_new_and_why(s: Setup) -> None:
    bando = s.indicator("Bando PID")
    actions.enter_value(s.staff, s.june, bando, "50")
    actions.enter_value(s.staff, s.june, bando, "55", revision=1, reason="dato ricontrollato")
    history = list(MeasuredValue.objects.get().history.order_by("history_date"))
    assert [h.value_text for h in history] == ["50", "55"]
    assert history[-1].history_change_reason == "dato ricontrollato"
    delta = history[-1].diff_against(history[0])
    assert {c.field for c in delta.changes} >= {"value_text", "number"}


def test_period_states_and_reopening_needs_a_reason(s: Setup) -> None:
    with pytest.raises(PermissionDenied):
        actions.move_period(s.staff, s.june, "closed")
    actions.move_period(s.planning, s.june, "closed")
    with pytest.raises(ValidationError, match="non è aperta"):
        actions.enter_value(s.staff, s.june, s.indicator("Bando PID"), "60")
    with pytest.raises(PermissionDenied, match="OIV"):
        actions.move_period(s.planning, s.june, "validated")
    actions.move_period(s.oiv, s.june, "validated")
    with pytest.raises(ValidationError, match="motivazione"):
        actions.move_period(s.planning, s.june, "open")
    actions.move_period(s.planning, s.june, "open", reason="errore nel dato del PID")
    s.june.refresh_from_db()
    assert s.june.state == "open"
    assert s.june.history.first().history_change_reason == "errore nel dato del PID"


def test_validated_results_do_not_change_when_the_plan_changes(s: Setup) -> None:
    _enter_pid_card(s, s.june)
    actions.move_period(s.planning, s.june, "closed")
    actions.move_period(s.oiv, s.june, "validated")
    before = s.node(s.june, "op:01_01_02").achievement
    draft = amend(SYSTEM, s.cycle)  # the Giunta lowers the PID target from 80 to 60
    plans.Target.objects.filter(indicator__version=draft, indicator__name="Bando PID").update(
        value="60")
    adopt(SYSTEM, draft, "Giunta", "30", date(2022, 7, 20))
    computing.store_results(s.june)
    assert s.node(s.june, "op:01_01_02").achievement == before
    redone = actions.recompute(s.planning, s.june, reason="nuovo piano adottato")
    assert redone.nodes.get(key="op:01_01_02").achievement == pytest.approx(
        (1 + 0.8 + 1 + 0.75) / 4)
    assert ResultSet.objects.filter(period=s.june).count() == 2
    with pytest.raises(ValidationError, match="motivo"):
        actions.recompute(s.planning, s.june, reason="")


def test_year_end_needs_explained_deviations_before_closing(s: Setup) -> None:
    _enter_pid_card(s, s.year_end)
    with pytest.raises(ValidationError) as refused:
        actions.move_period(s.planning, s.year_end, "closed")
    assert "«Bando PID»" in str(refused.value)
    for name in ("Bando PID", "Risorse umane dedicate", "Grado di utilizzo delle risorse"):
        actions.explain_deviation(s.staff, s.year_end, s.indicator(name),
                                  "Riduzione delle domande per la chiusura anticipata del bando.")
    actions.move_period(s.planning, s.year_end, "closed")


def test_a_closed_period_takes_no_deviation_nor_spending_until_reopened(s: Setup) -> None:
    """#17: closed means closed for every write; reopening is the planning office's act."""
    _enter_pid_card(s, s.june)
    bando = s.indicator("Bando PID")
    actions.explain_deviation(s.staff, s.june, bando, "Domande in calo.")
    actions.move_period(s.planning, s.june, "closed")
    card = plans.OperationalObjective.objects.get(version=s.version, code="01_01_02")
    with pytest.raises(ValidationError, match="non è aperta"):
        actions.explain_deviation(s.staff, s.june, bando, "Riscritta dopo la chiusura.")
    with pytest.raises(ValidationError, match="non è aperta"):
        actions.record_resource_use(s.planning, s.june, card, "1,00")
    assert s.june.deviations.get().text == "Domande in calo."
    assert s.june.resource_uses.get().used == Decimal("90000.00")
    actions.move_period(s.planning, s.june, "open", reason="motivazione da correggere")
    actions.explain_deviation(s.staff, s.june, bando, "Domande in calo: bando chiuso prima.")
    assert s.june.deviations.get().text == "Domande in calo: bando chiuso prima."


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("10%", "non è un importo in euro"), ("30/06/2022", "non è un importo in euro"),
     ("-5,00", "importo non negativo"), ("n.d.", "importo non negativo")],
)
def test_resources_used_must_be_an_amount(s: Setup, typed: str, reason: str) -> None:
    """A percent or a date is not read as a number of euro (10% was once €0,10)."""
    card = plans.OperationalObjective.objects.get(version=s.version, code="01_01_02")
    with pytest.raises(ValidationError, match=reason):
        actions.record_resource_use(s.planning, s.june, card, typed)
    assert not s.june.resource_uses.exists()


def test_early_warning_projects_the_year_end(s: Setup) -> None:
    # The adopted plan is frozen: Bando PID becomes cumulative by amendment.
    draft = amend(SYSTEM, s.cycle)
    plans.Indicator.objects.filter(version=draft, name="Bando PID").update(
        accumulation="cumulative")
    adopt(SYSTEM, draft, "Giunta", "31", date(2022, 6, 1))
    new_bando = plans.Indicator.objects.get(version=draft, name="Bando PID")
    actions.enter_value(s.staff, s.june, new_bando, "30")
    actions.enter_value(s.staff, s.june,
                        plans.Indicator.objects.get(version=draft, name="Customer satisfaction"),
                        "7")
    results = {r.indicator.name: r for r in
               ResultSet.objects.get(period=s.june, current=True).indicators.all()}
    # 30 requests by 30/06 (181 days of 365) project to 60,5 at year end: below 80, at risk.
    assert results["Bando PID"].projection == pytest.approx(30 * 365 / 181)
    assert results["Bando PID"].at_risk
    # A satisfaction score is a stock figure: the last value is the projection.
    assert results["Customer satisfaction"].projection == 7.0
    assert results["Customer satisfaction"].at_risk


def test_incentive_fund_paid_on_strategic_objective_achievement(s: Setup) -> None:
    _enter_pid_card(s, s.year_end)
    actions.enter_value(s.planning, s.year_end, s.indicator("Attrattività eventi realizzati"),
                        "1.500")
    outcome = fund_outcome(s.year_end)
    lines = {line.key: line for line in outcome.lines}
    assert lines["so:01_01"].payable == Decimal("8250.00")  # € 10.000 × 82,5%
    assert lines["so:01_01"].formula == "€ 10.000,00 × 82,5% = € 8.250,00"
    assert lines["so:01_03"].payable == Decimal("10000.00")
    assert outcome.payable == Decimal("18250.00")
    assert outcome.by_area["1"][1:] == (Decimal("20000.00"), Decimal("18250.00"))


def test_indicators_are_measured_only_at_the_dates_the_plan_says(s: Setup) -> None:
    draft = amend(SYSTEM, s.cycle)
    plans.Indicator.objects.filter(version=draft, name="Customer satisfaction").update(
        measured_at="31/12")
    adopt(SYSTEM, draft, "Giunta", "32", date(2022, 6, 1))
    satisfaction = plans.Indicator.objects.get(version=draft, name="Customer satisfaction")
    actions.enter_value(s.staff, s.june, satisfaction, "6")
    card = s.node(s.june, "op:01_01_02")
    part = next(p for p in card.explanation["parts"] if p["label"] == "Customer satisfaction")
    assert part["left_out"] == "non previsto nella rilevazione al 30/06"
    actions.enter_value(s.staff, s.year_end, satisfaction, "6")
    year_end = s.node(s.year_end, "op:01_01_02")
    assert any(p["label"] == "Customer satisfaction" and not p["left_out"]
               for p in year_end.explanation["parts"])


def test_evidence_files_are_checked(s: Setup) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    bando = s.indicator("Bando PID")
    with pytest.raises(ValidationError, match="non ammesso"):
        actions.enter_value(s.staff, s.june, bando, "60",
                            evidence=SimpleUploadedFile("verbale.exe", b"MZ..."))
    with pytest.raises(ValidationError, match="non è un PDF"):
        actions.enter_value(s.staff, s.june, bando, "60",
                            evidence=SimpleUploadedFile("verbale.pdf", b"<html>"))
    assert not MeasuredValue.objects.exists()
    stored = actions.enter_value(s.staff, s.june, bando, "60", evidence=SimpleUploadedFile(
        "verbale.pdf", b"%PDF-1.7 ...")).value
    assert stored.evidence.name.startswith(f"evidence/{s.body.pk}/{s.june.pk}/verbale")
    stored.evidence.delete()


def test_demo_incentive_fund(capsys: pytest.CaptureFixture[str]) -> None:
    from performa.cli import main

    assert main(["demo"]) == 0
    capsys.readouterr()
    september = Period.objects.get(date=date(2022, 9, 30))
    outcome = fund_outcome(september)
    shares = {line.key: line.amount for line in outcome.lines}
    assert shares == {f"so:{code}": Decimal("10285.71") for code in
                      ("01_01", "01_02", "01_03", "01_04", "01_05", "01_06", "02_01")} | {
        "so:03_01": Decimal("57000.00")}
    assert outcome.total == Decimal("128999.97")  # 7 × 10.285,71 + 57.000: 0,03 unassigned
    for line in outcome.lines:
        node = ResultSet.objects.get(period=september, current=True).nodes.get(key=line.key)
        assert line.payable == (line.amount * Decimal(repr(node.achievement))).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert line.formula.startswith(f"€ {line.amount:,.2f}".replace(",", "X").replace(
            ".", ",").replace("X", "."))
    assert set(outcome.by_area) == {"1", "2", "3"}
