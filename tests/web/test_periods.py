"""Periods page (planning office) and OIV validation, on the small plan of real rows."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from performa.accounts.models import Membership, Role
from performa.measures import actions
from performa.measures.models import Period, ResultSet
from performa.plans import models as plans
from performa.plans.document import PlanDocument
from performa.plans.store import store_plan

pytestmark = pytest.mark.django_db


class Setup:
    """The small plan: PID card (3 values typed by the office, the fourth computed from the
    budget) and the spaces card (2 values): 5 values expected per period."""

    def __init__(self, plan: PlanDocument) -> None:
        self.version = store_plan(plan).version
        self.cycle = self.version.cycle
        self.body = self.cycle.body
        self.pid_office = self.body.org_units.get(name="Punto Impresa Digitale")
        self.planning = self.user("pianificazione", Role.PLANNING)
        self.staff = self.user("referente.pid", Role.STAFF, self.pid_office)
        self.reader = self.user("lettore", Role.READER)
        self.oiv = self.user("oiv", Role.EVALUATOR)
        self.outsider = User.objects.create_user("altro.ente", password="x-Secret-9")
        self.june = Period.objects.create(cycle=self.cycle, date=date(2022, 6, 30),
                                          label="30/06", deadline=date(2022, 7, 15),
                                          state="open")
        self.september = Period.objects.create(cycle=self.cycle, date=date(2022, 9, 30),
                                               deadline=date(2022, 10, 31), demo=True)

    def user(self, name: str, role: Role, unit: plans.OrgUnit | None = None) -> User:
        user = User.objects.create_user(name, password="x-Secret-9", first_name=name.title())
        Membership.objects.create(user=user, body=self.body, role=role, org_unit=unit)
        return user

    def indicator(self, name: str) -> plans.Indicator:
        return plans.Indicator.objects.get(version=self.version, name=name)

    def url(self, name: str, **kwargs: int) -> str:
        from django.urls import reverse

        return reverse(f"web:{name}", kwargs={"body_id": self.body.pk, **kwargs})

    def client(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client


@pytest.fixture
def s(plan: PlanDocument) -> Setup:
    return Setup(plan)


def state(period: Period) -> str:
    period.refresh_from_db()
    return period.state


# --- access ---------------------------------------------------------------------------------


def test_periods_page_access(s: Setup) -> None:
    url = s.url("periods")
    for user in (s.planning, s.staff, s.reader, s.oiv):
        assert s.client(user).get(url).status_code == 200
    assert s.client(s.outsider).get(url).status_code == 404
    assert s.client(s.planning).post(url).status_code == 405
    assert Client().get(url).status_code == 302  # to the login page


def test_period_changes_are_for_the_planning_office_only(s: Setup) -> None:
    create, move = s.url("period_create"), s.url("period_move", period_id=s.september.pk)
    for user in (s.staff, s.reader, s.oiv):
        assert s.client(user).post(create, {"date": "31/12/2022"}).status_code == 403
        assert s.client(user).post(move, {"stato": "open"}).status_code == 403
    assert s.client(s.outsider).post(create, {"date": "31/12/2022"}).status_code == 404
    assert s.client(s.outsider).post(move, {"stato": "open"}).status_code == 404
    assert s.client(s.planning).get(create).status_code == 405
    assert s.client(s.planning).get(move).status_code == 405
    assert state(s.september) == "planned"
    assert s.cycle.periods.count() == 2


def test_validation_pages_access(s: Setup) -> None:
    actions.move_period(s.planning, s.june, "closed")
    pages = [s.url("validation"), s.url("validation_period", period_id=s.june.pk)]
    validate = s.url("validate_period", period_id=s.june.pk)
    for url in pages:
        assert s.client(s.oiv).get(url).status_code == 200
        for user in (s.planning, s.staff, s.reader):
            assert s.client(user).get(url).status_code == 403
        assert s.client(s.outsider).get(url).status_code == 404
        assert s.client(s.oiv).post(url).status_code == 405
    assert s.client(s.planning).post(validate).status_code == 403
    assert s.client(s.outsider).post(validate).status_code == 404
    assert s.client(s.oiv).get(validate).status_code == 405
    assert state(s.june) == "closed"
    # A period still open is not up for validation.
    open_one = s.url("validation_period", period_id=s.september.pk)
    assert s.client(s.oiv).get(open_one).status_code == 404


# --- periods page ---------------------------------------------------------------------------


def test_periods_page_figures_against_hand_counts(s: Setup) -> None:
    actions.enter_value(s.staff, s.june, s.indicator("Bando PID"), "60")
    actions.enter_value(s.staff, s.june, s.indicator("Customer satisfaction"), "7,4")
    response = s.client(s.reader).get(s.url("periods") + "?esporta=csv")
    assert response["Content-Disposition"] == 'attachment; filename="rilevazioni-2022.csv"'
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines == [
        ["Data", "Denominazione", "Scadenza inserimento", "Stato", "Dati", "Valori inseriti",
         "Valori attesi", "Uffici in ritardo"],
        # 30/06: 2 of 5 in; after 15/07 the PID office misses 1 value, the Segreteria 2.
        ["30/06/2022", "30/06", "15/07/2022", "Aperta", "dati reali", "2", "5",
         "2: Punto Impresa Digitale; Segreteria Generale"],
        ["30/09/2022", "", "31/10/2022", "Programmata", "dati dimostrativi", "0", "5",
         "non ancora aperta"],
    ]
    html = s.client(s.reader).get(s.url("periods")).content.decode()
    assert "<caption>Rilevazioni del ciclo 2022</caption>" in html
    assert "dati dimostrativi" in html
    assert "Crea la rilevazione" not in html and "Riapri" not in html  # read only
    assert f'href="/storia/measures/period/{s.june.pk}/"' in html


def test_opening_closing_and_a_reopening_that_needs_a_reason(s: Setup) -> None:
    client = s.client(s.planning)
    move = s.url("period_move", period_id=s.september.pk)
    html = client.get(s.url("periods")).content.decode()
    assert "Apri<span" in html and "Chiudi<span" in html
    response = client.post(move, {"stato": "open"}, follow=True)
    assert state(s.september) == "open"
    assert "Rilevazione al 30/09/2022 aperta." in response.content.decode()
    client.post(move, {"stato": "closed"})
    assert state(s.september) == "closed"
    refused = client.post(move, {"stato": "open", "motivo": "  "})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Per riaprire una rilevazione serve una motivazione." in html
    assert f'aria-describedby="errore-{s.september.pk}"' in html
    assert state(s.september) == "closed"
    # The history keeps 100 characters of a reason: a longer one is refused, not a 500.
    too_long = client.post(move, {"stato": "open", "motivo": "x" * 101})
    assert "al massimo 100 caratteri (ne ha 101)" in too_long.content.decode()
    assert state(s.september) == "closed"
    client.post(move, {"stato": "open", "motivo": "valori PID da correggere"})
    assert state(s.september) == "open"
    last = s.september.history.order_by("-history_date").first()
    assert last.history_change_reason == "valori PID da correggere"


def test_year_end_closing_refused_inline_without_deviations(s: Setup) -> None:
    year_end = Period.objects.create(cycle=s.cycle, date=date(2022, 12, 31), state="open")
    actions.enter_value(s.staff, year_end, s.indicator("Bando PID"), "60")
    response = s.client(s.planning).post(s.url("period_move", period_id=year_end.pk),
                                         {"stato": "closed"})
    html = response.content.decode()
    assert "Mancano le motivazioni dello scostamento per 1 indicatori sotto il 100%: " \
           "«Bando PID»." in html
    assert state(year_end) == "open"


def test_creating_a_period(s: Setup) -> None:
    client = s.client(s.planning)
    html = client.get(s.url("periods")).content.decode()
    assert '<option value="31/12/2022">' in html  # quick choice not used yet
    assert '<option value="30/06/2022">' not in html
    response = client.post(s.url("period_create") + "?anno=2022",
                           {"date": "31/12/2022", "label": "Consuntivo",
                            "deadline": "28/02/2023"})
    assert response.status_code == 302
    created = s.cycle.periods.get(date=date(2022, 12, 31))
    assert (created.label, created.deadline, created.state, created.demo) == \
        ("Consuntivo", date(2023, 2, 28), "planned", False)
    refused = client.post(s.url("period_create"), {"date": "31/12/2023", "label": "x"})
    html = refused.content.decode()
    assert "La data deve cadere nell&#x27;anno del ciclo (2022)." in html
    assert 'aria-describedby="id_date_helptext id_date_error"' in html
    twice = client.post(s.url("period_create"), {"date": "30/06/2022"}).content.decode()
    assert "Esiste già una rilevazione al 30/06/2022." in twice
    late = client.post(s.url("period_create"), {"date": "30/11/2022", "deadline": "01/11/2022"})
    assert "La scadenza non può precedere la data." in late.content.decode()
    assert s.cycle.periods.count() == 3


# --- OIV validation -------------------------------------------------------------------------


def test_oiv_validates_a_closed_period_and_results_freeze(s: Setup) -> None:
    actions.enter_value(s.staff, s.june, s.indicator("Bando PID"), "60")  # 75%
    actions.enter_value(s.staff, s.june, s.indicator("Risorse umane dedicate"), "2,5")  # 80%
    actions.enter_value(s.staff, s.june, s.indicator("Customer satisfaction"), "7,4")
    actions.explain_deviation(s.staff, s.june, s.indicator("Bando PID"),
                              "Bando chiuso in ritardo per il nuovo regolamento.")
    actions.move_period(s.planning, s.june, "closed")
    client = s.client(s.oiv)
    listed = client.get(s.url("validation")).content.decode()
    detail_url = s.url("validation_period", period_id=s.june.pk)
    assert f'<a href="{detail_url}">30/06/2022</a>' in listed
    assert "da validare" in listed
    html = client.get(detail_url).content.decode()
    # PID card (75 + 80 + 100) / 3 = 85% (the budget indicator n.d.); the spaces card has no
    # value, so 01_03 is n.d. and area and body follow the PID card.
    assert 'Ente: <strong><span class="semaforo semaforo-yellow">' \
           '<span class="semaforo-luce" aria-hidden="true"></span>85%' in html
    assert "<td>Digitalizzazione</td>\n      <td><span class=\"semaforo semaforo-yellow\">" in html
    assert "<td>Cultura e turismo</td>\n      <td><span class=\"semaforo semaforo-grey\">" in html
    assert "<td>01_01_02</td><td>Bando PID</td><td>60</td><td>≥ 80</td><td>75%</td>" \
           "<td>Bando chiuso in ritardo per il nuovo regolamento.</td>" in html
    assert "<td>Risorse umane dedicate</td><td>2,5</td><td>≤ 2,0</td><td>80%</td>" \
           "<td>motivazione mancante</td>" in html
    assert "1 indicatori sotto il target sono senza motivazione" in html
    assert "Valida la rilevazione" in html
    response = client.post(s.url("validate_period", period_id=s.june.pk), follow=True)
    assert state(s.june) == "validated"
    assert ResultSet.objects.get(period=s.june, current=True).frozen
    html = response.content.decode()
    assert "Risultati validati il " in html and "da Oiv" in html
    assert "Valida la rilevazione" not in html
    listed = client.get(s.url("validation") + "?stato=validata").content.decode()
    assert "1 di 1 righe" in listed
    # Validating twice is refused with the action's message, shown on the page.
    again = client.post(s.url("validate_period", period_id=s.june.pk))
    assert "Passaggio da «Validata» a «Validata» non previsto." in again.content.decode()


def test_query_counts_stay_bounded(s: Setup, django_assert_max_num_queries: Any) -> None:
    actions.move_period(s.planning, s.june, "closed")
    planning, oiv = s.client(s.planning), s.client(s.oiv)
    planning.get(s.url("periods"))  # session and user cached like any later request
    # A few queries per period (values due and entered), not per indicator.
    with django_assert_max_num_queries(22):
        planning.get(s.url("periods"))
    with django_assert_max_num_queries(14):
        oiv.get(s.url("validation_period", period_id=s.june.pk))
