"""The planning editor: versions, amendment and adoption, tree, card table, formula check."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from performa.accounts.access import SYSTEM
from performa.accounts.models import Membership, Role
from performa.measures.actions import enter_value
from performa.measures.models import Period
from performa.plans import models as m
from performa.plans.actions import amend
from performa.plans.document import PlanDocument
from performa.plans.store import store_plan

pytestmark = pytest.mark.django_db

BROKEN_SUM = "La somma dei pesi degli indicatori di «01_01_02» è 90,0%: deve essere 100%."
FROZEN = "Piano adottato: avviare un aggiornamento per modificarlo."


@dataclass
class World:
    body: m.Body
    adopted: m.PlanVersion
    draft: m.PlanVersion
    planner: User
    staff: User
    outsider: User

    def url(self, name: str, *args: Any) -> str:
        return reverse(f"web:{name}", args=[self.body.pk, *args])

    def card(self, code: str, version: m.PlanVersion | None = None) -> m.OperationalObjective:
        return m.OperationalObjective.objects.get(version=version or self.draft, code=code)

    def so(self, code: str) -> m.StrategicObjective:
        return m.StrategicObjective.objects.get(version=self.draft, code=code)


def _user(name: str, body: m.Body | None, role: Role | None = None,
          unit: m.OrgUnit | None = None) -> User:
    user = User.objects.create_user(name, password="x-Secret-9")
    if body is not None and role is not None:
        Membership.objects.create(user=user, body=body, role=role, org_unit=unit)
    return user


def _world(plan: PlanDocument, with_draft: bool = True) -> World:
    adopted = store_plan(plan).version
    body = adopted.cycle.body
    other = m.Body.objects.create(name="Camera di Commercio di Altrove")
    office = m.OrgUnit.objects.get(body=body, name="Punto Impresa Digitale")
    draft = amend(SYSTEM, adopted.cycle) if with_draft else adopted
    adopted.refresh_from_db()
    return World(
        body, adopted, draft,
        planner=_user("pianificazione", body, Role.PLANNING),
        staff=_user("referente.pid", body, Role.STAFF, office),
        outsider=_user("estraneo", other, Role.PLANNING),
    )


@pytest.fixture
def world(plan: PlanDocument) -> World:
    return _world(plan)


def _as(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _page(response: Any) -> str:
    return html.unescape(response.content.decode())


# -- access ---------------------------------------------------------------------------------


def _pages(w: World) -> list[str]:
    card, so = w.card("01_01_02"), w.so("01_01")
    area = m.StrategicArea.objects.get(version=w.draft)
    return [
        w.url("planning"), w.url("planning_compare"), w.url("planning_version", w.draft.pk),
        w.url("planning_new", w.draft.pk, "schede") + f"?padre={so.pk}",
        w.url("planning_edit", w.draft.pk, "ambiti", area.pk),
        w.url("planning_edit", w.draft.pk, "obiettivi-strategici", so.pk),
        w.url("planning_edit", w.draft.pk, "schede", card.pk),
        w.url("planning_delete", w.draft.pk, "schede", card.pk),
        w.url("planning_indicators", w.draft.pk, card.pk),
    ]


def _actions(w: World) -> list[str]:
    card = w.card("01_01_02")
    return [
        w.url("planning_amend"), w.url("planning_adopt", w.draft.pk),
        w.url("planning_formula", w.draft.pk),
        w.url("planning_move", w.draft.pk, "schede", card.pk),
        w.url("planning_reorder", w.draft.pk, "schede", card.pk, "su"),
    ]


def test_pages_answer_by_role(client: Client, world: World) -> None:
    pages, posts = _pages(world), _actions(world)
    assert client.get(pages[0]).status_code == 302  # anonymous: to the login page
    _as(client, world.planner)
    for url in pages:
        assert client.get(url).status_code == 200, url
    for url in posts:
        assert client.get(url).status_code == 405, url
    for url in pages[:3]:  # read-only pages
        assert client.post(url).status_code == 405, url
    _as(client, world.staff)
    for url in pages + posts:
        method = client.post if url in posts else client.get
        expected = 200 if url == world.url("planning_compare") else 403  # see below
        assert method(url).status_code == expected, url
    _as(client, world.outsider)
    for url in pages + posts:
        method = client.post if url in posts else client.get
        assert method(url).status_code == 404, url


def test_every_member_compares_adopted_versions_but_never_sees_a_draft(
        client: Client, world: World) -> None:
    """The OIV and the offices check what an amendment changed; the draft is still the
    planning office's, even asked for by its id."""
    _as(client, world.staff)
    shown = _page(client.get(world.url("planning_compare")
                             + f"?da={world.adopted.pk}&a={world.draft.pk}"))
    assert "(Bozza)" not in shown and "Scegliere due versioni diverse." in shown
    assert "Versioni del piano" not in shown  # the planning office's page, not linked
    _as(client, world.planner)
    assert "(Bozza)" in _page(client.get(world.url("planning_compare")))


