"""The audit history of an item: who, when, old → new field by field, and why."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from performa.accounts.access import SYSTEM
from performa.accounts.models import Membership, Role
from performa.measures import actions
from performa.measures.models import MeasuredValue, Period
from performa.plans import models as plans
from performa.plans.document import PlanDocument
from performa.plans.store import store_plan
from performa.web.views.history import history_url

pytestmark = pytest.mark.django_db


class Setup:
    def __init__(self, plan: PlanDocument) -> None:
        self.version = store_plan(plan).version
        self.body = self.version.cycle.body
        office = self.body.org_units.get(name="Punto Impresa Digitale")
        self.staff = self.member("referente.pid", Role.STAFF, office, "Rita", "Referente PID")
        self.reader = self.member("lettore", Role.READER)
        self.outsider = User.objects.create_user("altro.ente", password="x-Secret-9")
        self.june = Period.objects.create(cycle=self.version.cycle, date=date(2022, 6, 30),
                                          state="open")
        self.bando = plans.Indicator.objects.get(version=self.version, name="Bando PID")

    def member(self, name: str, role: Role, unit: plans.OrgUnit | None = None,
               first: str = "", last: str = "") -> User:
        user = User.objects.create_user(name, password="x-Secret-9", first_name=first,
                                        last_name=last)
        Membership.objects.create(user=user, body=self.body, role=role, org_unit=unit)
        return user

    def get(self, user: User, url: str) -> tuple[int, str]:
        client = Client()
        client.force_login(user)
        response = client.get(url)
        return response.status_code, response.content.decode()


@pytest.fixture
def s(plan: PlanDocument) -> Setup:
    return Setup(plan)


def rows(html: str) -> list[str]:
    """The history table's body rows as text, newest first."""
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in body.split("</tr>") if "<td" in row]


def test_a_value_changed_twice(s: Setup) -> None:
    actions.enter_value(SYSTEM, s.june, s.bando, "40", reason="caricamento iniziale")
    actions.enter_value(s.staff, s.june, s.bando, "50")
    actions.enter_value(s.staff, s.june, s.bando, "55", reason="domande arrivate via PEC")
    value = MeasuredValue.objects.get()
    url = history_url(value)
    assert url == f"/storia/measures/measuredvalue/{value.pk}/"
    status, html = s.get(s.reader, url)
    assert status == 200
    assert "Valore rilevato: <strong>Bando PID: 55</strong>" in html
    newest, middle, oldest = rows(html)
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d Rita Referente PID modificato "
                        r"valore \(come scritto\): 50 → 55 valore: 50 → 55 "
                        r"domande arrivate via PEC", newest), newest
    assert middle.endswith("Rita Referente PID modificato valore (come scritto): 40 → 50 "
                           "valore: 40 → 50 autore: — → Rita Referente PID —")
    assert "riga di comando creato rilevazione: Rilevazione al 30/06/2022 " \
           "indicatore: Bando PID valore (come scritto): 40 valore: 40" in oldest
    assert oldest.endswith("caricamento iniziale")


def test_access_to_history(s: Setup) -> None:
    actions.enter_value(s.staff, s.june, s.bando, "50")
    value = MeasuredValue.objects.get()
    url = history_url(value)
    assert s.get(s.staff, url)[0] == 200
    assert s.get(s.outsider, url)[0] == 404  # another body's item: as if it did not exist
    missing = f"/storia/measures/measuredvalue/{value.pk + 100}/"
    assert s.get(s.reader, missing)[0] == 404
    not_listed = f"/storia/auth/user/{s.reader.pk}/"
    assert s.get(s.reader, not_listed)[0] == 404
    assert history_url(s.reader) == ""
    client = Client()
    client.force_login(s.reader)
    assert client.post(url).status_code == 405
    assert Client().get(url).status_code == 302


def test_plan_items_and_a_deleted_item(s: Setup) -> None:
    target = s.bando.targets.get()
    status, html = s.get(s.reader, history_url(target))
    assert status == 200 and "target (come scritto): 80" in html
    period = Period.objects.create(cycle=s.june.cycle, date=date(2022, 9, 30), label="Terzo")
    period.state = "open"
    period._change_reason = "apertura anticipata"  # type: ignore[attr-defined]
    period.save()
    url = history_url(period)
    status, html = s.get(s.reader, url)
    assert "stato: Programmata → Aperta" in html and "apertura anticipata" in html
    Period.objects.get(pk=period.pk).delete()
    status, html = s.get(s.reader, url)
    assert status == 200
    assert "(eliminato)" in html
    assert rows(html)[0].endswith("riga di comando eliminato —")


def test_an_amendment_started_on_the_page_names_the_planner_on_every_item(s: Setup) -> None:
    """The draft's items are copied in bulk: each history row still names who started the
    amendment, as the row-by-row saves of a request did."""
    planner = s.member("pianificazione", Role.PLANNING, first="Paola", last="Pianificatrice")
    client = Client()
    client.force_login(planner)
    amend = reverse("web:planning_amend", args=[s.body.pk])
    assert client.post(amend + "?anno=2022").status_code == 302
    draft = plans.PlanVersion.objects.get(cycle=s.version.cycle, status="draft")
    card = plans.OperationalObjective.objects.get(version=draft, code="01_01_02")
    status, html = s.get(planner, history_url(card))
    assert status == 200
    changed, created = rows(html)
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d Paola Pianificatrice modificato "
                        r"uffici: — → Punto Impresa Digitale —", changed), changed
    assert created.startswith(changed[:16] + " Paola Pianificatrice creato ")
    indicator = plans.Indicator.objects.get(version=draft, name="Bando PID")
    for item in (indicator, indicator.targets.get(), card.strategic_objective):
        (only,) = rows(s.get(planner, history_url(item))[1])
        assert " Paola Pianificatrice creato " in only, only
    assert "peso: 0,25" in s.get(planner, history_url(indicator))[1]
