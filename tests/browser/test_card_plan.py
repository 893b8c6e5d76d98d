"""The card's actions and phases in a real browser: the Gantt drawn over the triennium, the
amounts never wrapped even on a narrow screen, the recording of a phase's completion, no
console or CSP errors and no serious accessibility violation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from performa.plans.document import PlanDocument
from rpp_plan import LATE, NO_MILESTONE, REACHED, with_actions_and_phases

from .conftest import PASSWORD, axe_violations, login, shot

# How many lines each amount of the card's tables takes on the page.
AMOUNT_LINES = """() => [...document.querySelectorAll('td.cifra')]
    .filter(cell => cell.textContent.includes('€'))
    .map(cell => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
    })"""


@dataclass(frozen=True)
class Site:
    body_id: int


@pytest.fixture(scope="module")
def rpp_site(site_server: LiveServer, committing: Callable[[], AbstractContextManager[str]],
             plan_maker: Callable[[], PlanDocument]) -> Iterator[Site]:
    """The small plan with Lucca's actions and the phases (tests/rpp_plan.py), committed for
    the server, and the PID office's staff; the database is put back afterwards."""
    from django.contrib.auth.models import User

    from performa.accounts.models import Membership, Role
    from performa.plans.models import OrgUnit
    from performa.plans.store import store_plan

    with committing():
        version = store_plan(with_actions_and_phases(plan_maker(), timezone.localdate())).version
        body = version.cycle.body
        staff = User.objects.create_user("referente.pid", password=PASSWORD)
        Membership.objects.create(user=staff, body=body, role=Role.STAFF,
                                  org_unit=OrgUnit.objects.get(body=body,
                                                               name="Punto Impresa Digitale"))
        yield Site(body.pk)


def test_the_gantt_and_the_amounts_on_a_narrow_screen(
        page: Page, console_errors: list[str], rpp_site: Site) -> None:
    page.set_viewport_size({"width": 480, "height": 900})
    login(page, "referente.pid")
    page.goto(f"/enti/{rpp_site.body_id}/schede/01_01_02/?anno=2022")
    gantt = page.get_by_role("table", name="Fasi dell'obiettivo strategico 01_01 nel triennio "
                                           "2022-2024")
    gantt.scroll_into_view_if_needed()
    expect(gantt).to_be_visible()
    row = gantt.get_by_role("row").filter(has_text=REACHED)
    bars = row.locator("td .gantt-barra")
    expect(bars).to_have_count(1)  # 2022 only
    expect(bars).to_have_css("background-color", "rgb(0, 102, 204)")
    assert bars.bounding_box()["width"] > 30  # drawn, not a sliver
    # A phase over the whole triennium: one unbroken bar across its three years.
    boxes = [b.bounding_box() for b in gantt.get_by_role("row").filter(
        has_text=NO_MILESTONE).locator("td .gantt-barra").all()]
    assert len(boxes) == 3
    assert all(abs(left["x"] + left["width"] - right["x"]) < 1.5
               for left, right in zip(boxes, boxes[1:], strict=False))
    lines = page.evaluate(AMOUNT_LINES)
    assert len(lines) == 36 and set(lines) == {1}, lines
    shot(page, "scheda-fasi-e-azioni")
    found = axe_violations(page)
    assert found == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in found]
    assert console_errors == []


def test_the_office_records_a_completion_and_sees_its_state(
        page: Page, console_errors: list[str], rpp_site: Site) -> None:
    login(page, "referente.pid")
    page.goto(f"/enti/{rpp_site.body_id}/schede/01_01_02/?anno=2022")
    field = page.get_by_label(f"Completata il (fase «{LATE}», gg/mm/aaaa)")
    field.fill("31/02/2022")
    field.press("Enter")
    expect(page.get_by_text("«31/02/2022» non è una data (data inesistente)")).to_be_visible()
    field = page.get_by_label(f"Completata il (fase «{LATE}», gg/mm/aaaa)")
    expect(field).to_have_attribute("aria-invalid", "true")
    field.fill("15/10/2022")
    field.press("Enter")
    row = page.get_by_role("row").filter(has_text=LATE)
    expect(row).to_contain_text("raggiunta (100%)")
    expect(row).to_contain_text("completata il 15/10/2022, entro la milestone del 31/10/2022")
    shot(page, "scheda-fase-completata")
    assert console_errors == []
