"""The actions that edit a plan (``plans.editing``, ``plans.actions``), called directly as the
pages, the API or the command line would: each refused to a member without planning rights
and on an adopted version, all or nothing, and audited with who and why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models.signals import post_delete

from performa.accounts.access import SYSTEM
from performa.accounts.models import Membership, Role
from performa.measures.models import MeasuredValue, Period
from performa.plans import editing
from performa.plans import models as m
from performa.plans.actions import adopt, amend
from performa.plans.document import PlanDocument
from performa.plans.store import store_plan

pytestmark = pytest.mark.django_db

REASON = "delibera di Giunta n. 15/22"
HISTORIES = (m.StrategicArea, m.StrategicObjective, m.OperationalObjective, m.Indicator,
             m.Target, m.PlanVersion)


@dataclass
class World:
    adopted: m.PlanVersion
    draft: m.PlanVersion
    planner: User
    staff: User


@pytest.fixture
def w(plan: PlanDocument) -> World:
    adopted = store_plan(plan).version
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
    return m.OperationalObjective.objects.select_related("version__cycle").get(
        version=version, code=code)


def _so(version: m.PlanVersion, code: str) -> m.StrategicObjective:
    return m.StrategicObjective.objects.get(version=version, code=code)


def _row(indicator: m.Indicator, **typed: Any) -> editing.IndicatorRow:
    """A row of the card's table as the page sends it back: its target as shown."""
    target = indicator.targets.get(year=2022)
    return editing.IndicatorRow(indicator, target=target.value, shown=target,
                                shown_comparator=indicator.comparator, **typed)


def _edit_table(user: Any, version: m.PlanVersion) -> None:
    """«Valorizzazione degli spazi»: the first indicator renamed, the second put first."""
    card = _card(version, "01_03_03")
    events, spaces = card.indicators.order_by("order")
    events.name = "Eventi realizzati"
    editing.save_indicators(user, card, 2022, [
        _row(events, changed=["name"], position=1),
        _row(spaces, changed=["ORDER"], position=1, moved=True),
    ], REASON)


def _add_area(user: Any, version: m.PlanVersion) -> None:
    editing.save_node(user, m.StrategicArea(version=version, code="2", title="Competitività"),
                      ["code", "title"], reason=REASON)


def _edit_card(user: Any, version: m.PlanVersion) -> None:
    card = _card(version, "01_03_03")
    card.title = "Auditorium"
    editing.save_node(user, card, ["title"], offices=[], reason=REASON)


EDITS: dict[str, Callable[[Any, m.PlanVersion], object]] = {
    "add a node": _add_area,
    "edit a node": _edit_card,
    "delete a node": lambda user, v: editing.delete_node(user, _card(v, "01_03_03"), REASON),
    "move a node": lambda user, v: editing.move_node(user, _card(v, "01_01_02"),
                                                     _so(v, "01_03"), REASON),
    "reorder a node": lambda user, v: editing.reorder_node(user, _so(v, "01_03"), -1, REASON),
    "save a card's indicators": _edit_table,
}


def _state(version: m.PlanVersion) -> list[Any]:
    """Everything an edit may change in a version, history included."""
    return [
        list(m.StrategicArea.objects.filter(version=version).values_list("code", "title",
                                                                         "order")),
        list(m.StrategicObjective.objects.filter(version=version).values_list(
            "code", "area_id", "order")),
        list(m.OperationalObjective.objects.filter(version=version).values_list(
            "code", "title", "strategic_objective_id", "order", "office_text")),
        list(m.Indicator.objects.filter(version=version).values_list(
            "name", "operational_objective_id", "order", "weight_text")),
        list(m.Target.objects.filter(indicator__version=version).values_list(
            "indicator_id", "year", "comparator", "value")),
        [model.history.count() for model in HISTORIES],
    ]


def _history_since(marks: list[int]) -> list[Any]:
    """The history rows written since ``marks`` (the last history id of each model)."""
    return [row for model, mark in zip(HISTORIES, marks, strict=True)
            for row in model.history.filter(history_id__gt=mark)]


def _marks() -> list[int]:
    return [model.history.order_by("-history_id").values_list("history_id", flat=True).first()
            or 0 for model in HISTORIES]


# -- refused --------------------------------------------------------------------------------


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