def test_versions_of_another_body_are_not_found(client: Client, world: World,
                                                plan: PlanDocument) -> None:
    plan.body = "Camera di Commercio di Altrove"
    elsewhere = store_plan(plan).version
    _as(client, world.planner)
    assert client.get(world.url("planning_version", elsewhere.pk)).status_code == 404
    assert client.get(world.url("planning_compare") + f"?da={elsewhere.pk}").status_code == 200


# -- amendment and adoption -----------------------------------------------------------------


def test_amend_then_adopt_through_the_pages(client: Client, plan: PlanDocument) -> None:
    w = _world(plan, with_draft=False)
    _as(client, w.planner)
    page = _page(client.get(w.url("planning") + "?anno=2022"))
    assert "Giunta n. 12/22 del 23/02/2022" in page
    assert "Adottato" in page and "Avvia aggiornamento" in page

    response = client.post(w.url("planning_amend") + "?anno=2022", follow=True)
    draft = m.PlanVersion.objects.get(cycle=w.adopted.cycle, number=2)
    assert response.redirect_chain[-1][0] == w.url("planning_version", draft.pk)
    assert "Bozza di aggiornamento (versione 2) creata" in _page(response)
    assert draft.status == "draft" and draft.based_on == w.adopted

    again = _page(client.post(w.url("planning_amend") + "?anno=2022", follow=True))
    assert "C'è già una bozza di aggiornamento in corso." in again
    assert m.PlanVersion.objects.filter(cycle=w.adopted.cycle).count() == 2

    adopt = w.url("planning_adopt", draft.pk)
    bad = client.post(adopt, {"organ": "Giunta", "number": "15/22", "day": "2022-03-10"})
    assert bad.status_code == 200
    assert "Data non valida: scriverla come gg/mm/aaaa." in _page(bad)
    response = client.post(adopt, {"organ": "Giunta", "number": "15/22", "day": "10/03/2022"},
                           follow=True)
    page = _page(response)
    assert "Versione 2 adottata: delibera della Giunta n. 15/22 del 10/03/2022." in page
    draft.refresh_from_db()
    w.adopted.refresh_from_db()
    assert (draft.status, draft.resolution_date) == ("adopted", date(2022, 3, 10))
    assert w.adopted.status == "superseded"
    assert "Sostituito" in page and "versione 1" in page
    _as(client, w.staff)  # the tree of the year now says what the amendment changed
    tree = _page(client.get(reverse("web:tree", kwargs={"body_id": w.body.pk})))
    assert "Che cosa è cambiato con la versione 2" in tree
    assert f"{w.url('planning_compare')}?a={draft.pk}" in tree


def test_amend_refused_without_an_adopted_plan(client: Client, plan: PlanDocument) -> None:
    plan.version.status = "draft"
    body = store_plan(plan).version.cycle.body
    planner = _user("pianificazione", body, Role.PLANNING)
    _as(client, planner)
    response = client.post(reverse("web:planning_amend", args=[body.pk]), follow=True)
    assert "Non c'è un piano adottato da aggiornare." in _page(response)


