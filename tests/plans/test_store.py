"""A plan document into the database and back; frozen versions; amendments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from performa.accounts.access import SYSTEM
from performa.measures.models import InputsRevision
from performa.plans import models as m
from performa.plans import store
from performa.plans.actions import adopt, amend
from performa.plans.document import PlanDocument
from performa.plans.errors import InterchangeError
from performa.plans.store import plan_document, store_plan
from performa.plans.validation import Finding, FindingCode

pytestmark = pytest.mark.django_db


def test_store_creates_body_cycle_adopted_version_and_tree(plan: PlanDocument) -> None:
    stored = store_plan(plan)
    version = stored.version
    assert version.status == m.PlanVersion.Status.ADOPTED
    assert (version.organ, version.resolution_number, version.resolution_date) == (
        "Giunta", "12/22", date(2022, 2, 23))
    assert version.cycle.body.name == "Camera di Commercio di Prova"
    assert (version.cycle.first_year, version.cycle.last_year) == (2022, 2024)
    assert stored.counts == {"ambiti": 1, "obiettivi strategici": 2, "obiettivi operativi": 2,
                             "indicatori": 6, "azioni": 0, "fasi": 0}
    card = m.OperationalObjective.objects.get(version=version, code="01_01_02")
    assert card.resources_amount == Decimal("150000.00")
    assert card.area.name == "Promozione e sviluppo economico"
    assert [o.name for o in card.offices.all()] == ["Punto Impresa Digitale"]
    first = card.indicators.first()
    assert (first.name, first.comparator, first.weight_text, first.weight) == (
        "Bando PID", "≥", "25,0%", Decimal("0.2500"))
    assert [(t.year, t.value) for t in first.targets.all()] == [(2022, "80")]
    digital = m.StrategicObjective.objects.get(version=version, code="01_01")
    assert (digital.mission.code, digital.programme.code, digital.function.code) == (
        "011", "005", "D")
    spaces = m.OperationalObjective.objects.get(version=version, code="01_03_03")
    assert spaces.resources_amount is None and spaces.resources == "risorse interne"
    fund = m.IncentiveFund.objects.get(version=version)
    assert fund.total == Decimal("20000.00")
    assignment = m.Assignment.objects.get(version=version)
    assert assignment.operational_objective == card  # matched despite "digitale"/"Digitale"


def test_document_comes_back_as_stored(plan: PlanDocument) -> None:
    version = store_plan(plan).version
    again = plan_document(version)
    keys = [indicator.key for indicator in again.indicators()]
    assert len(set(keys)) == 6 and all(len(key) == 36 for key in keys)  # identities assigned
    for indicator in again.indicators():
        indicator.key = ""
    assert again.areas == plan.areas
    assert again.assignments == plan.assignments
    assert again.incentive_fund == plan.incentive_fund
    assert again.version == plan.version
    office = next(u for u in again.org_units if u.kind == "office")
    assert (office.name, office.parent, office.fte) == (
        "Punto Impresa Digitale", "Promozione e sviluppo economico", "2,00")


def test_every_stored_row_has_the_history_its_save_would_give(plan: PlanDocument) -> None:
    """A version's rows go in level by level in bulk: their history still has one «created»
    row each, with the values stored, from the command line (no author, no reason), and a
    card's office is a change of the card, as ``offices.add`` records it."""
    version = store_plan(plan).version
    for model in (m.StrategicArea, m.StrategicObjective, m.OperationalObjective, m.Indicator,
                  m.Assignment, m.IncentiveFund, m.FundShare):
        stored = sorted(model.objects.filter(version=version).values_list("pk", flat=True))
        created = model.history.filter(version=version, history_type="+")  # type: ignore[attr-defined]
        assert stored and sorted(created.values_list("id", flat=True)) == stored, model
        assert {(r.history_user, r.history_change_reason) for r in created} == {(None, None)}
    targets = m.Target.objects.filter(indicator__version=version)
    assert targets.exists() and sorted(
        m.Target.history.filter(history_type="+").values_list("id", "year", "value")  # type: ignore[attr-defined]
    ) == sorted(targets.values_list("pk", "year", "value"))
    indicator = m.Indicator.history.get(name="Bando PID")
    assert (indicator.weight_text, indicator.weight) == ("25,0%", Decimal("0.2500"))
    card = m.OperationalObjective.objects.get(version=version, code="01_01_02")
    created, changed = card.history.order_by("history_date", "history_id")
    assert (created.history_type, list(created.offices.all())) == ("+", [])
    assert changed.history_type == "~"
    assert [row.orgunit.name for row in changed.offices.all()] == ["Punto Impresa Digitale"]
    for objective in m.OperationalObjective.objects.filter(version=version):
        kinds = ["+", "~"] if objective.offices.exists() else ["+"]
        assert [r.history_type for r in objective.history.order_by("history_id")] == kinds