def test_amendment_and_adoption_are_refused_without_planning_rights(w: World) -> None:
    with pytest.raises(PermissionDenied):
        adopt(w.staff, w.draft, "Giunta", "15/22", date(2022, 3, 10))
    w.draft.refresh_from_db()
    assert w.draft.status == m.PlanVersion.Status.DRAFT
    adopt(w.planner, w.draft, "Giunta", "15/22", date(2022, 3, 10))
    with pytest.raises(PermissionDenied):
        amend(w.staff, w.draft.cycle)
    assert w.draft.cycle.versions.count() == 2


def test_an_adopted_version_is_not_adopted_again(w: World) -> None:
    with pytest.raises(ValidationError, match="Solo una bozza può essere adottata."):
        adopt(w.planner, w.adopted, "Giunta", "15/22", date(2022, 3, 10))


def test_deleting_measured_data_is_refused_inside_the_action(plan: PlanDocument) -> None:
    """Values typed for a card of a plan loaded as a draft: neither the card nor its
    indicator may go, whoever asks (the pages say so before; the action holds anyway)."""
    plan.version.status = "draft"
    draft = store_plan(plan).version
    bando = m.Indicator.objects.get(version=draft, name="Bando PID")
    june = Period.objects.create(cycle=draft.cycle, date=date(2022, 6, 30), state="open")
    MeasuredValue.objects.create(period=june, indicator=bando, value_text="40", number=40)
    blocked = "l'indicatore «Bando PID» ha valori rilevati"
    with pytest.raises(ValidationError, match=blocked):
        editing.delete_node(SYSTEM, _so(draft, "01_01"))
    row = editing.IndicatorRow(bando, changed=["DELETE"], deleted=True)
    with pytest.raises(ValidationError, match=blocked):
        editing.save_indicators(SYSTEM, _card(draft, "01_01_02"), 2022, [row])
    assert m.Indicator.objects.filter(pk=bando.pk).exists()


# -- all or nothing -------------------------------------------------------------------------


def test_a_table_failing_on_its_last_row_saves_no_row(w: World) -> None:
    before = _state(w.draft)
    card = _card(w.draft, "01_03_03")
    events = card.indicators.order_by("order")[0]
    events.name = "Eventi realizzati"
    clash = m.Indicator(name="Doppione", lineage=events.lineage)  # one per version
    with pytest.raises(IntegrityError):
        editing.save_indicators(w.planner, card, 2022, [
            _row(events, changed=["name"]), editing.IndicatorRow(clash, changed=["name"])])
    assert _state(w.draft) == before


def _fail(*_: Any, **__: Any) -> None:
    raise RuntimeError("guasto simulato")


def _regroup_card(user: Any, version: m.PlanVersion) -> None:
    """An edit that gives the card another parent, so it is renumbered after its save."""
    card = _card(version, "01_01_02")
    card.title, card.strategic_objective = "PID", _so(version, "01_03")
    editing.save_node(user, card, ["title", "strategic_objective"], reason=REASON)


@pytest.mark.parametrize("edit", ["add a node", "edit a node", "move a node",
                                  "save a card's indicators"])