def test_adoption_refused_lists_every_new_violation(client: Client, world: World) -> None:
    m.Target.objects.filter(indicator__version=world.draft, indicator__name="Bando PID").delete()
    satisfaction = m.Indicator.objects.get(version=world.draft, name="Customer satisfaction")
    satisfaction.baseline = "buonissimo"
    satisfaction.save()
    _as(client, world.planner)
    response = client.post(world.url("planning_adopt", world.draft.pk),
                           {"organ": "Giunta", "number": "15/22", "day": "10/03/2022"})
    page = _page(response)
    assert response.status_code == 200
    assert "La bozza non è stata adottata: 2 problemi nuovi rispetto al piano in vigore." in page
    assert "01_01_02, indicatore 1 «Bando PID»: manca il target" in page
    assert ("01_01_02, indicatore 4 «Customer satisfaction»: stato anno precedente "
            "«buonissimo» non leggibile") in page
    world.draft.refresh_from_db()
    assert world.draft.status == "draft"


# -- the tree -------------------------------------------------------------------------------


def test_adopted_version_is_read_only(client: Client, world: World) -> None:
    _as(client, world.planner)
    page = _page(client.get(world.url("planning_version", world.adopted.pk)))
    assert FROZEN in page and "Nuovo ambito strategico" not in page
    card = world.card("01_03_03", world.adopted)
    response = client.post(world.url("planning_move", world.adopted.pk, "schede", card.pk),
                           {"parent": card.strategic_objective_id}, follow=True)
    assert FROZEN in _page(response)
    indicators = _page(client.get(world.url("planning_indicators", world.adopted.pk, card.pk)))
    assert FROZEN in indicators and "Valorizzazione degli spazi" in indicators
    assert "Salva la tabella" not in indicators


def test_move_and_reorder_cards_and_objectives(client: Client, world: World) -> None:
    _as(client, world.planner)
    v = world.draft.pk
    spaces = world.card("01_03_03")
    response = client.post(world.url("planning_move", v, "schede", spaces.pk),
                           {"parent": world.so("01_01").pk})
    assert response.status_code == 302
    spaces.refresh_from_db()
    assert spaces.strategic_objective.code == "01_01"
    cards = m.OperationalObjective.objects.filter(version=world.draft)
    assert [c.code for c in cards] == ["01_01_02", "01_03_03"]
    names = [i.name for i in m.Indicator.objects.filter(version=world.draft)]
    assert names[-2:] == ["Attrattività eventi realizzati", "Valorizzazione degli spazi"]

    client.post(world.url("planning_reorder", v, "schede", spaces.pk, "su"))
    assert [c.code for c in cards.all()] == ["01_03_03", "01_01_02"]
    assert [i.name for i in m.Indicator.objects.filter(version=world.draft)][0] == \
        "Attrattività eventi realizzati"

    new_area = world.url("planning_new", v, "ambiti")
    taken = client.post(new_area, {"code": "1", "title": "Doppione"})
    assert "Il codice «1» è già usato in questa versione del piano." in _page(taken)
    assert client.post(new_area, {"code": "2", "title": "Competitività dell'ente"}) \
        .status_code == 302
    area = m.StrategicArea.objects.get(version=world.draft, code="2")
    culture = world.so("01_03")
    client.post(world.url("planning_move", v, "obiettivi-strategici", culture.pk),
                {"parent": area.pk})
    assert [(s.code, s.area.code) for s in m.StrategicObjective.objects.filter(
        version=world.draft)] == [("01_01", "1"), ("01_03", "2")]
    assert world.adopted.pk != world.draft.pk
    assert [c.code for c in m.OperationalObjective.objects.filter(version=world.adopted)] == \
        ["01_01_02", "01_03_03"]  # the adopted plan is untouched