def test_a_new_version_s_offices_move_the_body_s_inputs_revision(plan: PlanDocument) -> None:
    """A computation kept in memory reads the cards' offices: a new version's offices tell it
    that it is out of date (``measures.live``), as any change of a card's offices does."""
    body = store_plan(plan).version.cycle.body
    before = InputsRevision.objects.get(body=body).revision
    plan.version.status = "draft"
    store_plan(plan)  # its units are the body's already: only the card's office is new
    assert InputsRevision.objects.get(body=body).revision > before


def test_a_version_is_built_in_bulk_only_as_a_fresh_draft(plan: PlanDocument) -> None:
    """Bulk inserts skip the frozen-version check of ``save``: the store's builder creates
    its draft itself, takes rows of that draft alone and inserts them once."""
    adopted = store_plan(plan).version
    with transaction.atomic():
        draft = store._Draft(cycle=adopted.cycle, number=2)
        assert draft.version.status == m.PlanVersion.Status.DRAFT
        with pytest.raises(RuntimeError, match="not a row of the version being built"):
            draft.add(m.StrategicArea(version=adopted, code="9", title="Aggiunto"))
        same_pk = m.PlanVersion.objects.get(pk=draft.version.pk)
        with pytest.raises(RuntimeError, match="not a row of the version being built"):
            draft.add(m.StrategicArea(version=same_pk, code="9", title="Aggiunto"))
        draft.add(m.StrategicArea(version=draft.version, code="9", title="Aggiunto"))
        draft.insert()
        with pytest.raises(RuntimeError, match="inserted once"):
            draft.insert()
    assert list(m.StrategicArea.objects.filter(code="9").values_list("version", flat=True)) \
        == [draft.version.pk]
    assert not m.StrategicArea.objects.filter(version=adopted, code="9").exists()


def test_adopted_version_is_frozen(plan: PlanDocument) -> None:
    version = store_plan(plan).version
    indicator = m.Indicator.objects.filter(version=version).first()
    indicator.name = "Altro nome"
    with pytest.raises(ValidationError, match="adottato"):
        indicator.save()
    with pytest.raises(ValidationError, match="adottato"):
        m.Indicator.objects.filter(version=version).update(weight_text="1%")
    with pytest.raises(ValidationError, match="adottato"):
        m.Target.objects.filter(indicator=indicator).first().delete()
    assert m.Indicator.objects.get(pk=indicator.pk).name == "Bando PID"


def test_import_is_all_or_nothing(plan: PlanDocument) -> None:
    plan.incentive_fund.shares[1].strategic_objective = "09_09"
    with pytest.raises(InterchangeError, match="09_09"):
        store_plan(plan)
    assert not m.Body.objects.exists()
    assert not m.Indicator.objects.exists()


