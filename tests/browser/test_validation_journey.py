"""The OIV validates the closed 30/06 period; its results are then frozen."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import DemoSite, login, shot


def test_oiv_validates_a_period(page: Page, demo_site: DemoSite) -> None:
    from performa.measures.models import Period

    login(page, "oiv")
    page.get_by_role("link", name="Validazione OIV").click()
    june = Period.objects.get(date__month=6)
    page.goto(f"/enti/{demo_site.body_id}/validazione/{june.pk}/")
    shot(page, "validazione-30-06")
    page.get_by_role("button", name="Valida la rilevazione").click()
    expect(page.get_by_text("Risultati validati")).to_be_visible()
    june.refresh_from_db()
    assert june.state == "validated"
    assert june.result_sets.get(current=True).frozen
