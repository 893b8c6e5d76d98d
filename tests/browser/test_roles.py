"""Each role logs in and sees its own menu; the main pages render, accessible, and are
photographed for people to look at. Read-only: the module shares the demo data."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import DemoSite, axe_violations, login, shot

MENUS = {
    "amministratore": ({"Cruscotto", "Pianificazione", "Utenti e ruoli"}, {"Validazione OIV"}),
    "pianificazione": ({"Cruscotto", "Inserimento dati", "Pianificazione", "Rilevazioni"},
                       {"Validazione OIV", "Utenti e ruoli"}),
    "dirigente.promozione": ({"Cruscotto", "Inserimento dati"}, {"Pianificazione"}),
    "referente.pid": ({"Cruscotto", "Inserimento dati"}, {"Pianificazione", "Rilevazioni"}),
    "oiv": ({"Cruscotto", "Validazione OIV"}, {"Inserimento dati", "Pianificazione"}),
    "lettore": ({"Cruscotto", "Indicatori"}, {"Inserimento dati", "Pianificazione"}),
}


@pytest.mark.parametrize("username", list(MENUS))
def test_login_per_role_shows_its_menu(page: Page, demo_site: DemoSite, username: str) -> None:
    login(page, username)
    assert page.url.rstrip("/").endswith(f"/enti/{demo_site.body_id}")
    navigation = page.get_by_role("navigation", name="Navigazione principale")
    shown, hidden = MENUS[username]
    for label in shown:
        expect(navigation.get_by_role("link", name=label, exact=True)).to_be_visible()
    for label in hidden:
        expect(navigation.get_by_role("link", name=label, exact=True)).to_have_count(0)
    expect(page.get_by_role("heading", name="Grado di raggiungimento dell'ente")).to_be_visible()


PAGES = [
    ("cruscotto", "lettore", ""),
    ("albero", "lettore", "albero/"),
    ("albero-organizzazione", "lettore", "albero/organizzazione/"),
    ("scheda-01_01_02", "lettore", "schede/01_01_02/"),
    ("indicatori", "lettore", "indicatori/"),
    ("inserimento", "referente.pid", "inserimento/"),
    ("rilevazioni", "pianificazione", "rilevazioni/"),
    ("pianificazione", "pianificazione", "pianificazione/"),
    ("validazione", "oiv", "validazione/"),
    ("utenti", "amministratore", "utenti/"),
]


@pytest.mark.parametrize(("name", "username", "path"), PAGES)
def test_main_pages_are_accessible(page: Page, demo_site: DemoSite, console_errors: list[str],
                                   name: str, username: str, path: str) -> None:
    login(page, username)
    response = page.goto(f"/enti/{demo_site.body_id}/{path}")
    assert response is not None and response.status == 200
    shot(page, name)
    assert axe_violations(page) == []
    assert console_errors == []


def test_why_explains_the_body_figure(page: Page, demo_site: DemoSite) -> None:
    login(page, "lettore")
    link = page.get_by_role("link", name="perché")
    figure = link.first.inner_text()
    link.first.click()
    expect(page.get_by_role("heading", name="Perché questo risultato?")).to_be_visible()
    assert figure.removeprefix("perché ").removesuffix("?") in page.inner_text("main")
    shot(page, "perche-ente")
