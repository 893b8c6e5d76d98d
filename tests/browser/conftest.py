"""Browser tests: Playwright (Python) driving Debian's chromium against a live Django server.

Fixtures and helpers:

- ``browser`` (session): one headless chromium, /usr/bin/chromium (``make test`` installs it
  with scripts/ensure-chromium.sh; ``playwright install`` is never used: no browser download).
- ``site_server`` (session): Django's live server (``serve`` of tests/conftest.py) on a free
  port, serving static files from the apps.
- ``demo_site`` (module): the demo (``performa demo``: the Pistoia-Prato 2022 plan, values,
  one user per role with password ``PASSWORD``) loaded once for the module's tests (the first
  module runs the demo, later ones restore a snapshot of its result); gives ``url`` and
  ``body_id``.
- ``page`` (function): a fresh browser context per test (no cookies shared between tests),
  ``base_url`` = the live server's URL, Italian locale, so ``page.goto("/accedi/")`` works.
- ``console_errors`` (function): the page's console errors, uncaught exceptions and
  Content-Security-Policy violations, collected from before the first navigation.
- ``login(page, username)``, ``shot(page, name)``, ``axe_violations(page)``: helpers.

Why not pytest-django's ``live_server`` fixture: any test using it gets ``transactional_db``,
which empties the database after every test, so the demo (4-10 s to load) would be loaded
again for each test. Instead ``demo_site`` loads it once per module with the database
unblocked (committed, so the server thread sees it on PostgreSQL as well as on the shared
in-memory SQLite connection), and at the end of the module puts the database back exactly as
it was (flush, then the rows the migrations had created, as Django's serialized rollback
does), so the other tests still start from a clean database. Tests stay independent of one
another through the fresh browser context; tests of one module share the demo data, so a test
that changes data must undo it or live in a module of its own.

The pages run under the app's Content-Security-Policy, which forbids eval: give Playwright's
``evaluate`` / ``wait_for_function`` a function ("() => ..."), never a bare expression string.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in this thread, and Django refuses database
# work from a thread with a running loop; the test code is synchronous, so allow it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright  # noqa: E402
from pytest_django import DjangoDbBlocker  # noqa: E402
from pytest_django.live_server_helper import LiveServer  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The demo users' password in the browser tests (performa demo reads PERFORMA_DEMO_PASSWORD).
PASSWORD = "prova-Browser-2022"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
# Playwright waits this long (ms) for a page or an element before failing a test.
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/browser carries the `browser` marker (-m "not browser" skips)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@dataclass(frozen=True)
class DemoSite:
    url: str
    body_id: int


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh (make test does)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def site_server(serve: Callable[[], AbstractContextManager[LiveServer]],
                browser: Browser) -> Iterator[LiveServer]:
    """The browser tests' server. It starts after the browser: Playwright runs the tests in
    a greenlet with a context of its own, and the server must share that context's database
    connection (on SQLite another connection would find the tables locked). Chromium keeps
    connections to it open between tests, so it closes the browser before it stops."""
    with serve() as server:
        yield server
        browser.close()


# The database right after the first `performa demo` of the session, serialized: later modules
# restore it instead of running the demo again (about half the time on PostgreSQL).
_demo_snapshot: list[str] = []


def _restore(snapshot: str) -> None:
    """Put the demo back as it was taken: its rows, history included, with their ids.

    History is off meanwhile (setting the cards' offices would write history rows the
    snapshot already holds), and the sequences are then moved past the restored ids: a module
    that ran before on this process may have reset them (test_backup starts from a new
    instance's sequences), and the next row written would take an id the snapshot used.
    """
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection
    from django.test.utils import override_settings

    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        connection.creation.deserialize_db_from_string(snapshot)
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.fixture(scope="module")
def demo_site(site_server: LiveServer, django_db_blocker: DjangoDbBlocker) -> Iterator[DemoSite]:
    from django.core.management import call_command
    from django.db import connection

    from performa.cli import main
    from performa.plans.models import Body

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as env:
        # What the migrations put in the test database (catalogues, content types...).
        before = connection.creation.serialize_db_to_string()
        if _demo_snapshot:
            _restore(_demo_snapshot[0])
        else:
            env.setenv("PERFORMA_DEMO_PASSWORD", PASSWORD)
            assert main(["demo"]) == 0
            _demo_snapshot.append(connection.creation.serialize_db_to_string())
        site = DemoSite(url=site_server.url,
                        body_id=Body.objects.get(name="Camera di Commercio di Pistoia-Prato").pk)
    try:
        yield site
    finally:
        with django_db_blocker.unblock():
            # As Django's serialized rollback: empty every table, keeping the sequences where
            # they are (restored rows keep their ids, new rows never reuse one), then put back
            # what the migrations had created.
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True,
                         reset_sequences=False)
            connection.creation.deserialize_db_from_string(before)


@pytest.fixture
def page(browser: Browser, site_server: LiveServer, db: None) -> Iterator[Page]:
    # `db` (as for any test here): the test database exists and may be used, by the test and by
    # the server thread. Its per-test transaction covers the server's writes (sessions) on
    # the in-memory SQLite connection it shares; on PostgreSQL the server commits on its own
    # connection, and demo_site's flush removes them at the end of the module.
    context = browser.new_context(
        base_url=site_server.url, locale="it-IT", timezone_id="Europe/Rome",
        # Charts drawn at once (app.js honours it): screenshots show the final figures, not a
        # frame of the animation.
        reduced_motion="reduce",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    new_page = context.new_page()
    try:
        yield new_page
    finally:
        context.close()


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Console errors (CSP violations are reported there too) and uncaught exceptions."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return errors


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login form and wait until it has redirected elsewhere."""
    page.goto("/accedi/")
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(lambda url: "/accedi/" not in url)


def shot(page: Page, name: str) -> Path:
    """A full-page PNG under test-output/screenshots/ (gitignored), for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical violations on the current page (WCAG 2.1 AA and best
    practices), with the served vendor/axe.min.js (CSP: script-src 'self')."""
    from django.templatetags.static import static

    page.add_script_tag(url=static("vendor/axe.min.js"))
    violations: list[dict] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [v for v in violations if v.get("impact") in {"serious", "critical"}]
