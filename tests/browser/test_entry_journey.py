"""Office staff type a value and see the achievement change; another office's data stays
out of reach, on the page and on the server."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import DemoSite, login, shot


def _bando_row(page: Page):  # noqa: ANN202 - a Playwright locator
    september = page.get_by_role("region", name="Rilevazione al 30/09/2022")
    return september.locator(".card").filter(has_text="01_01_02 — Bando PID")


def test_staff_enter_a_value_and_see_the_achievement(page: Page, demo_site: DemoSite) -> None:
    login(page, "referente.pid")
    page.get_by_role("link", name="Inserimento dati").click()
    row = _bando_row(page)
    row.get_by_label("Valore").fill("80")
    row.get_by_role("button", name="Salva", exact=True).click()
    # The row is swapped in place (htmx) with the new figures: 80 against ≥ 80 is 100%.
    expect(_bando_row(page).get_by_text("Valore: 80")).to_be_visible()
    expect(_bando_row(page)).to_contain_text("100%")
    row = _bando_row(page)
    row.get_by_label("Valore").fill("ottanta")
    row.get_by_role("button", name="Salva", exact=True).click()
    expect(_bando_row(page).get_by_role("alert")).to_contain_text("«ottanta»")
    shot(page, "inserimento-errore")


def test_staff_cannot_reach_another_offices_values(page: Page, demo_site: DemoSite) -> None:
    from performa.plans.models import Indicator, OrgUnit

    login(page, "referente.pid")
    page.goto(f"/enti/{demo_site.body_id}/inserimento/")
    expect(page.get_by_text("Attrattività eventi realizzati")).to_have_count(0)
    other = OrgUnit.objects.get(name="Segreteria Generale")
    response = page.goto(f"/enti/{demo_site.body_id}/inserimento/?ufficio={other.pk}")
    assert response is not None and response.status == 403
    # The server refuses the POST too, even with a valid session and CSRF token.
    page.goto(f"/enti/{demo_site.body_id}/inserimento/")
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    theirs = Indicator.objects.filter(operational_objective__offices=other).first()
    from performa.measures.models import Period

    september = Period.objects.get(date__month=9)
    answer = page.request.post(
        f"/enti/{demo_site.body_id}/inserimento/{september.pk}/indicatore/{theirs.pk}/",
        form={"value": "1", "csrfmiddlewaretoken": token},
        headers={"X-CSRFToken": token, "Referer": page.url},
    )
    assert answer.status == 403
