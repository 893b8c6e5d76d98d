"""The card shows the plan's PIRA and RPP structure: mission and programme, the strategic
objective's PIRA card, the actions with their money and the totals above them, and the phases
as a Gantt over the triennium with their milestone state; who enters the objective's values
records when a phase was completed (figures: tests/rpp_plan.py, hand-computed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from performa.accounts.access import SYSTEM
from performa.accounts.models import Membership, Role
from performa.measures.actions import record_phase_completion
from performa.measures.models import PhaseCompletion
from performa.plans import models as m
from performa.plans.document import PlanDocument
from performa.plans.store import store_plan
from rpp_plan import FUTURE, LATE, NO_MILESTONE, REACHED, future_milestone, with_actions_and_phases

pytestmark = pytest.mark.django_db


@dataclass
class Cell:
    tag: str
    classes: list[str]
    text: str = ""


@dataclass
class Table:
    caption: str = ""
    rows: list[list[Cell]] = field(default_factory=list)

    def texts(self) -> list[list[str]]:
        return [[" ".join(c.text.split()) for c in row] for row in self.rows]


class _Tables(HTMLParser):
    """Every table of a page: its caption and its rows' cells (tag, classes, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self._cell: Cell | None = None
        self._caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(Table())
        elif tag == "caption":
            self._caption = True
        elif tag == "tr" and self.tables:
            self.tables[-1].rows.append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = Cell(tag, (dict(attrs).get("class") or "").split())
            self.tables[-1].rows[-1].append(self._cell)
        elif tag in ("input", "button", "form") and self._cell is not None:
            self._cell.text += " "

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._caption = False
        elif tag in ("td", "th"):
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._caption:
            self.tables[-1].caption += data
        elif self._cell is not None:
            self._cell.text += data


def tables(html: str) -> dict[str, Table]:
    parser = _Tables()
    parser.feed(html)
    return {" ".join(t.caption.split()): t for t in parser.tables}


@dataclass
class Site:
    body: m.Body
    version: m.PlanVersion
    reader: User
    staff: User
    other_staff: User

    def card(self, code: str) -> str:
        return reverse("web:card", args=[self.body.pk, code]) + "?anno=2022"

    def phase(self, title: str) -> m.Phase:
        return m.Phase.objects.get(version=self.version, title=title)

    def complete(self, code: str, title: str) -> str:
        return reverse("web:phase_completion",
                       args=[self.body.pk, code, self.phase(title).pk]) + "?anno=2022"


def _user(name: str, body: m.Body, role: Role, unit: str = "") -> User:
    user = User.objects.create_user(name, password="x-Secret-9")
    Membership.objects.create(user=user, body=body, role=role,
                              org_unit=m.OrgUnit.objects.filter(body=body, name=unit).first())
    return user


@pytest.fixture
def site(plan: PlanDocument) -> Site:
    version = store_plan(with_actions_and_phases(plan, timezone.localdate())).version
    body = version.cycle.body
    return Site(body, version, _user("lettore", body, Role.READER),
                _user("referente.pid", body, Role.STAFF, "Punto Impresa Digitale"),
                _user("referente.segreteria", body, Role.STAFF, "Segreteria Generale"))


