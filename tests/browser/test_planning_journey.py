"""The planning office amends the plan and breaks a weight sum: the live sum and the server
both say so, and nothing is saved."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import DemoSite, login, shot


def test_planning_office_sees_a_broken_weight_sum(page: Page, demo_site: DemoSite) -> None:
    from performa.plans.models import OperationalObjective, PlanVersion

    login(page, "pianificazione")
    page.get_by_role("link", name="Pianificazione").click()
    page.get_by_role("button", name="Avvia aggiornamento").click()
    draft = PlanVersion.objects.get(status="draft")
    card = OperationalObjective.objects.get(version=draft, code="01_01_02")
    page.goto(f"/enti/{demo_site.body_id}/pianificazione/versioni/{draft.pk}/schede/"
              f"{card.pk}/indicatori/")
    weight = page.locator("input[name$='-weight_text']").first
    weight.fill("20,0%")
    total = page.locator("[data-weights-total]")
    expect(total).to_contain_text("107,5")  # live: 7 × 12,5% + 20%
    page.get_by_role("button", name="Salva la tabella").click()
    expect(page.get_by_text("La somma dei pesi degli indicatori di «01_01_02» è 107,5%: "
                            "deve essere 100%.")).to_be_visible()
    shot(page, "pianificazione-pesi")
    assert card.indicators.first().weight_text == "12,5%"
