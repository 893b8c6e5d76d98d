"""The dashboard's «Salute economico-finanziaria»: the body's budget indices for the year with
their traffic light against the target and a «perché» to the Bilancio page; on the real
Massa-Carrara budget of 002_… and the small plan of real rows."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from html import unescape
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from performa.accounts.access import SYSTEM
from performa.accounts.models import Membership, Role
from performa.budget.store import store_budget
from performa.interchange.budget_text import read_budget_text
from performa.plans import models as m
from performa.plans.document import PlanDocument
from performa.plans.store import store_plan

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "002_68b4b20b4f1ef68e.txt"
MASSA = "Camera di Commercio di Massa-Carrara"
MERGED = "Camera di Commercio della Toscana Nord-Ovest"


def _reader(name: str, body: m.Body) -> Client:
    user = User.objects.create_user(name, password="x-Secret-9")
    Membership.objects.create(user=user, body=body, role=Role.READER)
    client = Client()
    client.force_login(user)
    return client


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def massa(plan: PlanDocument) -> m.Body:
    """Massa-Carrara merged into Toscana Nord-Ovest, with the budget its RPP prints."""
    merged = PlanDocument(body=MERGED, year=2022, triennium=(2022, 2024))
    plan.body = MASSA
    merged.parts = [plan]
    store_plan(merged)
    body = m.Body.objects.get(name=MASSA)
    store_budget(SYSTEM, body, read_budget_text(SEED.read_text(encoding="utf-8")))
    return body


def _row(html: str, code: str) -> str:
    found = re.search(rf'<tr data-indice="{code}">(.*?)</tr>', html, re.S)
    assert found, code
    return found.group(1)


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_dashboard_shows_the_indices_of_the_year_against_their_targets(
    massa: m.Body,
) -> None:
    client = _reader("lettore", massa)
    html = _page(client, reverse("web:dashboard", args=[massa.pk]))
    assert '<h2 id="salute-titolo">Salute economico-finanziaria</h2>' in html
    # The dashboard's year is 2022: the budget's figures for it are the Preventivo 2022.
    assert "<caption>Indici di salute economico-finanziaria — Preventivo 2022</caption>" in html
    # 9.312.995,88 / 5.240.178,69: patrimonio netto over immobilizzazioni in 2022 (002_…).
    structure = (Decimal("9312995.88") / Decimal("5240178.69")).quantize(
        Decimal("0.01"), ROUND_HALF_UP)
    is1 = _row(html, "IS1")
    assert _text(is1) == (f"Indice di struttura (1) (PN / Immobilizzazioni) >= 0,7 "
                          f"{str(structure).replace('.', ',')} (target rispettato) perché? "
                          "Indice di struttura (1) (PN / Immobilizzazioni)")
    assert "semaforo-green" in is1 and 'class="cifra">1,78<' in is1
    squilibrio = _row(html, "SQUILIBRIO")
    assert "semaforo-red" in squilibrio and "(sotto il target)" in _text(squilibrio)
    assert "-0,09" in squilibrio
    treasury = _row(html, "TES1")  # no target printed: no colour claims a verdict
    assert "semaforo-grey" in treasury and "(senza target)" in _text(treasury)
    # «perché?» leads to the index's explanation on the Bilancio page, which has it.
    budget = reverse("web:budget", args=[massa.pk])
    assert f'href="{budget}#indice-IS1"' in is1
    page = _page(client, budget)
    assert 'id="indice-IS1"' in page
    cell = re.search(r'data-indice="IS1" data-colonna="preventivo-2022">(.*?)</td>', page, re.S)
    assert cell and 'class="cifra">1,78<' in cell.group(1)  # one figure, two pages
    # The merger is still said, with the body it was merged into.
    assert f"Ente accorpato in <a href=\"{reverse('web:dashboard', args=[massa.merged_into_id])}" \
        f"\">{MERGED}</a>" in html


def test_no_section_without_a_budget(massa: m.Body) -> None:
    merged = m.Body.objects.get(name=MERGED)
    html = _page(_reader("tno.lettore", merged), reverse("web:dashboard", args=[merged.pk]))
    assert "Salute economico-finanziaria" not in html
    assert "Enti accorpati, ciascuno con il proprio piano" in html
    assert f'href="{reverse("web:dashboard", args=[massa.pk])}">{MASSA}</a>' in html
