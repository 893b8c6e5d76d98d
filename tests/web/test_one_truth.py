"""One figure everywhere (#10): the indicator list, the card, the API, the PIRA consuntivo,
the Relazione and the monitoring report show the same achievement of «Bando PID», after the
SMVP rules change and after an amendment; reading any of them writes nothing."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from performa import cells
from performa.accounts.access import SYSTEM
from performa.accounts.models import Membership, Role
from performa.engine.values import format_percent
from performa.measures import actions
from performa.measures.models import Period, ResultSet
from performa.plans import models as plans
from performa.plans.actions import adopt, amend
from performa.plans.document import PlanDocument
from performa.plans.store import store_plan

pytestmark = pytest.mark.django_db

DOCUMENTS = ("pira-consuntivo", "relazione", "monitoraggio")


class Setup:
    def __init__(self, plan: PlanDocument) -> None:
        self.version = store_plan(plan).version
        self.cycle = self.version.cycle
        self.body = self.cycle.body
        office = self.body.org_units.get(name="Punto Impresa Digitale")
        self.staff = self.member("referente.pid", Role.STAFF, office)
        self.planning = self.member("pianificazione", Role.PLANNING)
        self.june = Period.objects.create(cycle=self.cycle, date=date(2022, 6, 30),
                                          state="open")
        self.client = Client()
        self.client.force_login(self.planning)

    def member(self, name: str, role: Role, unit: plans.OrgUnit | None = None) -> User:
        user = User.objects.create_user(name, password="x-Secret-9")
        Membership.objects.create(user=user, body=self.body, role=role, org_unit=unit)
        return user

    def get(self, url: str, **query: object) -> bytes:
        response = self.client.get(url, {"anno": 2022, "rilevazione": self.june.pk, **query})
        assert response.status_code == 200, response.content[:300]
        return response.content

    def figures(self) -> dict[str, str]:
        """The achievement of «Bando PID» as each reader shows it."""
        body = self.body.pk
        found = {
            "indicatori": _html_row(self.get(reverse("web:indicators", args=[body]))),
            "scheda": _html_row(self.get(reverse("web:card", args=[body, "01_01_02"]))),
        }
        api = self.get(f"/api/v1/bodies/{body}/periods/{self.june.pk}/results/indicators")
        row = next(r for r in __import__("json").loads(api)["items"] if r["name"] == "Bando PID")
        found["API"] = f"{round(row['achievement'] * 100)}%"
        for kind in DOCUMENTS:
            data = self.get(reverse("web:document_download",
                                    kwargs={"body_id": body, "kind": kind, "fmt": "xlsx"}))
            found[kind] = _sheet_row(data)
        return found


WHOLE_PERCENT = re.compile(r"(?<![\d,.])\d{1,3}%")  # 75%, not a weight such as 25,0%


def _html_row(page: bytes) -> str:
    """The achievement in the first table row naming «Bando PID» that has one (a card lists
    the indicator in the plan's table first, with its weight, then in the results)."""
    text = page.decode()
    for found in re.finditer("Bando PID", text):
        row = text[text.rindex("<tr", 0, found.start()):text.index("</tr>", found.start())]
        row = re.sub(r"<script.*?</script>", " ", row, flags=re.S)
        percents = WHOLE_PERCENT.findall(re.sub(r"<[^>]+>", " ", row))
        if percents:
            return percents[-1]
    raise AssertionError("«Bando PID» con un raggiungimento non trovato")


def _sheet_row(data: bytes) -> str:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            texts = [_shown(cell) for cell in row]
            if any(t.strip() == "Bando PID" for t in texts):
                percents = [p for t in texts for p in WHOLE_PERCENT.findall(t)]  # «75% [1]»
                if percents:
                    return percents[-1]
    raise AssertionError("«Bando PID» con un raggiungimento non trovato")


def _shown(cell: Any) -> str:
    """What Excel shows: a percent is a number with a percent format (0.75 as «0%» is 75%,
    0.25 as «0.0%» the weight 25,0%); other cells read as every reader of Performa reads them."""
    number_format = str(cell.number_format or "")
    if isinstance(cell.value, int | float) and number_format.endswith("%"):
        decimals = len(number_format.partition(".")[2]) - 1 if "." in number_format else 0
        return format_percent(cell.value, decimals)
    return cells.xlsx.text(cell)


@pytest.fixture
def s(plan: PlanDocument) -> Setup:
    return Setup(plan)


def test_every_reader_shows_the_same_figure_under_new_rules_and_a_new_plan(s: Setup) -> None:
    actions.enter_value(s.staff, s.june, plans.Indicator.objects.get(
        version=s.version, name="Bando PID"), "60", revision=0)
    assert set(s.figures().values()) == {"75%"}  # 60 against ≥ 80

    # The SMVP now counts 70% and more as fully achieved: every reader says 100% at once.
    s.body.scoring_rules = {"bands": [[0.7, 1.0]]}
    s.body.save()
    assert set(s.figures().values()) == {"100%"}, s.figures()
    sets = list(ResultSet.objects.filter(period=s.june).order_by("pk"))
    assert [r.current for r in sets] == [False, True]
    assert sets[1].reason == "nuove regole SMVP dell'ente"

    # An amendment raises the target to 100: 60% is below the band, and no reader mixes the
    # new plan's indicators into the old plan's figures.
    draft = amend(SYSTEM, s.cycle)
    plans.Target.objects.filter(indicator__version=draft, indicator__name="Bando PID",
                                year=2022).update(value="100")
    adopt(SYSTEM, draft, "Giunta", "40", date(2022, 7, 1))
    assert set(s.figures().values()) == {"60%"}, s.figures()
    current = ResultSet.objects.get(period=s.june, current=True)
    assert current.version == draft
    assert not current.indicators.exclude(indicator__version=draft).exists()


def test_reading_pages_the_api_and_documents_writes_nothing(s: Setup) -> None:
    actions.enter_value(s.staff, s.june, plans.Indicator.objects.get(
        version=s.version, name="Bando PID"), "60", revision=0)
    # Rules changed behind the app's back (no act recomputed): readers show the stored set,
    # as they all do, and none of them rewrites it.
    plans.Body.objects.filter(pk=s.body.pk).update(scoring_rules={"bands": [[0.7, 1.0]]})
    with CaptureQueriesContext(connection) as queries:
        figures = s.figures()
    assert set(figures.values()) == {"75%"}
    writes = [q["sql"] for q in queries.captured_queries
              if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)
              and "django_session" not in q["sql"]]
    assert writes == []