def test_an_edit_failing_at_the_renumbering_changes_nothing(
        w: World, edit: str, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _state(w.draft)
    monkeypatch.setattr(editing, "bulk_update_with_history", _fail)
    with pytest.raises(RuntimeError, match="guasto simulato"):
        {**EDITS, "edit a node": _regroup_card}[edit](w.planner, w.draft)
    assert _state(w.draft) == before


def test_a_delete_failing_halfway_deletes_nothing(w: World) -> None:
    before = _state(w.draft)
    post_delete.connect(_fail, sender=m.OperationalObjective, dispatch_uid="test.fail")
    try:
        with pytest.raises(RuntimeError, match="guasto simulato"):  # indicators went first
            editing.delete_node(w.planner, _so(w.draft, "01_03"), REASON)
    finally:
        post_delete.disconnect(sender=m.OperationalObjective, dispatch_uid="test.fail")
    assert _state(w.draft) == before


# -- audited --------------------------------------------------------------------------------


@pytest.mark.parametrize("edit", EDITS)
def test_each_edit_names_who_and_why_on_every_history_row(w: World, edit: str) -> None:
    marks = _marks()
    EDITS[edit](w.planner, w.draft)
    written = _history_since(marks)
    assert written, "no history row written"
    assert {(row.history_user, row.history_change_reason) for row in written} == {
        (w.planner, REASON)}


def test_a_deleted_card_leaves_a_row_for_it_and_each_indicator_and_target(w: World) -> None:
    marks = _marks()
    editing.delete_node(w.planner, _card(w.draft, "01_03_03"), REASON)
    deleted = sorted(type(row.instance).__name__ for row in _history_since(marks)
                     if row.history_type == "-")
    assert deleted == ["Indicator", "Indicator", "OperationalObjective", "Target", "Target"]


def test_the_renumbering_names_its_own_reason_when_none_is_given(w: World) -> None:
    marks = _marks()
    editing.reorder_node(w.planner, _so(w.draft, "01_03"), -1)
    assert {(row.history_user, row.history_change_reason)
            for row in _history_since(marks)} == {(w.planner, "ordine nel piano")}


def test_the_command_line_is_recorded_as_no_user(w: World) -> None:
    marks = _marks()
    _add_area(SYSTEM, w.draft)
    assert {(row.history_user, row.history_change_reason)
            for row in _history_since(marks)} == {(None, REASON)}


def test_amendment_and_adoption_name_who_and_why(w: World) -> None:
    adopt(w.planner, w.draft, "Giunta", "15/22", date(2022, 3, 10), reason=REASON)
    adopted = w.draft.history.latest()
    assert (adopted.status, adopted.history_user, adopted.history_change_reason) == (
        "adopted", w.planner, REASON)
    draft = amend(w.planner, w.draft.cycle, reason="errore nel target")
    row = draft.history.latest()
    assert (row.based_on_id, row.history_user, row.history_change_reason) == (
        w.draft.pk, w.planner, "errore nel target")


# -- what the actions do --------------------------------------------------------------------


def test_moved_and_new_nodes_go_last_and_the_order_runs_through_the_version(w: World) -> None:
    spaces = _card(w.draft, "01_03_03")
    assert editing.move_node(w.planner, spaces, _so(w.draft, "01_01"))
    assert not editing.move_node(w.planner, spaces, _so(w.draft, "01_01"))  # there already
    editing.reorder_node(w.planner, spaces, -1)
    editing.reorder_node(w.planner, spaces, -1)  # first already: nothing
    cards = m.OperationalObjective.objects.filter(version=w.draft)
    assert [(c.code, c.order) for c in cards] == [("01_03_03", 0), ("01_01_02", 1)]
    names = [i.name for i in m.Indicator.objects.filter(version=w.draft)]
    assert names[:2] == ["Attrattività eventi realizzati", "Valorizzazione degli spazi"]
    with pytest.raises(ValidationError, match="stessa versione"):
        editing.move_node(w.planner, spaces, _so(w.adopted, "01_03"))


def test_a_card_follows_its_choices_and_keeps_its_printed_wording(w: World) -> None:
    pid = _card(w.draft, "01_01_02")
    office = pid.offices.get()
    pid.resources, pid.transversal, pid.area = "€ 120.000,00", True, None
    editing.save_node(w.planner, pid, ["resources", "transversal", "area"])
    pid.refresh_from_db()
    assert (pid.resources_amount, pid.area_text, pid.office_text) == (
        120000, "Obiettivo trasversale", "Punto Impresa Digitale")  # offices: untouched
    assert list(pid.offices.all()) == [office]
    editing.save_node(w.planner, pid, ["offices"], offices=[])
    pid.refresh_from_db()
    assert (pid.office_text, list(pid.offices.all())) == ("", [])


def test_a_table_renames_adds_deletes_and_orders_rows_with_their_targets(w: World) -> None:
    card = _card(w.draft, "01_03_03")
    events, spaces = card.indicators.order_by("order")
    events.comparator = "≥"
    shown = events.targets.get()
    new = m.Indicator(name="Visitatori", unit="n.", comparator=">=", weight_text="50,0%")
    editing.save_indicators(w.planner, card, 2022, [
        editing.IndicatorRow(events, target="1.600", shown=shown, shown_comparator=">=",
                             changed=["comparator", "target"], position=2, moved=True),
        editing.IndicatorRow(spaces, changed=["DELETE"], deleted=True),
        editing.IndicatorRow(new, target="300", changed=["name"], position=1, moved=True),
    ])
    rows = list(card.indicators.order_by("order"))
    assert [i.name for i in rows] == ["Visitatori", "Attrattività eventi realizzati"]
    assert [(t.comparator, t.value) for t in rows[0].targets.all()] == [(">=", "300")]
    assert [(t.comparator, t.value) for t in rows[1].targets.all()] == [("≥", "1.600")]