def _page(client: Client, user: User, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_card_shows_mission_programme_and_the_pira_card(client: Client, site: Site) -> None:
    html = _page(client, site.reader, site.card("01_01_02"))
    assert "011 Competitività e sviluppo delle imprese" in html
    assert "011.005 Promozione e attuazione di politiche di sviluppo" in html
    assert "Classificazione Performa (dalla funzione dell'Area)" in html
    for text in ("2022/2024 (triennale)", "CDR 3 - Studi, formazione, informazione e "
                 "promozione economica.", "€ 460.000,00", "AA 101 AA 102"):
        assert text in html
    # A card with its own mission shows it; its strategic objective has no PIRA card.
    html = _page(client, site.reader, site.card("01_03_03"))
    assert "012 Regolazione dei mercati" in html
    assert "Classificazione Performa" not in html
    assert "(PIRA)" not in html


def test_the_actions_with_their_money_and_the_totals_above(client: Client, site: Site) -> None:
    found = tables(_page(client, site.reader, site.card("01_01_02")))
    actions = found["Azioni della scheda 01_01_02 con oneri, ricavi, contributi e investimenti"]
    assert actions.texts() == [
        ["Codice", "Azione", "Centro di costo", "Ufficio responsabile", "Oneri", "Ricavi",
         "Contributi", "Investimenti"],
        ["1B010301", "Piano strategico provinciale 2030",
         "C003 Servizio Regolazione del Mercato", "Punto Impresa Digitale", "€ 40.000,00",
         "€ 0,00", "€ 40.000,00", "€ 0,00"],
        ["2C010101", "Servizi tecnici per lo start up e lo sviluppo d'impresa",
         "D003 Servizio Promozione e sviluppo per le imprese", "—", "€ 52.000,00", "€ 0,00",
         "€ 56.000,00", "€ 0,00"],
        ["1D710104", "Organismo di mediazione ADR CAM - Att. Comm.le (attività commerciale)",
         "C003 Servizio Regolazione del Mercato", "—", "€ 35.300,00", "€ 60.800,00", "€ 0,00",
         "€ 0,00"],
        ["Totale della scheda", "€ 127.300,00", "€ 60.800,00", "€ 96.000,00", "€ 0,00"],
    ]
    totals = found["Totali delle azioni ai livelli del piano che comprendono la scheda"]
    assert totals.texts()[1:] == [
        ["Scheda 01_01_02", "€ 127.300,00", "€ 60.800,00", "€ 96.000,00", "€ 0,00"],
        ["Obiettivo strategico 01_01", "€ 127.300,00", "€ 60.800,00", "€ 96.000,00", "€ 0,00"],
        ["1 Promozione e sostegno allo sviluppo", "€ 139.450,00", "€ 60.800,00",
         "€ 113.300,00", "€ 1.750,00"],
        ["Programma 011.005", "€ 127.300,00", "€ 60.800,00", "€ 96.000,00", "€ 0,00"],
        ["Missione 011", "€ 127.300,00", "€ 60.800,00", "€ 96.000,00", "€ 0,00"],
    ]
    # No amount breaks across lines: every cell holding one keeps it whole.
    money = [cell for table in (actions, totals) for row in table.rows for cell in row
             if "€" in cell.text]
    assert len(money) == 12 + 4 + 20
    assert all("cifra" in cell.classes for cell in money)


def test_the_phases_as_a_gantt_with_their_milestone_state(client: Client, site: Site) -> None:
    record_phase_completion(SYSTEM, site.phase(REACHED), "20/06/2022")
    found = tables(_page(client, site.reader, site.card("01_01_02")))
    strategic = found["Fasi dell'obiettivo strategico 01_01 nel triennio 2022-2024"]
    assert strategic.texts() == [
        ["Fase", "2022", "2023", "2024", "Milestone", "Stato"],
        [REACHED, "fase in svolgimento nel 2022", "", "", "30/06/2022",
         "raggiunta (100%) completata il 20/06/2022, entro la milestone del 30/06/2022"],
        [NO_MILESTONE, "fase in svolgimento nel 2022", "fase in svolgimento nel 2023",
         "fase in svolgimento nel 2024", "—",
         "senza milestone senza milestone: nessun grado di raggiungimento"],
    ]
    filled = [[("gantt-attiva" in c.classes) for c in row[1:4]] for row in strategic.rows[1:]]
    assert filled == [[True, False, False], [True, True, True]]
    card = found["Fasi della scheda 01_01_02 nel triennio 2022-2024"].texts()
    later = future_milestone(timezone.localdate())
    assert card[1] == [f"{LATE} (2021-2022)", "fase in svolgimento nel 2022", "", "",
                       "31/10/2022", "non raggiunta (0%) non completata alla milestone del "
                       "31/10/2022"]
    assert card[2][0].startswith(FUTURE)
    assert card[2][4:] == [f"{later:%d/%m/%Y}", f"in corso da completare entro il {later:%d/%m/%Y}"]


def test_phases_stay_out_of_the_cards_achievement(client: Client, site: Site) -> None:
    html = _page(client, site.reader, site.card("01_01_02"))
    assert "Le fasi non entrano nel grado di raggiungimento della scheda" in html
    assert "lo decide il Sistema di misurazione e valutazione (SMVP)" in html


def test_the_office_records_a_completion_others_cannot(client: Client, site: Site) -> None:
    url = site.complete("01_01_02", LATE)
    # The reader sees no field and may not post; the staff of another office neither.
    assert "Completata il" not in _page(client, site.reader, site.card("01_01_02"))
    assert client.post(url, {"completed_on": "15/10/2022"}).status_code == 403
    client.force_login(site.other_staff)
    assert client.post(url, {"completed_on": "15/10/2022"}).status_code == 403
    assert not PhaseCompletion.objects.exists()
    # The PID office records it: reached by its milestone of 31/10/2022.
    assert "Completata il" in _page(client, site.staff, site.card("01_01_02"))
    response = client.post(url, {"completed_on": "15/10/2022"})
    assert response.status_code == 302
    done = PhaseCompletion.objects.get()
    assert (done.objective_code, done.phase_title, done.completed_on, done.author) == (
        "01_01_02", LATE, date(2022, 10, 15), site.staff)
    assert done.history.get().history_user == site.staff
    rows = tables(client.get(site.card("01_01_02")).content.decode())[
        "Fasi della scheda 01_01_02 nel triennio 2022-2024"].texts()
    assert rows[1][5].startswith("raggiunta (100%) completata il 15/10/2022")
    # Taken back: a blank date deletes it, and the history keeps who did it.
    client.post(url, {"completed_on": ""})
    assert not PhaseCompletion.objects.exists()
    assert [h.history_type for h in PhaseCompletion.history.order_by("history_id")] == ["+", "-"]


@pytest.mark.parametrize(("typed", "message"), [
    ("31/02/2022", "«31/02/2022» non è una data (data inesistente): scriverla come gg/mm/aaaa."),
    ("ieri", "«ieri» non è una data (l&#x27;unità di misura è «data»: scrivere gg/mm/aaaa): "
             "scriverla come gg/mm/aaaa."),
    ("n.d.", "«n.d.» non è una data: scriverla come gg/mm/aaaa."),
])
def test_a_completion_that_is_no_date_is_refused_beside_its_field(
        client: Client, site: Site, typed: str, message: str) -> None:
    client.force_login(site.staff)
    response = client.post(site.complete("01_01_02", LATE), {"completed_on": typed})
    assert response.status_code == 200
    html = response.content.decode()
    phase = site.phase(LATE)
    assert f'<div class="text-danger small" id="completata-{phase.pk}_error">{message}</div>' \
        in html
    assert f'value="{typed}" aria-invalid="true"' in html
    assert not PhaseCompletion.objects.exists()


def test_a_completion_cannot_be_in_the_future(client: Client, site: Site) -> None:
    client.force_login(site.staff)
    tomorrow = timezone.localdate().toordinal() + 1
    typed = f"{date.fromordinal(tomorrow):%d/%m/%Y}"
    response = client.post(site.complete("01_01_02", LATE), {"completed_on": typed})
    assert "La fase non può risultare completata dopo oggi" in response.content.decode()
    assert not PhaseCompletion.objects.exists()


def test_a_completion_follows_the_phase_into_an_amendment(client: Client, site: Site) -> None:
    """Kept by objective code and phase title for the cycle: the amended plan, which copies
    the phases anew, shows the same completion."""
    from performa.plans.actions import adopt, amend

    record_phase_completion(SYSTEM, site.phase(REACHED), "20/06/2022")
    draft = amend(SYSTEM, site.version.cycle)
    adopt(SYSTEM, draft, "Giunta", "30/22", date(2022, 7, 1))
    site.version = draft
    rows = tables(_page(client, site.reader, site.card("01_01_02")))[
        "Fasi dell'obiettivo strategico 01_01 nel triennio 2022-2024"].texts()
    assert rows[1][5].startswith("raggiunta (100%) completata il 20/06/2022")


def test_a_phase_is_recorded_only_through_its_own_card(client: Client, site: Site) -> None:
    client.force_login(site.staff)
    phase = site.phase(LATE)  # of card 01_01_02
    url = reverse("web:phase_completion", args=[site.body.pk, "01_03_03", phase.pk])
    assert client.post(url, {"completed_on": "15/10/2022"}).status_code == 404
    assert not PhaseCompletion.objects.exists()
