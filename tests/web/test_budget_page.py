"""The «Bilancio e indici» page and its API twin, on the Massa-Carrara budget of the seed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from performa.accounts.access import SYSTEM
from performa.accounts.models import Membership, Role
from performa.accounts.tokens import create_token
from performa.budget.store import store_budget
from performa.interchange.budget_text import read_budget_text
from performa.plans.models import Body, OrgUnit

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "002_68b4b20b4f1ef68e.txt"


class Setup:
    def __init__(self) -> None:
        self.body = Body.objects.create(name="Camera di Commercio di Massa-Carrara")
        office = OrgUnit.objects.create(body=self.body, name="Ragioneria", kind="office")
        store_budget(SYSTEM, self.body, read_budget_text(SEED.read_text(encoding="utf-8")))
        self.reader = self.member("lettore", Role.READER)
        self.staff = self.member("referente", Role.STAFF, office)
        self.outsider = User.objects.create_user("altro.ente", password="x-Secret-9")
        self.url = reverse("web:budget", kwargs={"body_id": self.body.pk})

    def member(self, name: str, role: Role, unit: OrgUnit | None = None) -> User:
        user = User.objects.create_user(name, password="x-Secret-9")
        Membership.objects.create(user=user, body=self.body, role=role, org_unit=unit)
        return user

    def html(self, user: User) -> str:
        client = Client()
        client.force_login(user)
        response = client.get(self.url)
        assert response.status_code == 200
        return response.content.decode()


@pytest.fixture
def s() -> Setup:
    return Setup()


def _cell(html: str, code: str, column: str) -> str:
    found = re.search(rf'data-indice="{code}" data-colonna="{column}">(.*?)</td>', html, re.S)
    assert found, (code, column)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_every_member_reads_it_outsiders_do_not(s: Setup) -> None:
    s.html(s.reader)
    s.html(s.staff)
    outsider = Client()
    outsider.force_login(s.outsider)
    assert outsider.get(s.url).status_code == 404
    anonymous = Client().get(s.url)
    assert anonymous.status_code == 302 and "/accedi/" in anonymous["Location"]


def test_the_page_shows_the_figures_and_the_indices_with_their_inputs(s: Setup) -> None:
    html = s.html(s.reader)
    # The menu offers the page to every member.
    assert f'href="{s.url}"><span>Bilancio</span></a>' in html
    assert "<h1>Bilancio e indici</h1>" in html
    for label in ("Preconsuntivo 2021", "Preventivo 2022", "Preventivo 2023", "Preventivo 2024"):
        assert f'<th scope="col" class="text-end text-nowrap">{label}</th>' in html
    # Amounts in euro, never wrapped.
    row = re.search(r'<tr data-voce="CE.A1">(.*?)</tr>', html, re.S)
    assert row is not None
    assert '<td class="text-end text-nowrap">€ 2.314.115,97</td>' in row.group(1)
    assert "€ 3.824.110,35" in html
    # Indices: ours, the document's, and the target's verdict in words.
    assert _cell(html, "IS1", "preconsuntivo-2021").startswith("1,90")
    assert "documento: 1,90" in _cell(html, "IS1", "preconsuntivo-2021")
    assert _cell(html, "TES1", "preventivo-2024").startswith("2,11")
    squilibrio = _cell(html, "SQUILIBRIO", "preventivo-2022")
    assert squilibrio.startswith("-0,09") and "sotto il target" in squilibrio
    assert _cell(html, "DISSESTO", "preconsuntivo-2021").startswith("n.d.")
    assert "documento: -27,38" in _cell(html, "DISSESTO", "preconsuntivo-2021")
    assert ("Preconsuntivo 2021: <strong class=\"text-nowrap\">1,90</strong> = PATRIMONIO NETTO "
            "10.186.566,06 / IMMOBILIZZAZIONI 5.357.678,69") in html


def test_the_breakdown_by_function_and_cost_centre_has_its_columns(s: Setup) -> None:
    from decimal import Decimal

    from performa.budget.document import BudgetDocument, BudgetLine
    from performa.plans.models import CostCentre

    CostCentre.objects.create(body=s.body, code="C003", name="Segreteria generale")
    store_budget(SYSTEM, s.body, BudgetDocument([
        BudgetLine("BD", "B7", "Funzionamento", 2022, "preventivo", Decimal("150000"),
                   cost_centre="C003"),
        BudgetLine("CE", "B6", "Spese per il personale", 2023, "consuntivo", Decimal("-1"),
                   function="A"),
    ]))
    html = s.html(s.reader)
    assert '<th scope="col">Funzione</th>' in html
    assert '<th scope="col">Centro di costo</th>' in html
    row = re.search(r'<table class="table table-sm" data-schema="BD">(.*?)</table>', html, re.S)
    assert row is not None and "C003 Segreteria generale" in row.group(1)
    assert "€ 150.000,00" in row.group(1)
    assert "A) Organi istituzionali e segreteria generale" in html
    assert "Consuntivo 2023" in html  # a fifth column, after the preventivo of its year


def test_a_body_without_budget_says_how_to_load_it(s: Setup) -> None:
    s.body.budget_entries.all().delete()
    html = s.html(s.reader)
    assert "Nessun dato di bilancio caricato" in html and "performa import-budget" in html


def test_the_api_gives_the_same_figures(s: Setup) -> None:
    _, key = create_token(s.reader, "prova")
    response = Client().get(f"/api/v1/bodies/{s.body.pk}/budget",
                            HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    data = response.json()
    assert [c["label"] for c in data["columns"]][:2] == ["Preconsuntivo 2021", "Preventivo 2022"]
    ce = next(t for t in data["schemes"] if t["scheme"] == "CE")
    a1 = next(r for r in ce["rows"] if r["name"] == "CE.A1")
    assert a1["amounts"][1] == "2314115.97"
    tes1 = next(i for i in data["indices"] if i["code"] == "TES1")
    assert [v["display"] for v in tes1["values"]] == ["3,06", "2,58", "2,31", "2,11"]
    assert {i["name"] for i in tes1["values"][0]["inputs"]} == {
        "SP.LIQUIDITA", "SP.DEB_FUNZ", "SP.FONDI_RISCHI"}
    outsider_key = create_token(s.outsider, "prova")[1]
    assert Client().get(f"/api/v1/bodies/{s.body.pk}/budget",
                        HTTP_AUTHORIZATION=f"Bearer {outsider_key}").status_code == 404
