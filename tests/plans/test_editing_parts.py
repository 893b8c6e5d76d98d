"""Editing a draft's phases and actions with their money, a strategic objective's PIRA card
and mission, a card's mission (``plans.editing``), called directly as the pages would: each
refused without planning rights and on an adopted version, and audited with who and why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from performa.accounts.access import SYSTEM
from performa.accounts.models import Membership, Role
from performa.catalog.models import Mission, Programme
from performa.plans import editing
from performa.plans import models as m
from performa.plans.actions import amend
from performa.plans.document import PlanDocument
from performa.plans.store import store_plan
from rpp_plan import LATE, REACHED, with_actions_and_phases

pytestmark = pytest.mark.django_db

REASON = "delibera di Giunta n. 15/22"
HISTORIES = (m.Phase, m.Action, m.StrategicObjective, m.OperationalObjective)


@dataclass
class World:
    adopted: m.PlanVersion
    draft: m.PlanVersion
    planner: User
    staff: User


@pytest.fixture
def w(plan: PlanDocument) -> World:
    adopted = store_plan(with_actions_and_phases(plan, date(2022, 1, 1))).version
    body = adopted.cycle.body
    draft = amend(SYSTEM, adopted.cycle)
    adopted.refresh_from_db()
    planner = User.objects.create_user("pianificazione", password="x-Secret-9")
    Membership.objects.create(user=planner, body=body, role=Role.PLANNING)
    staff = User.objects.create_user("referente.pid", password="x-Secret-9")
    Membership.objects.create(user=staff, body=body, role=Role.STAFF,
                              org_unit=m.OrgUnit.objects.get(body=body,
                                                             name="Punto Impresa Digitale"))
    return World(adopted, draft, planner, staff)


def _card(version: m.PlanVersion, code: str) -> m.OperationalObjective:
    return m.OperationalObjective.objects.get(version=version, code=code)


def _so(version: m.PlanVersion, code: str) -> m.StrategicObjective:
    return m.StrategicObjective.objects.get(version=version, code=code)


def _add_phase(user: Any, version: m.PlanVersion) -> None:
    editing.save_part(user, m.Phase(version=version, strategic_objective=_so(version, "01_03"),
                                    title="Gara per l'allestimento", first_year=2022,
                                    last_year=2023, milestone=date(2023, 3, 31)), REASON)


def _edit_phase(user: Any, version: m.PlanVersion) -> None:
    phase = m.Phase.objects.get(version=version, title=REACHED)
    phase.milestone = date(2022, 9, 30)
    editing.save_part(user, phase, REASON)


def _add_action(user: Any, version: m.PlanVersion) -> None:
    editing.save_part(user, m.Action(
        version=version, operational_objective=_card(version, "01_03_03"), code="1B010403",
        title="Gestione fondi di perequazione 2019-2020: Turismo",
        cost_centre=m.CostCentre.objects.get(body=version.cycle.body, code="C003"),
        costs=Decimal("9800.00"), contributions=Decimal("9800.00")), REASON)


def _edit_action(user: Any, version: m.PlanVersion) -> None:
    action = m.Action.objects.get(version=version, code="1B010301")
    action.costs = Decimal("45000.00")
    editing.save_part(user, action, REASON)


def _edit_pira_card(user: Any, version: m.PlanVersion) -> None:
    so = _so(version, "01_01")
    so.resources, so.mission = "€ 500.000,00", Mission.objects.get(code="016")
    so.programme = Programme.objects.get(mission__code="016", code="005")
    editing.save_node(user, so, ["resources", "mission", "programme"], reason=REASON)


def _edit_card_mission(user: Any, version: m.PlanVersion) -> None:
    card = _card(version, "01_01_02")
    card.mission = Mission.objects.get(code="032")
    card.programme = Programme.objects.get(mission__code="032", code="003")
    editing.save_node(user, card, ["mission", "programme"], reason=REASON)


EDITS: dict[str, Callable[[Any, m.PlanVersion], object]] = {
    "add a phase": _add_phase,
    "edit a phase": _edit_phase,
    "delete a phase": lambda user, v: editing.delete_part(
        user, m.Phase.objects.get(version=v, title=LATE), REASON),
    "add an action": _add_action,
    "edit an action": _edit_action,
    "delete an action": lambda user, v: editing.delete_part(
        user, m.Action.objects.get(version=v, code="1D710104"), REASON),
    "edit a strategic objective's PIRA card": _edit_pira_card,
    "edit a card's mission": _edit_card_mission,
}


def _state(version: m.PlanVersion) -> list[Any]:
    return [
        list(m.Phase.objects.filter(version=version).values_list(
            "title", "first_year", "last_year", "milestone", "order")),
        list(m.Action.objects.filter(version=version).values_list(
            "code", "costs", "revenues", "contributions", "investments", "cost_centre_id")),
        list(m.StrategicObjective.objects.filter(version=version).values_list(
            "resources", "resources_amount", "mission_id", "programme_id", "classified_by")),
        list(m.OperationalObjective.objects.filter(version=version).values_list(
            "mission_id", "programme_id")),
        [model.history.count() for model in HISTORIES],
    ]


@pytest.mark.parametrize("edit", EDITS)
def test_each_edit_is_refused_without_planning_rights(w: World, edit: str) -> None:
    before = _state(w.draft)
    with pytest.raises(PermissionDenied, match="Riservato al controllo di gestione."):
        EDITS[edit](w.staff, w.draft)
    assert _state(w.draft) == before


@pytest.mark.parametrize("edit", EDITS)
def test_each_edit_is_refused_on_an_adopted_version(w: World, edit: str) -> None:
    before = _state(w.adopted)
    with pytest.raises(m.FrozenVersionError, match="Il piano è adottato"):
        EDITS[edit](w.planner, w.adopted)
    assert _state(w.adopted) == before


@pytest.mark.parametrize("edit", EDITS)
def test_each_edit_names_who_and_why_on_its_history_row(w: World, edit: str) -> None:
    marks = [model.history.order_by("-history_id").values_list("history_id", flat=True)
             .first() or 0 for model in HISTORIES]
    EDITS[edit](w.planner, w.draft)
    written = [row for model, mark in zip(HISTORIES, marks, strict=True)
               for row in model.history.filter(history_id__gt=mark)]
    assert written, "no history row written"
    assert {(row.history_user, row.history_change_reason) for row in written} == {
        (w.planner, REASON)}


def test_the_edits_land(w: World) -> None:
    for edit in EDITS.values():
        edit(w.planner, w.draft)
    added = m.Phase.objects.get(version=w.draft, title="Gara per l'allestimento")
    assert added.order == max(p.order for p in m.Phase.objects.filter(version=w.draft))  # last
    assert not m.Phase.objects.filter(version=w.draft, title=LATE).exists()
    assert m.Action.objects.get(version=w.draft, code="1B010301").costs == Decimal("45000.00")
    assert not m.Action.objects.filter(version=w.draft, code="1D710104").exists()
    so = _so(w.draft, "01_01")
    # The amount follows the printed resources; a mission chosen by a person is no longer
    # Performa's classification.
    assert (so.resources_amount, so.classified_by) == (Decimal("500000.00"), "")
    assert _so(w.adopted, "01_01").classified_by == "performa"
    card = _card(w.draft, "01_01_02")
    assert (card.mission.code, card.programme.code) == ("032", "003")


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"first_year": 2024, "last_year": 2022}, "last_year",
     "L'anno di fine 2022 viene prima di quello di inizio 2024."),
])
def test_a_phase_with_its_years_reversed_is_refused(w: World, change: dict[str, int],
                                                     field: str, message: str) -> None:
    phase = m.Phase.objects.get(version=w.draft, title=REACHED)
    for name, value in change.items():
        setattr(phase, name, value)
    with pytest.raises(ValidationError) as refused:
        editing.save_part(w.planner, phase)
    assert refused.value.message_dict == {field: [message]}


def test_an_action_of_negative_money_or_another_bodys_centre_is_refused(w: World) -> None:
    action = m.Action.objects.get(version=w.draft, code="1B010301")
    action.revenues = Decimal("-1.00")
    with pytest.raises(ValidationError) as refused:
        editing.save_part(w.planner, action)
    assert refused.value.message_dict == {"revenues": ["Indicare ricavi non negativi."]}
    elsewhere = m.Body.objects.create(name="Camera di Commercio di Altrove")
    action.revenues = Decimal(0)
    action.cost_centre = m.CostCentre.objects.create(body=elsewhere, code="C003", name="x")
    with pytest.raises(ValidationError, match="Il centro di costo è di un altro ente."):
        editing.save_part(w.planner, action)
    assert m.Action.objects.get(pk=action.pk).cost_centre.body == w.draft.cycle.body
