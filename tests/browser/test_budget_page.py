"""«Bilancio e indici» in a real browser: styled, no console or CSP errors, no serious
accessibility violations, and no figure broken over two lines, on a desktop and on a phone.

The demo body gets the Massa-Carrara budget of seed 002 for this module (the page needs a
real bilancio); demo_site puts the database back at the end of the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django import DjangoDbBlocker

from .conftest import DemoSite, axe_violations, login, shot

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "002_68b4b20b4f1ef68e.txt"

# Every piece of text in a figure cell that the browser breaks over two lines: none may
# («€ 2.314.115,97», «1,90», «documento: 1,90»; visually hidden words are not drawn).
WRAPPED_FIGURES = """() => {
    const wrapped = [];
    for (const cell of document.querySelectorAll('td.text-nowrap, th.text-nowrap')) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (!node.textContent.trim() || node.parentElement.closest('.visually-hidden')) {
                continue;
            }
            const range = document.createRange();
            range.selectNodeContents(node);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            if (tops.size > 1) wrapped.push(node.textContent.trim());
        }
    }
    return wrapped;
}"""


@pytest.fixture(scope="module")
def budget_site(demo_site: DemoSite, django_db_blocker: DjangoDbBlocker) -> Iterator[DemoSite]:
    from performa.accounts.access import SYSTEM
    from performa.budget.store import store_budget
    from performa.interchange.budget_text import read_budget_text
    from performa.plans.models import Body

    with django_db_blocker.unblock():
        store_budget(SYSTEM, Body.objects.get(pk=demo_site.body_id),
                     read_budget_text(SEED.read_text(encoding="utf-8")))
    yield demo_site


@pytest.mark.parametrize("width", [1280, 375])
def test_the_budget_page_reads_well(page: Page, console_errors: list[str],
                                    budget_site: DemoSite, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "lettore")
    page.goto(f"/enti/{budget_site.body_id}/bilancio/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bilancio e indici")
    first = page.locator('td[data-indice="IS1"][data-colonna="preconsuntivo-2021"]')
    expect(first).to_contain_text("1,90")
    expect(page.locator('tr[data-voce="CE.A1"]')).to_contain_text("€ 2.314.115,97")
    # The explanation opens under its index.
    page.get_by_text("Indice primario di tesoreria", exact=True).last.click()
    expect(page.locator('ul[data-perche="TES1"]')).to_contain_text(
        "Disponibilità liquide 8.866.638,70 / (DEBITI DI FUNZIONAMENTO 2.043.661,38 + "
        "FONDI RISCHI E ONERI 850.000,00)")
    assert page.evaluate(WRAPPED_FIGURES) == []
    shot(page, f"bilancio-{width}")
    assert axe_violations(page) == []
    assert console_errors == []


@pytest.mark.parametrize("width", [1280, 375])
def test_the_dashboards_financial_health_reads_well(page: Page, console_errors: list[str],
                                                     budget_site: DemoSite, width: int) -> None:
    """The same indices on the dashboard, for the dashboard's year (Preventivo 2022), each
    with its traffic light and a «perché?» that opens the Bilancio page at its explanation."""
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "lettore")
    page.goto(f"/enti/{budget_site.body_id}/")
    section = page.locator("section[aria-labelledby=salute-titolo]")
    expect(section.get_by_role("heading", level=2)).to_have_text("Salute economico-finanziaria")
    expect(section.locator('tr[data-indice="IS1"]')).to_contain_text("1,78")
    expect(section.locator('tr[data-indice="SQUILIBRIO"] .semaforo-red')).to_contain_text(
        "sotto il target")
    assert page.evaluate(WRAPPED_FIGURES) == []
    section.scroll_into_view_if_needed()
    shot(page, f"cruscotto-salute-{width}")
    assert axe_violations(page) == []
    section.locator('tr[data-indice="IS1"]').get_by_role("link").click()
    page.wait_for_url(f"**/enti/{budget_site.body_id}/bilancio/#indice-IS1")
    expect(page.locator("#indice-IS1")).to_be_attached()
    assert console_errors == []