def test_card_form_saves_fields_and_refuses_a_taken_code(client: Client, world: World) -> None:
    _as(client, world.planner)
    pid = world.card("01_01_02")
    url = world.url("planning_edit", world.draft.pk, "schede", pid.pk)
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"code": "01_03_03"})
    data["offices"] = [o.pk for o in pid.offices.all()]
    refused = client.post(url, {k: v for k, v in data.items() if v is not False})
    assert "Il codice «01_03_03» è già usato in questa versione del piano." in _page(refused)
    data.update({"code": "01_01_02", "resources": "€ 120.000,00", "transversal": "on"})
    assert client.post(url, {k: v for k, v in data.items() if v is not False}) \
        .status_code == 302
    pid.refresh_from_db()
    assert (pid.resources, pid.resources_amount, pid.transversal) == (
        "€ 120.000,00", 120000, True)
    assert pid.area_text == "Promozione e sviluppo economico"  # unchanged choice: as printed


def test_new_card_goes_last_in_its_strategic_objective(client: Client, world: World) -> None:
    _as(client, world.planner)
    digital = world.so("01_01")
    url = world.url("planning_new", world.draft.pk, "schede") + f"?padre={digital.pk}"
    assert client.get(url).context["form"]["strategic_objective"].value() == digital.pk
    response = client.post(url, {"code": "01_01_09", "title": "Cassetto digitale",
                                 "strategic_objective": digital.pk,
                                 "resources": "risorse interne"})
    assert response.status_code == 302
    cards = m.OperationalObjective.objects.filter(version=world.draft)
    assert [c.code for c in cards] == ["01_01_02", "01_01_09", "01_03_03"]
    assert [c.order for c in cards] == [0, 1, 2]
    assert cards.get(code="01_01_09").resources_amount is None


def test_delete_a_card_with_its_indicators(client: Client, world: World) -> None:
    _as(client, world.planner)
    spaces = world.card("01_03_03")
    url = world.url("planning_delete", world.draft.pk, "schede", spaces.pk)
    assert "anche 2 indicatori" in _page(client.get(url))
    assert client.post(url).status_code == 302
    assert not m.OperationalObjective.objects.filter(pk=spaces.pk).exists()
    assert m.Indicator.objects.filter(version=world.draft).count() == 4


# -- the card editor ------------------------------------------------------------------------


def _table(response: Any) -> dict[str, Any]:
    """What the browser sends back unchanged: management form and every row."""
    formset = response.context["formset"]
    data: dict[str, Any] = {}
    for form in [formset.management_form, *formset.forms]:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def test_card_table_refuses_a_broken_weight_sum_then_saves(client: Client,
                                                          world: World) -> None:
    _as(client, world.planner)
    pid = world.card("01_01_02")
    url = world.url("planning_indicators", world.draft.pk, pid.pk)
    page = client.get(url)
    assert "data-weights-sum" in _page(page) and "data-weights-total" in _page(page)
    data = _table(page)
    assert data["indicators-0-target"] == "80"
    data["indicators-0-weight_text"] = "15,0%"
    data["indicators-0-target"] = "60"
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert BROKEN_SUM in _page(refused)
    bando = m.Indicator.objects.get(version=world.draft, name="Bando PID")
    assert bando.weight_text == "25,0%" and bando.targets.get().value == "80"  # nothing saved

    data.update({
        "indicators-4-name": "Eventi PID", "indicators-4-unit": "n.",
        "indicators-4-comparator": ">=", "indicators-4-target": "10",
        "indicators-4-weight_text": "10,0%", "indicators-4-ORDER": "2",
    })
    assert client.post(url, data).status_code == 302
    rows = list(pid.indicators.order_by("order"))
    assert [(i.name, i.weight_text) for i in rows] == [
        ("Bando PID", "15,0%"), ("Eventi PID", "10,0%"), ("Risorse umane dedicate", "25,0%"),
        ("Grado di utilizzo delle risorse", "25,0%"), ("Customer satisfaction", "25,0%"),
    ]
    assert rows[0].targets.get(year=2022).value == "60"
    assert (rows[1].targets.get().comparator, rows[1].targets.get().value) == (">=", "10")
    assert [i.order for i in m.Indicator.objects.filter(version=world.draft)] == list(range(7))

    diff = _page(client.get(world.url("planning_compare")
                            + f"?da={world.adopted.pk}&a={world.draft.pk}"))
    assert "Obiettivo operativo 01_01_02 PID - Punto Impresa Digitale" in diff
    assert "Indicatore «Bando PID» — Target 2022: 80 → 60" in diff
    assert "Indicatore «Bando PID» — Peso: 25,0% → 15,0%" in diff
    assert "Aggiunto l'indicatore «Eventi PID»" in diff


