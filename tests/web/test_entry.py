"""Data entry by office: own values only, typed the Italian way, errors inline, locking."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from performa.accounts.models import Membership, Role
from performa.measures.models import Deviation, MeasuredValue, Period
from performa.plans import models as plans
from performa.plans.document import PlanDocument, VariableDoc
from performa.plans.store import store_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(plan: PlanDocument) -> dict:
    return _site(plan)


def _site(plan: PlanDocument) -> dict:
    version = store_plan(plan).version
    body = version.cycle.body
    units = {u.name: u for u in body.org_units.all()}
    june = Period.objects.create(cycle=version.cycle, date=date(2022, 6, 30), state="open")

    def user(name: str, role: Role, unit: str = "") -> User:
        account = User.objects.create_user(name, password="x-Secret-9")
        Membership.objects.create(user=account, body=body, role=role,
                                  org_unit=units.get(unit))
        return account

    return {
        "body": body, "june": june,
        "staff": user("referente.pid", Role.STAFF, "Punto Impresa Digitale"),
        "other": user("referente.segreteria", Role.STAFF, "Segreteria Generale"),
        "oiv": user("oiv", Role.EVALUATOR),
        "bando": plans.Indicator.objects.get(version=version, name="Bando PID"),
        "spaces": plans.Indicator.objects.get(version=version,
                                              name="Attrattività eventi realizzati"),
    }


def _save_url(site: dict, indicator: plans.Indicator) -> str:
    return reverse("web:entry_save", kwargs={"body_id": site["body"].pk,
                                             "period_id": site["june"].pk,
                                             "kind": "indicatore", "owner_id": indicator.pk})


def test_staff_see_only_their_offices_values(client: Client, site: dict) -> None:
    client.force_login(site["staff"])
    page = client.get(reverse("web:entry", args=[site["body"].pk])).content.decode()
    assert "Bando PID" in page
    assert "Attrattività eventi realizzati" not in page  # Segreteria Generale's card
    assert "Grado di utilizzo delle risorse" not in page  # computed from the budget
    client.force_login(site["other"])
    page = client.get(reverse("web:entry", args=[site["body"].pk])).content.decode()
    assert "Attrattività eventi realizzati" in page and "Bando PID" not in page
    pid_office = site["bando"].operational_objective.offices.get()
    other_office = client.get(reverse("web:entry", args=[site["body"].pk]),
                              {"ufficio": pid_office.pk})
    assert other_office.status_code == 403


def test_saving_shows_the_new_achievement(client: Client, site: dict) -> None:
    client.force_login(site["staff"])
    response = client.post(_save_url(site, site["bando"]), {"value": "60", "revision": "0"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page  # the row only, swapped in place
    assert "Valore: <strong>60</strong>" in page and "75%" in page
    assert MeasuredValue.objects.get().author == site["staff"]


def test_errors_are_shown_inline_in_italian_and_nothing_changes(client: Client,
                                                                 site: dict) -> None:
    client.force_login(site["staff"])
    client.post(_save_url(site, site["bando"]), {"value": "60", "revision": "0"})
    response = client.post(_save_url(site, site["bando"]), {"value": "1,500.5", "revision": "1"},
                           HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert 'role="alert"' in page and "«1,500.5»" in page and "notazione inglese" in page
    assert 'aria-invalid="true"' in page
    response = client.post(_save_url(site, site["bando"]), {"value": "n.d.", "revision": "1"})
    assert response.status_code == 422
    assert "Indicare il motivo del valore n.d." in response.content.decode()
    assert MeasuredValue.objects.get().value_text == "60"


def test_another_offices_value_is_refused_on_the_server(client: Client, site: dict) -> None:
    client.force_login(site["other"])
    assert client.post(_save_url(site, site["bando"]), {"value": "60"}).status_code == 403
    client.force_login(site["oiv"])
    assert client.post(_save_url(site, site["bando"]), {"value": "60"}).status_code == 403
    assert client.get(reverse("web:entry", args=[site["body"].pk])).status_code == 403
    assert not MeasuredValue.objects.exists()


def test_lost_update_is_refused_showing_the_newer_value(client: Client, site: dict) -> None:
    client.force_login(site["staff"])
    client.post(_save_url(site, site["bando"]), {"value": "50", "revision": "0"})
    client.post(_save_url(site, site["bando"]), {"value": "65", "revision": "1"})
    response = client.post(_save_url(site, site["bando"]), {"value": "70", "revision": "1"},
                           HTTP_HX_REQUEST="true")
    assert "ora vale «65»" in response.content.decode()
    assert MeasuredValue.objects.get().value_text == "65"


def test_deviation_explained_from_the_entry_page(client: Client, site: dict) -> None:
    client.force_login(site["staff"])
    client.post(_save_url(site, site["bando"]), {"value": "60", "revision": "0"})
    client.post(_save_url(site, site["bando"]),
                {"deviation": "Bando chiuso in anticipo per esaurimento fondi."})
    assert Deviation.objects.get().text == "Bando chiuso in anticipo per esaurimento fondi."


def test_closed_period_refuses_values(client: Client, site: dict) -> None:
    Period.objects.filter(pk=site["june"].pk).update(state="closed")
    client.force_login(site["staff"])
    response = client.post(_save_url(site, site["bando"]), {"value": "60", "revision": "0"})
    assert "non è aperta" in response.content.decode()
    assert not MeasuredValue.objects.exists()


def test_a_computed_indicator_is_refused_and_nothing_stored(client: Client,
                                                          plan: PlanDocument) -> None:
    """Issue 10 item 3: the page lists no computed indicator, but a POST for one (an old tab,
    a crafted form) was stored; the action refuses it, shown on the value's field."""
    plan.variables = [VariableDoc("N_Domande_PID", "Domande gestite su bando Pid", "n.")]
    plan.areas[0].objectives[0].operational[0].indicators[0].formula = "N_Domande_PID"
    site = _site(plan)
    client.force_login(site["staff"])
    response = client.post(_save_url(site, site["bando"]), {"value": "60", "revision": "0"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    page = response.content.decode()
    assert "«Bando PID» si calcola con una formula: inserire le variabili." in page
    assert 'aria-invalid="true"' in page
    use = plans.Indicator.objects.get(version=site["bando"].version,
                                      name="Grado di utilizzo delle risorse")
    response = client.post(_save_url(site, use), {"value": "60%", "revision": "0"})
    assert response.status_code == 422
    assert "si calcola dalle risorse" in response.content.decode()
    assert not MeasuredValue.objects.exists()