def test_a_nul_character_from_any_format_is_refused_naming_the_field(
        plan: PlanDocument) -> None:
    plan.areas[0].objectives[0].operational[0].indicators[1].name = "Eventi\x00"
    with pytest.raises(InterchangeError) as refused:
        store_plan(plan)
    assert refused.value.location == "areas[0].objectives[0].operational[0].indicators[1].name"
    assert "carattere nullo" in refused.value.reason
    assert not m.Body.objects.exists()


def test_duplicate_codes_are_refused_before_anything_is_stored(plan: PlanDocument) -> None:
    plan.areas[0].objectives[1].operational[0].code = "01_01_02"
    with pytest.raises(InterchangeError, match="codice usato 2 volte"):
        store_plan(plan)
    assert not m.PlanVersion.objects.exists()


def test_a_duplicate_code_is_recognised_by_its_code_not_its_words(
        plan: PlanDocument, monkeypatch: pytest.MonkeyPatch) -> None:
    reworded = Finding(FindingCode.DUPLICATE_CODE, "ambito 1", "codice ripetuto")
    monkeypatch.setattr(store, "validate_document", lambda doc, known: [reworded])
    with pytest.raises(InterchangeError, match="codice ripetuto"):
        store_plan(plan)
    assert not m.PlanVersion.objects.exists()


def test_a_finding_that_quotes_the_word_usato_is_only_a_warning(plan: PlanDocument) -> None:
    """It was once taken for a duplicate code, which refused the whole plan."""
    plan.areas[0].objectives[0].operational[0].indicators[0].targets = {2022: "usato"}
    stored = store_plan(plan)
    assert [f.code for f in stored.findings] == [FindingCode.BAD_TARGET]


def test_findings_of_an_adopted_document_are_kept_as_warnings(plan: PlanDocument) -> None:
    plan.areas[0].objectives[0].operational[0].indicators[0].weight = "15,0%"
    stored = store_plan(plan)
    assert stored.version.status == m.PlanVersion.Status.ADOPTED
    assert [str(f) for f in stored.findings] == [
        "01_01_02: la somma dei pesi degli indicatori è 90,0%: deve essere 100%"]


def test_amend_copies_the_version_in_force_and_adopt_supersedes_it(plan: PlanDocument) -> None:
    first = store_plan(plan).version
    draft = amend(SYSTEM, first.cycle)
    assert (draft.number, draft.status, draft.based_on) == (2, "draft", first)
    assert plan_document(draft).areas == plan_document(first).areas
    with pytest.raises(ValidationError, match="già una bozza"):
        amend(SYSTEM, first.cycle)
    target = m.Target.objects.get(indicator__version=draft, indicator__name="Bando PID")
    target.value = "90"
    target.save()  # a draft is editable
    adopt(SYSTEM, draft, "Giunta", "6", date(2022, 2, 9))
    first.refresh_from_db()
    assert first.status == "superseded"
    assert first.cycle.current_version() == draft
    assert m.Target.objects.get(indicator__version=first, indicator__name="Bando PID").value \
        == "80"


def test_adopt_refuses_new_violations_only(plan: PlanDocument) -> None:
    plan.areas[0].objectives[0].operational[0].indicators[0].weight = "15,0%"  # as adopted
    first = store_plan(plan).version
    draft = amend(SYSTEM, first.cycle)
    adopt(SYSTEM, draft, "Giunta", "6", date(2022, 2, 9))  # the old finding is not new: adopted
    second = amend(SYSTEM, first.cycle)
    indicator = m.Indicator.objects.get(version=second, name="Valorizzazione degli spazi")
    indicator.weight_text = "40,0%"
    indicator.save()
    with pytest.raises(ValidationError) as refused:
        adopt(SYSTEM, second, "Giunta", "9", date(2022, 5, 1))
    assert "01_03_03: la somma dei pesi degli indicatori è 90,0%" in str(refused.value)
    with pytest.raises(ValidationError, match="delibera"):
        adopt(SYSTEM, second, "", "", date(2022, 5, 1))
