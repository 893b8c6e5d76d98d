"""Dashboard, trees, card and "perché?": real figures, and the same access rules everywhere."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from performa.accounts.access import SYSTEM
from performa.accounts.models import Membership, Role
from performa.measures import actions
from performa.measures.models import Period, ResultSet
from performa.plans import models as plans
from performa.plans.document import PlanDocument
from performa.plans.store import store_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(plan: PlanDocument) -> dict:
    version = store_plan(plan).version
    body = version.cycle.body
    june = Period.objects.create(cycle=version.cycle, date=date(2022, 6, 30), state="open",
                                 deadline=date(2022, 7, 15))
    for name, text in (("Bando PID", "60"), ("Risorse umane dedicate", "2,5"),
                       ("Customer satisfaction", "7,4"),
                       ("Attrattività eventi realizzati", "1.200")):
        indicator = plans.Indicator.objects.get(version=version, name=name)
        actions.enter_value(SYSTEM, june, indicator, text)
    card = plans.OperationalObjective.objects.get(version=version, code="01_01_02")
    actions.record_resource_use(SYSTEM, june, card, "90.000,00")
    reader = User.objects.create_user("lettore", password="x-Secret-9")
    Membership.objects.create(user=reader, body=body, role=Role.READER)
    outsider = User.objects.create_user("estraneo", password="x-Secret-9")
    return {"body": body, "june": june, "reader": reader, "outsider": outsider,
            "results": ResultSet.objects.get(period=june, current=True)}


def _get(client: Client, user: User, name: str, **kwargs: object) -> object:
    client.force_login(user)
    return client.get(reverse(f"web:{name}", kwargs=kwargs))


@pytest.mark.parametrize(
    ("name", "extra"),
    [("dashboard", {}), ("tree", {}), ("tree_units", {}), ("card", {"code": "01_01_02"})],
)
def test_pages_for_members_404_for_outsiders_405_for_post(
    client: Client, site: dict, name: str, extra: dict
) -> None:
    kwargs = {"body_id": site["body"].pk, **extra}
    assert _get(client, site["reader"], name, **kwargs).status_code == 200
    assert client.post(reverse(f"web:{name}", kwargs=kwargs)).status_code == 405
    assert _get(client, site["outsider"], name, **kwargs).status_code == 404
    client.logout()
    response = client.get(reverse(f"web:{name}", kwargs=kwargs))
    assert response.status_code == 302 and "/accedi/" in response["Location"]


def test_dashboard_shows_the_body_areas_and_the_trend(client: Client, site: dict) -> None:
    page = _get(client, site["reader"], "dashboard", body_id=site["body"].pk).content.decode()
    # 01_01_02: (75% + 80% + 100% + 75%) / 4 = 82,5%; 01_03_03: 80% (date not yet in):
    # ambito 1 and the body (81,25%) show as 81%.
    assert "perché 81%?" in page
    assert "01_01 Digitalizzazione" in page and "83%" in page
    assert 'id="andamento-dati"' in page
    assert "1 indicatori a rischio" in page or "indicatori a rischio" in page


def test_card_looks_like_the_plan_and_shows_results(client: Client, site: dict) -> None:
    page = _get(client, site["reader"], "card", body_id=site["body"].pk,
                code="01_01_02").content.decode()
    for text in ("PID - Punto Impresa Digitale", "Risorse economiche", "€ 150.000,00",
                 "Promozione e sviluppo economico", "Punto Impresa Digitale",
                 "Stato 2021", "Target 2022", "≥ 80", "25,0%", "60%"):
        assert text in page, text


def test_why_explains_the_figure(client: Client, site: dict) -> None:
    kwargs = {"body_id": site["body"].pk, "result_set_id": site["results"].pk,
              "tree_name": "strategy", "key": "op:01_03_03"}
    page = _get(client, site["reader"], "why", **kwargs).content.decode()
    assert "Valorizzazione degli spazi" in page
    assert "escluso: nessun valore rilevato" in page
    assert "80%" in page
    partial = client.get(reverse("web:why", kwargs=kwargs), HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert _get(client, site["outsider"], "why", **kwargs).status_code == 404


def test_tree_by_organisation_lists_areas_and_offices(client: Client, site: dict) -> None:
    page = _get(client, site["reader"], "tree_units",
                body_id=site["body"].pk).content.decode()
    assert "Promozione e sviluppo economico" in page
    assert "Punto Impresa Digitale" in page
    assert "01_01_02 PID - Punto Impresa Digitale" in page


def test_indicator_list_filters_sorts_and_exports(client: Client, site: dict) -> None:
    client.force_login(site["reader"])
    url = reverse("web:indicators", args=[site["body"].pk])
    page = client.get(url, {"scheda": "01_01_02", "ordina": "raggiungimento"}).content.decode()
    assert "Bando PID" in page and "Attrattività eventi realizzati" not in page
    assert page.index("Bando PID") < page.index("Customer satisfaction")  # 75% before 100%
    export = client.get(url, {"scheda": "01_01_02", "esporta": "csv"})
    assert export["Content-Disposition"] == 'attachment; filename="indicatori-2022.csv"'
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Scheda;Indicatore;Tipologia")
    assert any(line.startswith("01_01_02;Bando PID;Volume;n.;") and line.endswith(";60;75%;75%;sì")
               for line in lines), lines
    assert client.post(url).status_code == 405
    client.force_login(site["outsider"])
    assert client.get(url).status_code == 404
