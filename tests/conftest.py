"""Shared pytest configuration and a small plan of real rows of 000_… (Pistoia-Prato 2022).

Works on either database backend.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from pytest_django import DjangoDbBlocker
from pytest_django.live_server_helper import LiveServer

from performa.plans.document import (
    Assignment,
    FundShare,
    IncentiveFund,
    IndicatorDoc,
    OperationalObjectiveDoc,
    OrgUnitDoc,
    PlanDocument,
    StrategicAreaDoc,
    StrategicObjectiveDoc,
    VersionDoc,
)


def database_backend() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        return "database backend: sqlite"
    db = connection.settings_dict
    return f"database backend: {connection.vendor} ({db['HOST']}:{db['PORT']})"


def pytest_report_header(config: pytest.Config) -> str:
    # `make test` runs the suite twice (SQLite, then PostgreSQL): say which run this is.
    return database_backend()


def pytest_sessionstart(session: pytest.Session) -> None:
    # -q (our default) hides the report header; print the backend anyway.
    if session.config.get_verbosity() < 0:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(database_backend())


@pytest.fixture(autouse=True, scope="session")
def _client_login_passes_a_request() -> Iterator[None]:
    """django-axes (login throttling, enabled in the tests too) refuses authenticate() calls
    without a request, and Django's test ``Client.login()`` passes none: give it an empty one,
    as axes' documentation suggests, so ``client.login()`` works and still goes through axes (a
    wrong password counts as a failure). ``force_login()`` does not authenticate at all."""
    from django.http import HttpRequest
    from django.test.client import ClientMixin

    original = ClientMixin.login

    def login(self: ClientMixin, **credentials: Any) -> bool:
        credentials.setdefault("request", HttpRequest())
        return original(self, **credentials)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ClientMixin, "login", login)
        yield


class AppServer(LiveServer):
    """pytest-django's live server (the class behind its ``live_server`` fixture) on a free
    port, shared by the browser tests and the permission matrix."""

    def wait_for_requests(self, timeout: float = 60) -> None:
        """Wait for this server's request threads. One still running when the data is reset
        or the server stops would close a database connection it no longer shares (an error
        in that thread), or keep the PostgreSQL test database busy when pytest drops it."""
        httpd = self.thread.httpd
        for thread in threading.enumerate():
            if getattr(getattr(thread, "_target", None), "__self__", None) is httpd:
                thread.join(timeout=timeout)


@contextmanager
def _serving(django_db_blocker: DjangoDbBlocker) -> Iterator[AppServer]:
    from django.db import connection

    # pytest-django creates the test database only when some collected test uses `db`;
    # without it the server would open the real one under var/.
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    if not (in_memory or str(connection.settings_dict["NAME"]).startswith("test_")):
        pytest.fail(f"not a test database: {connection.settings_dict['NAME']}")
    with django_db_blocker.unblock():
        server = AppServer("127.0.0.1:0")  # port 0: a free one
    server._live_server_modified_settings.enable()  # ALLOWED_HOSTS += the server's host
    try:
        yield server
    finally:
        server.wait_for_requests()
        server._live_server_modified_settings.disable()
        server.stop()


@pytest.fixture(scope="session")
def serve(django_db_setup: None,
          django_db_blocker: DjangoDbBlocker) -> Callable[[], AbstractContextManager[AppServer]]:
    """Starts a live server: ``with serve() as server: ...``.

    Why not pytest-django's ``live_server`` fixture: any test using it gets
    ``transactional_db``, which empties the database after every test, so the data a module
    needs (the demo: 4-10 s) would be built again for each test. The modules that use a
    server commit their data and put the database back afterwards themselves.
    """
    return lambda: _serving(django_db_blocker)


@contextmanager
def _committing(django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    """Database access whose writes commit, as a server's do, for a module's data; afterwards
    the database is put back as the migrations left it. Yields that state, serialised.

    For what only happens after a commit (``transaction.on_commit``), which the rolled-back
    transaction of an ordinary test never reaches.
    """
    from django.core.management import call_command
    from django.db import connection

    with django_db_blocker.unblock():
        fresh = connection.creation.serialize_db_to_string()
        try:
            yield fresh
        finally:
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True,
                         reset_sequences=False)
            connection.creation.deserialize_db_from_string(fresh)


@pytest.fixture(scope="session")
def committing(django_db_setup: None,
               django_db_blocker: DjangoDbBlocker) -> Callable[[], AbstractContextManager[str]]:
    """``with committing() as fresh: ...`` — see ``_committing``."""
    return lambda: _committing(django_db_blocker)


def pid_card() -> OperationalObjectiveDoc:
    rows = [
        ("Bando PID", "Numero di domande gestite su bando Pid", "Volume", "n.", "426", "≥", "80"),
        ("Risorse umane dedicate", "Esprime le risorse dedicate al Punto Impresa Digitale, "
         "espresse in FTE", "Volume", "n.", "2,0", "≤", "2,0"),
        ("Grado di utilizzo delle risorse", "Risorse utilizzate/risorse stanziata a budget",
         "Salute economica", "%", "100%", "≥", "80%"),
        ("Customer satisfaction", "Giudizio medio di soddisfazione ottenuto nella rilevazione "
         "di customer di ente", "Qualità", "n.", "7,4", "≥", "7,4"),
    ]
    return OperationalObjectiveDoc(
        code="01_01_02", title="PID - Punto Impresa Digitale",
        description="Supporto alla creazione e allo sviluppo di impresa.",
        resources="€ 150.000,00", area="Promozione e sviluppo economico",
        office="Punto Impresa Digitale",
        indicators=[
            IndicatorDoc(name=n, description=d, kind=k, unit=u, baseline=b, comparator=c,
                         targets={2022: t}, weight="25,0%")
            for n, d, k, u, b, c, t in rows
        ],
    )


def spaces_card() -> OperationalObjectiveDoc:
    return OperationalObjectiveDoc(
        code="01_03_03", title="Valorizzazione degli spazi camerale e dell'Auditorium",
        resources="risorse interne", area="Segretario Generale", office="Segreteria Generale",
        indicators=[
            IndicatorDoc(name="Attrattività eventi realizzati", kind="Volume", unit="n.",
                         baseline="1179", comparator=">=", targets={2022: "1.500,0"},
                         weight="50,0%"),
            IndicatorDoc(name="Valorizzazione degli spazi", kind="Efficienza", unit="data",
                         baseline="n.d.", comparator="=", targets={2022: "30/11/2022"},
                         weight="50,0%"),
        ],
    )


def small_plan() -> PlanDocument:
    return PlanDocument(
        body="Camera di Commercio di Prova", year=2022, triennium=(2022, 2024),
        version=VersionDoc(organ="Giunta", number="12/22", date="23/02/2022",
                           status="adopted", title="Piano della performance 2022-2024"),
        areas=[StrategicAreaDoc(code="1", title="Promozione e sostegno allo sviluppo", objectives=[
            StrategicObjectiveDoc(code="01_01", title="Digitalizzazione", mission="011",
                                  programme="005", function="D", operational=[pid_card()]),
            StrategicObjectiveDoc(code="01_03", title="Cultura e turismo",
                                  operational=[spaces_card()]),
        ])],
        org_units=[OrgUnitDoc(name="Promozione e sviluppo economico", kind="area"),
                   OrgUnitDoc(name="Punto Impresa Digitale", kind="office",
                              parent="Promozione e sviluppo economico", fte="2,0")],
        assignments=[Assignment("Promozione e sviluppo economico",
                                ["PID - Punto Impresa digitale"])],
        incentive_fund=IncentiveFund(total="€ 20.000,00", shares=[
            FundShare("01_01", "€ 10.000,00"), FundShare("01_03", "€ 10.000,00")]),
    )


@pytest.fixture
def plan() -> PlanDocument:
    return small_plan()


@pytest.fixture(scope="session")
def plan_maker() -> Callable[[], PlanDocument]:
    """``small_plan`` for fixtures wider than a test, which cannot ask for ``plan``."""
    return small_plan
