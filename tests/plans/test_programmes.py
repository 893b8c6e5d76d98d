"""Programmes, PIRA cards, actions with money, phases and merged bodies' plans: stored and read
back unchanged, through the database and the JSON format; refused by name when wrong."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from performa.interchange.json_format import dump_json, load_json
from performa.plans import models as m
from performa.plans.document import (
    ActionDoc,
    CostCentreDoc,
    PhaseDoc,
    PlanDocument,
    ProgrammeDoc,
)
from performa.plans.errors import InterchangeError
from performa.plans.store import plan_document, plan_with_parts, store_plan

pytestmark = pytest.mark.django_db


def _enrich(plan: PlanDocument) -> PlanDocument:
    """The small plan with what a PIRA and an RPP add (figures from 004_… and 002_… Lucca)."""
    plan.programmes = [ProgrammeDoc(
        mission="011", programme="005",
        title="Promozione e attuazione di politiche di sviluppo, competitività e innovazione",
        narrative="Nella missione confluiscono le attività della funzione D.",
        stakeholders="Cittadini, imprese ed Enti locali.", benefits="Imprese più digitali",
    )]
    plan.cost_centres = [CostCentreDoc("C003", "Servizio Regolazione del Mercato")]
    digital = plan.areas[0].objectives[0]
    digital.time_span = "2021/2023 (triennale)"
    digital.stakeholders = "Cittadini, imprese ed Enti locali."
    digital.responsible_centre = "CDR 3 - Studi, formazione, informazione e promozione economica."
    digital.resources = "€ 460.000,00"
    digital.related = "AA 101 AA 102"
    digital.phases = [PhaseDoc("Avvio della cabina di regia", 2022, 2022, "30/06/2022"),
                      PhaseDoc("Piano strategico", 2022, 2024)]
    card = digital.operational[-1]
    card.actions = [
        ActionDoc("1B010301", "Piano strategico provinciale 2030", cost_centre="C003",
                  office=card.office, costs="€ 40.000,00", contributions="€ 40.000,00"),
        ActionDoc("1D710104", "Organismo di mediazione ADR CAM - Att. Comm.le",
                  activity="commercial", cost_centre="C003", costs="€ 35.300,00",
                  revenues="€ 60.800,00"),
    ]
    card.indicators[0].published = True
    return plan


def test_programmes_cards_actions_and_phases_come_back_as_stored(plan: PlanDocument) -> None:
    plan = _enrich(plan)
    stored = store_plan(plan)
    assert (stored.counts["azioni"], stored.counts["fasi"]) == (2, 2)
    again = plan_document(stored.version)
    for indicator in again.indicators():
        indicator.key = ""
    assert again.areas == plan.areas
    assert again.programmes == plan.programmes
    assert again.cost_centres == plan.cost_centres
    actions = m.Action.objects.filter(version=stored.version)
    assert sum(a.costs for a in actions) == Decimal("75300.00")
    assert sum(a.revenues for a in actions) == Decimal("60800.00")
    assert {a.cost_centre.code for a in actions} == {"C003"}
    digital = m.StrategicObjective.objects.get(version=stored.version, code="01_01")
    assert digital.resources_amount == Decimal("460000.00")
    assert [p.milestone.isoformat() if p.milestone else None
            for p in digital.phases.order_by("order")] == ["2022-06-30", None]
    # JSON keeps all of it, byte for byte on a second dump.
    text = dump_json(again)
    assert dump_json(load_json(text)) == text
    assert load_json(text).programmes == plan.programmes


def test_an_amendment_copies_programmes_actions_and_phases(plan: PlanDocument) -> None:
    from performa.accounts.access import SYSTEM
    from performa.plans.actions import amend

    version = store_plan(_enrich(plan)).version
    draft = amend(SYSTEM, version.cycle, "prova")
    assert m.PlanProgramme.objects.filter(version=draft).count() == 1
    assert m.Action.objects.filter(version=draft).count() == 2
    assert m.Phase.objects.filter(version=draft).count() == 2


@pytest.mark.parametrize(("change", "where", "reason"), [
    (lambda p: setattr(p.programmes[0], "programme", "009"), "programma 011.009.programma",
     "non presente nel catalogo"),
    (lambda p: setattr(p.areas[0].objectives[0].operational[-1].actions[0], "cost_centre",
                       "Z999"), "azione 1B010301.centro di costo", "non elencato"),
    (lambda p: setattr(p.areas[0].objectives[0].operational[-1].actions[0], "costs",
                       "quaranta"), "azione 1B010301.oneri", ""),
    (lambda p: setattr(p.areas[0].objectives[0].phases[0], "milestone", "31/02/2022"),
     "obiettivo strategico 01_01, fase 1.milestone", ""),
    (lambda p: setattr(p.areas[0].objectives[0], "classified_by", "io"),
     "obiettivo strategico 01_01.classificazione", "performa"),
])
def test_wrong_structure_is_refused_by_name_and_nothing_is_stored(
    plan: PlanDocument, change: object, where: str, reason: str
) -> None:
    plan = _enrich(plan)
    change(plan)  # type: ignore[operator]
    with pytest.raises(InterchangeError) as caught:
        store_plan(plan)
    assert caught.value.location == where
    assert reason in caught.value.reason
    assert not m.Body.objects.filter(name=plan.body).exists()


def test_merged_bodies_plans_are_parts_stored_under_the_body(
    plan: PlanDocument, plan_maker: Callable[[], PlanDocument]
) -> None:
    merged = PlanDocument(body="Camera di Commercio della Toscana Nord-Ovest", year=2022,
                          triennium=(2022, 2024))
    lucca, pisa = plan_maker(), plan_maker()
    lucca.body, pisa.body = "Camera di Commercio di Lucca", "Camera di Commercio di Pisa"
    merged.parts = [lucca, pisa]
    stored = store_plan(merged)
    assert stored.counts["indicatori"] == 12
    body = stored.version.cycle.body
    assert sorted(b.name for b in body.legacy_bodies.all()) == [lucca.body, pisa.body]
    back = plan_with_parts(stored.version)
    assert [part.body for part in back.parts] == [lucca.body, pisa.body]
    assert len(back.parts[0].indicators()) == 6
    text = dump_json(back)
    assert [p.body for p in load_json(text).parts] == [lucca.body, pisa.body]


def test_a_part_naming_the_body_itself_is_refused(plan: PlanDocument) -> None:
    merged = PlanDocument(body=plan.body, year=2022)
    merged.parts = [plan]
    with pytest.raises(InterchangeError, match="ente accorpato diverso"):
        store_plan(merged)
    assert not m.Body.objects.filter(name=plan.body).exists()


@pytest.mark.parametrize(("change", "where"), [
    (lambda p: p.areas[0].objectives[0].operational[-1].actions.append(
        ActionDoc("1B010301", "Di nuovo")), "azione 1B010301"),
    (lambda p: p.programmes.append(ProgrammeDoc("011", "005")), "programma 011.005"),
    (lambda p: p.cost_centres.append(CostCentreDoc("C003", "Altro")), "centro di costo C003"),
])
def test_a_code_used_twice_is_refused_by_name(
    plan: PlanDocument, change: object, where: str
) -> None:
    plan = _enrich(plan)
    change(plan)  # type: ignore[operator]
    with pytest.raises(InterchangeError) as caught:
        store_plan(plan)
    assert caught.value.location == where
    assert "codice usato 2 volte" in caught.value.reason
    assert not m.Body.objects.filter(name=plan.body).exists()


def test_a_phase_year_of_two_digits_is_refused_in_json(plan: PlanDocument) -> None:
    text = dump_json(_enrich(plan)).replace('"first_year": 2022', '"first_year": 22', 1)
    with pytest.raises(InterchangeError, match="anno 22 non valido"):
        load_json(text)


def test_bulk_writes_are_refused_on_an_adopted_version(plan: PlanDocument) -> None:
    from performa.plans.models import FrozenVersionError

    version = store_plan(_enrich(plan)).version  # adopted
    card = m.OperationalObjective.objects.filter(version=version).last()
    with pytest.raises(FrozenVersionError):
        m.Action.objects.bulk_create([m.Action(version=version, operational_objective=card,
                                               code="X1", title="Di straforo")])
    actions = list(m.Action.objects.filter(version=version))
    for action in actions:
        action.costs = Decimal(1)
    with pytest.raises(FrozenVersionError):
        m.Action.objects.bulk_update(actions, ["costs"])
    assert not m.Action.objects.filter(code="X1").exists()
    assert m.Action.objects.get(version=version, code="1B010301").costs == Decimal("40000.00")


def test_two_indicators_with_the_same_key_are_refused_by_name(plan: PlanDocument) -> None:
    key = "7a0f4d4e-8f0c-4a57-9b52-1b7e0f6a0c11"
    first, second = plan.indicators()[:2]
    first.key = second.key = key
    with pytest.raises(InterchangeError) as caught:
        store_plan(plan)
    assert caught.value.location == f"indicatore con chiave {key}"
    assert not m.Body.objects.filter(name=plan.body).exists()
