"""The Documenti page and its downloads, on the small plan of real rows."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from performa.accounts.models import Membership, Role
from performa.documents import registry
from performa.measures.models import Period
from performa.plans import models as plans
from performa.plans.document import PlanDocument
from performa.plans.store import store_plan

pytestmark = pytest.mark.django_db


class Setup:
    def __init__(self, plan: PlanDocument) -> None:
        self.version = store_plan(plan).version
        self.cycle = self.version.cycle
        self.body = self.cycle.body
        office = self.body.org_units.get(name="Punto Impresa Digitale")
        self.staff = self.member("referente.pid", Role.STAFF, office)
        self.reader = self.member("lettore", Role.READER)
        self.oiv = self.member("oiv", Role.EVALUATOR)
        self.outsider = User.objects.create_user("altro.ente", password="x-Secret-9")
        self.june = Period.objects.create(cycle=self.cycle, date=date(2022, 6, 30),
                                          state="open")

    def member(self, name: str, role: Role, unit: plans.OrgUnit | None = None) -> User:
        user = User.objects.create_user(name, password="x-Secret-9")
        Membership.objects.create(user=user, body=self.body, role=role, org_unit=unit)
        return user

    def page(self) -> str:
        return reverse("web:documents", kwargs={"body_id": self.body.pk})

    def file(self, kind: str, fmt: str) -> str:
        return reverse("web:document_download",
                       kwargs={"body_id": self.body.pk, "kind": kind, "fmt": fmt})

    def client(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client


@pytest.fixture
def s(plan: PlanDocument) -> Setup:
    return Setup(plan)


def test_page_access(s: Setup) -> None:
    for user in (s.staff, s.reader, s.oiv):
        assert s.client(user).get(s.page()).status_code == 200
    assert s.client(s.outsider).get(s.page()).status_code == 404
    assert s.client(s.reader).post(s.page()).status_code == 405
    anonymous = Client().get(s.page())
    assert anonymous.status_code == 302 and "/accedi/" in anonymous["Location"]


def test_page_lists_every_kind_and_format(s: Setup) -> None:
    html = s.client(s.reader).get(s.page()).content.decode()
    kinds = registry.load_all()
    assert kinds, "no document kind registered"
    for kind in kinds.values():
        assert kind.title in html
        for fmt in kind.formats:
            assert f'href="{s.file(kind.name, fmt)}?anno=2022"' in html
    assert 'data-download-status' in html and "web/documents.js" in html
    # The menu offers the page to every member.
    assert f'href="{s.page()}"' in html


def test_download_access(s: Setup) -> None:
    url = s.file("piano", "pdf")
    assert s.client(s.outsider).get(url).status_code == 404
    assert s.client(s.reader).post(url).status_code == 405
    assert s.client(s.reader).get(s.file("nessuno", "pdf")).status_code == 404
    assert s.client(s.reader).get(s.file("piano", "rtf")).status_code == 404
    assert s.client(s.reader).get(s.file("piano", "json")).status_code == 404  # not its format


def test_download_pdf(s: Setup) -> None:
    response = s.client(s.staff).get(s.file("piano", "pdf"), {"anno": 2022})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="piano_prova_2022.pdf"')
    assert response.content.startswith(b"%PDF-")
    assert int(response["Content-Length"]) == len(response.content)


def test_download_open_data_for_a_period(s: Setup) -> None:
    kinds = registry.load_all()
    kind = next(k for k in kinds.values() if "json" in k.formats)
    response = s.client(s.reader).get(s.file(kind.name, "json"),
                                      {"anno": 2022, "rilevazione": s.june.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{kind.name}_prova_2022-06-30.json"')
    data = json.loads(response.content)
    assert data["ente"] == s.body.name and data["tabelle"]


def test_download_refuses_a_period_of_another_cycle(s: Setup) -> None:
    other = plans.Cycle.objects.create(body=s.body, year=2023, first_year=2023, last_year=2025)
    later = Period.objects.create(cycle=other, date=date(2023, 6, 30))
    url = s.file("piano", "xlsx")
    client = s.client(s.reader)
    assert client.get(url, {"anno": 2022, "rilevazione": later.pk}).status_code == 404
    assert client.get(url, {"anno": 2022, "rilevazione": "x"}).status_code == 404


def test_download_without_an_adopted_plan_says_so(s: Setup) -> None:
    plans.Cycle.objects.create(body=s.body, year=2023, first_year=2023, last_year=2025)
    response = s.client(s.reader).get(s.file("piano", "pdf"), {"anno": 2023})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Nessun piano adottato" in html and 'role="alert"' in html


def test_the_merged_bodys_rpp_from_its_own_page(plan: PlanDocument) -> None:
    """Toscana Nord-Ovest's plans are its predecessors': its RPP, downloaded from its own
    Documenti page, presents each one's projects and money (here Lucca's actions on the small
    plan, tests/rpp_plan.py)."""
    import io

    import docx
    from django.utils import timezone

    from rpp_plan import with_actions_and_phases

    merged = PlanDocument(body="Camera di Commercio della Toscana Nord-Ovest", year=2022,
                          triennium=(2022, 2024))
    lucca = with_actions_and_phases(plan, timezone.localdate())
    lucca.body = "Camera di Commercio di Lucca"
    merged.parts = [lucca]
    body = store_plan(merged).version.cycle.body
    user = User.objects.create_user("tno.lettore", password="x-Secret-9")
    Membership.objects.create(user=user, body=body, role=Role.READER)
    client = Client()
    client.force_login(user)
    url = reverse("web:document_download",
                  kwargs={"body_id": body.pk, "kind": "rpp", "fmt": "docx"})
    assert f'href="{url}?anno=2022"' in client.get(
        reverse("web:documents", kwargs={"body_id": body.pk})).content.decode()
    response = client.get(url, {"anno": 2022})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="rpp_toscana-nord-ovest_2022.docx"')
    word = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Premessa", "Camera di Commercio di Lucca"]
    rows = [[cell.text for cell in row.cells] for table in word.tables for row in table.rows]
    assert ["1B010301", "Piano strategico provinciale 2030",
            "C003 Servizio Regolazione del Mercato", "Punto Impresa Digitale", "Istituzionale",
            "€ 40.000,00", "€ 0,00", "€ 40.000,00", "€ 0,00"] in rows
