"""Schemathesis against the OpenAPI document: whatever an integration sends, never a 5xx.

schemathesis (4.x) reads the document the API serves (``/api/v1/openapi.json``, committed as
docs/openapi.json) and generates, for every operation, requests that fit it and requests that
do not (its positive and negative modes), sent in-process through Django's WSGI application.
Every response must be no server error, and a JSON response that the document describes must
match its schema.

The calls carry a planning-office token (every operation is open to it, so they reach the
actions, the engine and the document builders) or a staff token (office-scoped writes, drafts
refused), on the small plan of tests/conftest.py with an open period holding values and
results, a closed one, a planned one and a draft amendment. Generated ids rarely name anything,
so hooks swap in the real ones most of the time (bodies, periods, indicators, variables, node
keys, tokens, versions; years, document kinds and formats; plausible values, dates, card codes
and variable names in the bodies): the generated calls get past the first lookup.

Bounded: ``MAX_EXAMPLES`` per operation and caller, no shrinking (a failure is reported as
found), the PDF, ODT and DOCX renderings left out (the same document model as XLSX/ODS, and
slow); the file runs in well under a minute and a half on SQLite. Each operation runs in a
transaction rolled back afterwards; the data is built once for the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from pytest_django import DjangoDbBlocker
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from performa.accounts.access import SYSTEM
from performa.accounts.models import Membership, Role
from performa.accounts.tokens import create_token
from performa.documents import registry
from performa.measures import actions
from performa.measures.models import NodeResult, Period, ResultSet
from performa.plans import actions as plan_actions
from performa.plans import models as plans
from performa.plans.store import store_plan
from performa.wsgi import application

MAX_EXAMPLES = 25
CALLERS = {"pianificazione": (Role.PLANNING, ""),
           "referente.pid": (Role.STAFF, "Punto Impresa Digitale")}
# The paged renderings (PDF/A through WeasyPrint, ODT, DOCX) take a second or more each and
# build the same document model the tabular ones do; tests/documents covers them.
FAST_FORMATS = ["xlsx", "ods", "csv", "json"]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# The token goes in as a header of every call; generated credentials would only test 401.
schema.config.generation.update(with_security_parameters=False)


@dataclass
class Real:
    """Ids and words that exist, filled in by the fixture; the hooks draw from them."""

    path: dict[str, list[Any]] = field(default_factory=dict)
    query: dict[str, list[Any]] = field(default_factory=dict)
    body: dict[str, list[Any]] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)  # bulk rows that store
    keys: dict[str, str] = field(default_factory=dict)  # user name → API key


REAL = Real()


def often(main: Any, *others: Any) -> list[Any]:
    """Choices where ``main`` comes up about three times in four."""
    return [main] * (3 * (len(others) + 1)) + list(others)


def _mostly_real(found: Any, real: dict[str, list[Any]]) -> st.SearchStrategy[Any]:
    """The generated dict with each known field, most of the time, replaced by a real value
    (the generated one stays among the choices); anything else as generated."""
    if not isinstance(found, dict):
        return st.just(found)
    return st.fixed_dictionaries({
        name: st.sampled_from([*real[name], value]) if real.get(name) else st.just(value)
        for name, value in found.items()
    })


@schema.hook
def flatmap_path_parameters(context: schemathesis.HookContext,
                            path_parameters: Any) -> st.SearchStrategy[Any]:
    return _mostly_real(path_parameters, REAL.path)


@schema.hook
def flatmap_query(context: schemathesis.HookContext, query: Any) -> st.SearchStrategy[Any]:
    operation = context.operation
    if operation is not None and operation.path.endswith("/documents/{kind}") and \
            isinstance(query, dict) and "format" not in query:
        query = {**query, "format": "xlsx"}  # not the default, PDF
    return _mostly_real(query, REAL.query)


@schema.hook
def flatmap_body(context: schemathesis.HookContext, body: Any) -> st.SearchStrategy[Any]:
    rows = body.get("values") if isinstance(body, dict) else None
    if isinstance(rows, list) and rows and all(isinstance(row, dict) for row in rows):
        # A bulk upload is all or nothing: each row is often one that stores.
        items = st.tuples(*(st.one_of(st.sampled_from(REAL.rows), _mostly_real(row, REAL.body))
                            for row in rows)).map(list)
        return st.fixed_dictionaries({**{k: st.just(v) for k, v in body.items()},
                                      "values": items})
    return _mostly_real(body, REAL.body)


@dataclass
class Fuzz:
    keys: dict[str, str]


def _shared_conftest(config: pytest.Config) -> ModuleType:
    """tests/conftest.py, for its small plan (its `plan` fixture is per test)."""
    wanted = Path(__file__).resolve().parents[1] / "conftest.py"
    for plugin in config.pluginmanager.get_plugins():
        if isinstance(plugin, ModuleType) and getattr(plugin, "__file__", None) and \
                Path(plugin.__file__).resolve() == wanted:
            return plugin
    raise LookupError(wanted)


def build(shared: ModuleType) -> None:
    """The small plan, measured, with the ids the hooks draw from in REAL."""
    version = store_plan(shared.small_plan()).version
    cycle, body = version.cycle, version.cycle.body
    units = {u.name: u for u in body.org_units.all()}
    elsewhere = plans.Body.objects.create(name="Camera di Commercio Altrove")
    users = {}
    for username, (role, unit) in CALLERS.items():
        users[username] = User.objects.create_user(username, password="x-Secret-9")
        Membership.objects.create(user=users[username], body=body, role=role,
                                  org_unit=units.get(unit))
    variables = [plans.Variable.objects.create(cycle=cycle, name=f"domande_{n}", unit="n.",
                                               office=units[office])
                 for n, office in enumerate(("Punto Impresa Digitale", "Segreteria Generale"))]
    june = Period.objects.create(cycle=cycle, date=date(2022, 6, 30), state=Period.State.OPEN)
    september = Period.objects.create(cycle=cycle, date=date(2022, 9, 30),
                                      state=Period.State.CLOSED)
    december = Period.objects.create(cycle=cycle, date=date(2022, 12, 31),
                                     state=Period.State.PLANNED)
    indicators = list(plans.Indicator.objects.filter(version=version))
    for owner, text in [(indicators[0], "60"), (indicators[1], "2,0"), (indicators[4], "1.200"),
                        (variables[0], "30"), (variables[1], "n.d.")]:
        actions.enter_value(SYSTEM, june, owner, text, not_available_reason="non rilevato")
    actions.move_period(SYSTEM, september, Period.State.OPEN, "riapertura di prova")
    actions.enter_value(SYSTEM, september, indicators[0], "75")
    actions.move_period(SYSTEM, september, Period.State.CLOSED)
    draft = plan_actions.amend(SYSTEM, cycle)
    results = ResultSet.objects.filter(period=june, current=True)
    node_keys = list(NodeResult.objects.filter(result_set__in=results)
                     .values_list("key", flat=True).distinct())

    REAL.keys = {name: create_token(user, "schemathesis")[1] for name, user in users.items()}
    tokens = [create_token(user, "da revocare")[0].pk for user in users.values()]
    REAL.path = {
        "body_id": often(body.pk, elsewhere.pk),
        "year": often(2022, 2021),
        "period_id": often(june.pk, september.pk, december.pk),
        "indicator_id": [i.pk for i in indicators]
        + list(plans.Indicator.objects.filter(version=draft).values_list("pk", flat=True)[:2]),
        "variable_id": [v.pk for v in variables],
        "tree": ["strategy", "organisation"],
        "key": node_keys,
        "kind": list(registry.load_all()),
        "token_id": tokens,
    }
    REAL.query = {
        "version_id": [version.pk, draft.pk],
        "period_id": often(june.pk, september.pk),
        "year": often(2022),
        "format": FAST_FORMATS,
        "objective": often("", "01_01_02", "01_03_03"),
        "limit": often(100, 1, 2**63 - 1),
        "offset": often(0, 1, 2**63 - 1),
    }
    REAL.body = {
        "value": ["60", "1.500,0", "88%", "n.d.", "30/11/2022", "si", "0", "-6,34%", "4 su 8",
                  "€ 460.000,00", "buono", "realizzato", "1,500.5", ""],
        "revision": often(None, 0, 1, 2),
        "not_available_reason": ["", "dato non ancora disponibile"],
        "note": often(""),
        "variable": often("", *(v.name for v in variables)),
        "objective": ["01_01_02", "01_03_03"],
        "indicator": [1, 2, 4],
        "date": ["2022-10-31", "2022-11-30", "2022-06-30", "2023-01-01"],
        "deadline": often(None, "2022-12-15", "2022-01-01"),
        "label": often("", "Monitoraggio"),
        "state": ["open", "closed", "validated"],
        "reason": often("", "correzione"),
        "name": often("integrazione"),
    }
    REAL.rows = [{"objective": "01_01_02", "indicator": 1, "value": "70"},
                 {"objective": "01_03_03", "indicator": 1, "value": "1.300"},
                 {"variable": variables[0].name, "value": "40"}]


@pytest.fixture(scope="module")
def fuzz(request: pytest.FixtureRequest, django_db_setup: None,
         django_db_blocker: DjangoDbBlocker) -> Iterator[Fuzz]:
    """The data, committed once; each operation's test runs in a transaction rolled back
    after it. Django's WSGI handler closes "old" connections on every request, which inside
    a test's transaction would drop it (PostgreSQL): as its test client does, not here.
    Afterwards the database is put back as it was (as tests/browser/conftest.py does)."""
    from django.core.management import call_command
    from django.db import connection

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
        build(_shared_conftest(request.config))
    try:
        yield Fuzz(REAL.keys)
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True,
                         reset_sequences=False)
            connection.creation.deserialize_db_from_string(before)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("caller", list(CALLERS))
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
          phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_no_server_error(case: schemathesis.Case, caller: str, fuzz: Fuzz, db: None) -> None:
    response = case.call(headers={"Authorization": f"Bearer {fuzz.keys[caller]}"})
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