def test_card_table_rejects_an_unreadable_target_and_deletes_rows(client: Client,
                                                                 world: World) -> None:
    _as(client, world.planner)
    spaces = world.card("01_03_03")
    url = world.url("planning_indicators", world.draft.pk, spaces.pk)
    data = _table(client.get(url))
    data["indicators-1-target"] = "entro novembre"
    refused = _page(client.post(url, data))
    assert "target 2022 «entro novembre» non leggibile" in refused
    data["indicators-1-target"] = "30/11/2022"
    data["indicators-1-DELETE"] = "on"
    data["indicators-0-weight_text"] = "100,0%"
    assert client.post(url, data).status_code == 302
    assert [i.name for i in spaces.indicators.all()] == ["Attrattività eventi realizzati"]


# -- the formula check ----------------------------------------------------------------------


def test_formula_preview_on_the_last_period(client: Client, world: World) -> None:
    cycle = world.draft.cycle
    firms = m.Variable.objects.create(cycle=cycle, name="N_ImprAtt",
                                      description="Numero imprese attive al 31/12")
    digital = m.Variable.objects.create(cycle=cycle, name="N_Imprese_CD",
                                        description="N. imprese aderenti Cassetto digitale")
    june = Period.objects.create(cycle=cycle, date=date(2022, 6, 30), state="open")
    september = Period.objects.create(cycle=cycle, date=date(2022, 9, 30), state="open")
    enter_value(world.planner, june, firms, "30.000", recompute=False)
    enter_value(world.planner, september, firms, "33.201", recompute=False)
    enter_value(world.planner, september, digital, "7.437", recompute=False)
    _as(client, world.planner)
    url = world.url("planning_formula", world.draft.pk)

    page = _page(client.post(url, {"formula": "N_Imprese_CD / N_ImprAtt", "unit": "%"}))
    assert "Anteprima al 30/09/2022: <strong>22,4%</strong>" in page
    assert "<code>N_ImprAtt</code> = 33.201" in page
    assert "<code>N_Imprese_CD</code> = 7.437" in page

    row = _page(client.post(url, {"indicators-2-formula": "N_Imprese_CD / N_ImprAtt",
                                  "indicators-2-unit": "n.", "formula": "ignored"},
                            headers={"HX-Trigger-Name": "indicators-2-formula"}))
    assert "<strong>0,22</strong>" in row

    error = _page(client.post(url, {"formula": "N_ImprAtt / ("}))
    assert "formula incompleta: manca un valore dopo «(» alla posizione 13" in error
    assert "<code>N_ImprAtt / (<mark>␣</mark></code>" in error  # the value missing at the end
    error = _page(client.post(url, {"formula": "N_Imprese_CD // N_ImprAtt"}))
    assert "operatore «/» inatteso alla posizione 14" in error
    assert "<code>N_Imprese_CD /<mark>/</mark> N_ImprAtt</code>" in error

    unknown = _page(client.post(url, {"formula": "N_Imprese_CD / N_Dipendenti"}))
    assert "<code>N_Dipendenti</code> <strong>(variabile non definita nel ciclo)</strong>" \
        in unknown
    assert "non calcolabile" in unknown

    editor = _page(client.get(world.url("planning_indicators", world.draft.pk,
                                        world.card("01_01_02").pk)))
    assert 'data-insert-variable="N_ImprAtt"' in editor
    assert "Numero imprese attive al 31/12" in editor
    assert f'hx-post="{url}"' in editor
