"""The planning editor for what a PIRA and an RPP add: phases of an objective, actions of a
card with their money and cost centre, a strategic objective's PIRA card and mission, a card's
mission, an indicator's source and «indicatore chiave (PIRA)» flag — on a draft only, errors
beside their fields, written by the actions with who and why."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from performa.accounts.access import SYSTEM
from performa.accounts.models import Membership, Role
from performa.catalog.models import Mission, Programme
from performa.plans import models as m
from performa.plans.actions import amend
from performa.plans.document import PlanDocument
from performa.plans.store import store_plan
from rpp_plan import LATE, REACHED, with_actions_and_phases

pytestmark = pytest.mark.django_db

FROZEN = "Piano adottato: avviare un aggiornamento per modificarlo."


@dataclass
class World:
    body: m.Body
    adopted: m.PlanVersion
    draft: m.PlanVersion

    def url(self, name: str, *args: Any, version: m.PlanVersion | None = None) -> str:
        return reverse(f"web:{name}", args=[self.body.pk, (version or self.draft).pk, *args])

    def card(self, code: str, version: m.PlanVersion | None = None) -> m.OperationalObjective:
        return m.OperationalObjective.objects.get(version=version or self.draft, code=code)

    def so(self, code: str) -> m.StrategicObjective:
        return m.StrategicObjective.objects.get(version=self.draft, code=code)


@pytest.fixture
def world(plan: PlanDocument, client: Client) -> World:
    adopted = store_plan(with_actions_and_phases(plan, date(2022, 1, 1))).version
    body = adopted.cycle.body
    draft = amend(SYSTEM, adopted.cycle)
    adopted.refresh_from_db()
    planner = User.objects.create_user("pianificazione", password="x-Secret-9")
    Membership.objects.create(user=planner, body=body, role=Role.PLANNING)
    client.force_login(planner)
    return World(body, adopted, draft)


def _page(response: Any) -> str:
    return html.unescape(response.content.decode())


def _form_data(response: Any) -> dict[str, Any]:
    """The form as the page shows it, as a browser would send it back."""
    form = response.context["form"]
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data


def test_the_tree_links_to_phases_and_actions(client: Client, world: World) -> None:
    page = _page(client.get(reverse("web:planning_version", args=[world.body.pk,
                                                                  world.draft.pk])))
    assert world.url("planning_parts", "obiettivi-strategici", world.so("01_01").pk) in page
    assert world.url("planning_parts", "schede", world.card("01_01_02").pk) in page


def test_a_cards_phases_and_actions_with_their_money(client: Client, world: World) -> None:
    page = re.sub(r"<[^>]+>", "", _page(client.get(
        world.url("planning_parts", "schede", world.card("01_01_02").pk))))
    for text in (LATE, "31/10/2022", "1B010301", "C003 Servizio Regolazione del Mercato",
                 "€ 40.000,00", "€ 60.800,00", "Nuova fase", "Nuova azione"):
        assert text in page
    # An adopted version: the same, read only.
    adopted = world.card("01_01_02", world.adopted)
    page = _page(client.get(world.url("planning_parts", "schede", adopted.pk,
                                      version=world.adopted)))
    assert FROZEN in page and "€ 40.000,00" in page
    assert "Nuova fase" not in page and "Elimina" not in page


def test_a_phase_refused_beside_its_fields_then_added(client: Client, world: World) -> None:
    so = world.so("01_03")
    url = world.url("planning_phase_new", "obiettivi-strategici", so.pk)
    before = m.Phase.objects.count()
    refused = client.post(url, {"title": "Gara per l'allestimento", "first_year": "2023",
                                "last_year": "2022", "milestone": "31/02/2023"})
    assert refused.status_code == 200
    page = _page(refused)
    assert '<div class="text-danger" id="id_milestone_error"><p class="mb-0">Data non valida: ' \
        'scriverla come gg/mm/aaaa.</p></div>' in page
    assert '<div class="text-danger" id="id_last_year_error"><p class="mb-0">L\'anno di fine ' \
        '2022 viene prima di quello di inizio 2023.</p></div>' in page
    assert m.Phase.objects.count() == before
    done = client.post(url, {"title": "Gara per l'allestimento", "first_year": "2022",
                             "last_year": "2023", "milestone": "31/03/2023"})
    assert done.status_code == 302
    phase = m.Phase.objects.get(version=world.draft, title="Gara per l'allestimento")
    assert (phase.strategic_objective, phase.milestone) == (so, date(2023, 3, 31))
    assert phase.history.get().history_user.username == "pianificazione"


def test_a_phase_edited_and_deleted(client: Client, world: World) -> None:
    phase = m.Phase.objects.get(version=world.draft, title=REACHED)
    url = world.url("planning_phase_edit", phase.pk)
    data = _form_data(client.get(url))
    assert data["milestone"] == date(2022, 6, 30)
    data["milestone"] = ""
    assert client.post(url, data).status_code == 302
    phase.refresh_from_db()
    assert phase.milestone is None
    assert client.post(world.url("planning_phase_delete", phase.pk)).status_code == 302
    assert not m.Phase.objects.filter(pk=phase.pk).exists()


def test_an_action_with_money_typed_the_italian_way(client: Client, world: World) -> None:
    card = world.card("01_03_03")
    url = world.url("planning_action_new", card.pk)
    centre = m.CostCentre.objects.get(body=world.body, code="C003")
    data = {"code": "1B010403", "title": "Gestione fondi di perequazione 2019-2020: Turismo",
            "activity": "institutional", "cost_centre": centre.pk, "costs": "9.800,00",
            "revenues": "", "contributions": "€ 9.800,00", "investments": "quaranta"}
    refused = client.post(url, data)
    assert "Investimenti: non è un importo in euro (es. € 20.000,00)." in _page(refused)
    refused = client.post(url, {**data, "investments": "", "code": "1B010301"})
    assert "Il codice «1B010301» è già usato in questa versione del piano." in _page(refused)
    assert not m.Action.objects.filter(version=world.draft, code="1B010403").exists()
    assert client.post(url, {**data, "investments": "1.750,5"}).status_code == 302
    action = m.Action.objects.get(version=world.draft, code="1B010403")
    assert (action.operational_objective, action.cost_centre, action.costs, action.revenues,
            action.contributions, action.investments) == (
        card, centre, Decimal("9800.00"), Decimal("0.00"), Decimal("9800.00"),
        Decimal("1750.50"))
    # Edited: the amounts come back as the documents print them.
    edit = world.url("planning_action_edit", action.pk)
    shown = _form_data(client.get(edit))
    assert (shown["costs"], shown["investments"]) == ("€ 9.800,00", "€ 1.750,50")
    assert client.post(edit, {**shown, "revenues": "500"}).status_code == 302
    action.refresh_from_db()
    assert (action.costs, action.revenues) == (Decimal("9800.00"), Decimal("500.00"))
    assert client.post(world.url("planning_action_delete", action.pk)).status_code == 302
    assert not m.Action.objects.filter(pk=action.pk).exists()


def test_an_adopted_version_refuses_phases_and_actions(client: Client, world: World) -> None:
    phase = m.Phase.objects.get(version=world.adopted, title=LATE)
    action = m.Action.objects.get(version=world.adopted, code="1B010301")
    card = world.card("01_01_02", world.adopted)
    for url in (world.url("planning_phase_delete", phase.pk, version=world.adopted),
                world.url("planning_action_delete", action.pk, version=world.adopted)):
        response = client.post(url, follow=True)
        assert FROZEN in _page(response)
    response = client.post(world.url("planning_action_new", card.pk, version=world.adopted),
                           {"code": "X", "title": "X", "activity": "institutional"},
                           follow=True)
    assert FROZEN in _page(response)
    assert m.Phase.objects.filter(pk=phase.pk).exists()
    assert m.Action.objects.filter(version=world.adopted).count() == 4


def test_a_strategic_objectives_pira_card_and_mission(client: Client, world: World) -> None:
    digital = world.so("01_01")
    url = world.url("planning_edit", "obiettivi-strategici", digital.pk)
    data = _form_data(client.get(url))
    assert data["time_span"] == "2022/2024 (triennale)"
    mission = Mission.objects.get(code="016")
    elsewhere = Programme.objects.get(mission__code="032", code="002")
    refused = client.post(url, {**data, "mission": mission.pk, "programme": elsewhere.pk})
    assert "Il programma 032.002 non appartiene alla missione 016." in _page(refused)
    programme = Programme.objects.get(mission__code="016", code="005")
    response = client.post(url, {**data, "mission": "", "programme": programme.pk,
                                 "resources": "€ 500.000,00",
                                 "benefits": "Più imprese sui mercati esteri"})
    assert response.status_code == 302
    digital.refresh_from_db()
    assert (digital.mission, digital.programme, digital.resources_amount, digital.benefits,
            digital.classified_by) == (mission, programme, Decimal("500000.00"),
                                       "Più imprese sui mercati esteri", "")


def test_a_cards_own_mission(client: Client, world: World) -> None:
    pid = world.card("01_01_02")
    url = world.url("planning_edit", "schede", pid.pk)
    data = _form_data(client.get(url))
    data["offices"] = [o.pk for o in pid.offices.all()]
    programme = Programme.objects.get(mission__code="032", code="003")
    assert client.post(url, {**data, "programme": programme.pk}).status_code == 302
    pid.refresh_from_db()
    assert (pid.mission.code, pid.programme) == ("032", programme)
    assert client.post(url, {**data, "mission": "", "programme": ""}).status_code == 302
    pid.refresh_from_db()
    assert (pid.mission, pid.programme) == (None, None)  # its strategic objective's again


def test_an_indicators_source_and_key_indicator_flag(client: Client, world: World) -> None:
    pid = world.card("01_01_02")
    url = world.url("planning_indicators", pid.pk)
    formset = client.get(url).context["formset"]
    data: dict[str, Any] = {}
    for form in [formset.management_form, *formset.forms]:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = "on" if value is True else value
    assert data["indicators-0-published"] == "on"  # Bando PID, as stored
    del data["indicators-0-published"]
    data["indicators-1-published"] = "on"
    data["indicators-1-source"] = "Rilevazione interna"
    assert client.post(url, data).status_code == 302
    first, second = pid.indicators.order_by("order")[:2]
    assert (first.published, second.published, second.source) == (
        False, True, "Rilevazione interna")
