"""The layout in a real browser: Bootstrap Italia applied, no console or CSP errors, login and
logout through the real forms, no serious accessibility violations, app.js behaviours."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import DemoSite, axe_violations, login, shot

# True once the page has downloaded Titillium Web from vendor/bootstrap-italia/fonts/.
TITILLIUM_LOADED = """async () => {
    await document.fonts.ready;
    return [...document.fonts].some(f => f.family.includes('Titillium') && f.status === 'loaded');
}"""


def _assert_bootstrap_italia(page: Page) -> None:
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Titillium Web" in font
    assert page.evaluate(TITILLIUM_LOADED), "the Titillium Web font files were not loaded"
    # Bootstrap Italia's header: the dark slim bar and the blue centre band.
    slim = page.locator(".it-header-slim-wrapper")
    assert slim.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    expect(page.get_by_role("banner")).to_contain_text("Performa")
    expect(page.get_by_role("main")).to_be_visible()
    expect(page.get_by_role("contentinfo")).to_contain_text("Performa")


def test_home_page_is_styled_without_errors(page: Page, console_errors: list[str]) -> None:
    page.goto("/")
    _assert_bootstrap_italia(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Performa")
    expect(page.get_by_role("banner").get_by_role("link", name="Accedi")).to_be_visible()
    shot(page, "home")
    assert console_errors == []


def test_login_page_is_styled_without_errors(page: Page, console_errors: list[str]) -> None:
    page.goto("/accedi/")
    _assert_bootstrap_italia(page)
    expect(page.get_by_label("Nome utente")).to_have_class(re.compile(r"\bform-control\b"))
    shot(page, "login")
    assert console_errors == []


def test_skip_link_is_first_and_reaches_the_content(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Vai al contenuto")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # visually hidden until focused
    skip.press("Enter")
    expect(page).to_have_url(re.compile(r"#contenuto$"))


def test_planner_logs_in_to_the_dashboard_and_out(
    page: Page, console_errors: list[str], demo_site: DemoSite
) -> None:
    login(page, "pianificazione")
    # One body: /enti/ sends the user straight to its dashboard.
    expect(page).to_have_url(f"{demo_site.url}/enti/{demo_site.body_id}/")
    header = page.get_by_role("banner")
    expect(header).to_contain_text("Paola Pianificazione")
    expect(header).to_contain_text("Pistoia")
    navigation = page.get_by_role("navigation", name="Navigazione principale")
    expect(navigation.get_by_role("link", name="Cruscotto")).to_have_attribute(
        "aria-current", "page")
    expect(navigation.get_by_role("link", name="Pianificazione")).to_be_visible()
    shot(page, "dashboard-pianificazione")

    header.get_by_role("button", name="Esci").click()
    expect(page).to_have_url(f"{demo_site.url}/")
    expect(page.get_by_role("banner").get_by_role("link", name="Accedi")).to_be_visible()
    page.goto("/enti/")
    expect(page).to_have_url(re.compile(r"/accedi/\?next=/enti/$"))
    assert console_errors == []


def test_wrong_password_is_refused_inline(page: Page, demo_site: DemoSite) -> None:
    login_url = f"{demo_site.url}/accedi/"
    page.goto(login_url)
    page.get_by_label("Nome utente").fill("pianificazione")
    page.get_by_label("Password").fill("sbagliata")
    page.get_by_role("button", name="Accedi").click()
    expect(page).to_have_url(login_url)
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Password")).to_have_attribute("aria-describedby", "errori-accesso")


def test_no_serious_accessibility_violations_on_home_and_login(page: Page) -> None:
    for path in ("/", "/accedi/"):
        page.goto(path)
        found = axe_violations(page)
        assert found == [], [(path, v["id"], v["help"], len(v["nodes"])) for v in found]


def test_app_js_sums_weights_and_draws_charts(page: Page, console_errors: list[str]) -> None:
    page.goto("/")
    # Built with DOM calls (allowed by the CSP), as a template would write them.
    page.evaluate("""() => {
        const main = document.getElementById('contenuto');
        const box = document.createElement('fieldset');
        box.setAttribute('data-weights-sum', '');
        for (const value of ['12,5%', '37.5', '40']) {
            const input = document.createElement('input');
            input.setAttribute('data-weight', '');
            input.value = value;
            box.append(input);
        }
        const total = document.createElement('output');
        total.setAttribute('data-weights-total', '');
        box.append(total);
        main.append(box);
        const data = document.createElement('script');
        data.type = 'application/json';
        data.id = 'dati-prova';
        data.textContent = JSON.stringify({type: 'bar', data: {labels: ['30/06', '30/09'],
            datasets: [{label: 'raggiungimento', data: [0.875, 0.98]}]}});
        const canvas = document.createElement('canvas');
        canvas.setAttribute('data-chart', '');
        canvas.setAttribute('data-chart-source', 'dati-prova');
        main.append(data, canvas);
        window.Performa.enhance(document);
    }""")
    total = page.locator("[data-weights-total]")
    expect(total).to_have_text("90%")
    expect(total).to_have_class(re.compile(r"\bpesi-fuori\b"))
    page.locator("[data-weight]").nth(2).fill("50")
    expect(total).to_have_text("100%")
    expect(total).not_to_have_class(re.compile(r"\bpesi-fuori\b"))
    page.locator("[data-weight]").nth(0).fill("12,9")  # 100,4: within ±0,5
    expect(total).to_have_text("100,4%")
    expect(total).not_to_have_class(re.compile(r"\bpesi-fuori\b"))
    assert page.evaluate(
        "() => Chart.getChart(document.querySelector('canvas[data-chart]')).config.type"
    ) == "bar"
    assert console_errors == []


def test_menu_opens_from_the_burger_on_a_phone(
    page: Page, console_errors: list[str], demo_site: DemoSite
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "referente.pid")
    navigation = page.get_by_role("navigation", name="Navigazione principale")
    entry = navigation.get_by_role("link", name="Inserimento dati")
    expect(entry).to_be_hidden()
    burger = navigation.get_by_role("button", name="Mostra o nascondi la navigazione")
    # Bootstrap Italia ignores a close while the opening animation runs: wait for its end.
    page.evaluate("""() => document.getElementById('menu-principale').addEventListener(
        'shown.bs.navbarcollapsible', () => { document.body.dataset.menuShown = 'si'; })""")
    burger.click()
    page.wait_for_function("() => document.body.dataset.menuShown === 'si'")
    expect(entry).to_be_visible()
    expect(navigation.get_by_role("link", name="Pianificazione")).to_have_count(0)  # staff
    navigation.get_by_role("button", name="Nascondi la navigazione", exact=True).click()
    expect(entry).to_be_hidden()
    assert console_errors == []
