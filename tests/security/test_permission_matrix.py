"""The permission matrix: every page and API operation × every role × own/other office.

``MATRIX`` below is the one table: for each page of the web application (each URL pattern of
``performa.web.urls`` and each method it answers, plus one row for Django's admin) and each
operation of the REST API (``performa.api.app.api``), what every actor gets:

- ``ok``: allowed (2xx, or a redirect that is not to a login page);
- ``login``: sent to the login page (pages); ``401``: no valid token (API);
- ``403``: a member of the body whose role does not allow it;
- ``404``: outsiders — the same answer as "does not exist" (``measures.reach``).

The actors are the roles of DOMAIN.md §1 in the small plan of ``tests/conftest.py``: the
planning office and administrators act on the whole body; the head of the Area «Promozione e
sviluppo economico» on it and its office «Punto Impresa Digitale»; the staff of «Punto Impresa
Digitale» on their office (``staff``), and the same person on the objects of «Segreteria
Generale» (``staff-other-office``: its card, indicator, variable, value, entry page, and
another person's token); the OIV reads everything and validates, writing nothing else; the
reader reads; the outsider plans another body.

Each (row, actor) is one test case, run over real HTTP against a live server: pages with a
session from the real login form (``/accedi/``, CSRF token and all), the API with personal
tokens (``Authorization: Bearer pf_…``). Writes are checked in the database too: a refused
one changed nothing, an allowed one is there. The data is built once for the module; every
write targets objects of its own (per actor, or a value only this case sends) that no read
looks at, so the cases pass in any order and on PostgreSQL too, where the server's writes are
committed (on SQLite the server shares the test's connection: they are rolled back).

``test_every_page_and_operation_has_a_row`` fails when a page, a method of a page or an API
operation has no row (or a row names one that no longer exists): nothing new ships without
saying who may use it.

Why not pytest-django's ``live_server`` fixture: any test using it gets ``transactional_db``,
which empties the database after every test, so the data of the module would have to be built
again for each of the ~670 cases. The server is pytest-django's ``LiveServer`` (the class
behind that fixture, see ``serve`` in tests/conftest.py) started once for the module.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import URLPattern, URLResolver, reverse
from pytest_django import DjangoDbBlocker
from pytest_django.live_server_helper import LiveServer

from performa.accounts.access import SYSTEM
from performa.accounts.models import ApiToken, Invitation, Membership, Role
from performa.accounts.tokens import create_token
from performa.measures import actions
from performa.measures.models import (
    Deviation,
    MeasuredValue,
    Period,
    PhaseCompletion,
    ResultSet,
)
from performa.plans import actions as plan_actions
from performa.plans import models as plans
from performa.plans.store import store_plan
from rpp_plan import AUDITORIUM, LATE, with_actions_and_phases

PASSWORD = "x-Secret-9"
TIMEOUT = 60  # seconds, for one request to the live server
API = "/api/v1"

# --------------------------------------------------------------------------- the actors

ANON, ADMIN, PLANNING, HEAD, STAFF, OTHER, OIV, READER, OUTSIDER = ACTORS = (
    "anonymous", "admin", "planning", "head", "staff", "staff-other-office", "oiv", "reader",
    "outsider",
)
# Who each actor is (None: nobody logged in); staff-other-office is the staff of «Punto
# Impresa Digitale» again, acting on the objects of «Segreteria Generale».
ACTOR_USER: dict[str, str | None] = {
    ANON: None, ADMIN: "amministratore", PLANNING: "pianificazione",
    HEAD: "dirigente.promozione", STAFF: "referente.pid", OTHER: "referente.pid",
    OIV: "oiv", READER: "lettore", OUTSIDER: "estraneo",
}
# Everyone's role: (role, area or office) in the body; the outsider's is in another body.
# «referente.segreteria» is no actor: it owns office B's token, for staff-other-office.
USERS: dict[str, tuple[Role, str]] = {
    "amministratore": (Role.ADMIN, ""),
    "pianificazione": (Role.PLANNING, ""),
    "dirigente.promozione": (Role.HEAD, "Promozione e sviluppo economico"),
    "referente.pid": (Role.STAFF, "Punto Impresa Digitale"),
    "referente.segreteria": (Role.STAFF, "Segreteria Generale"),
    "oiv": (Role.EVALUATOR, ""),
    "lettore": (Role.READER, ""),
    "estraneo": (Role.PLANNING, ""),
}
OWN, OTHER_OFFICE = "Punto Impresa Digitale", "Segreteria Generale"

OK, LOGIN, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND = "ok", "login", "401", "403", "404"
OUTCOMES = {OK, LOGIN, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND}
LOGIN_PAGES = {"/accedi/", "/admin/login/"}

Target = dict[str, Any]  # the ids one actor's request is about, and this case's marker


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Check:
    """What a write changes: ``state`` reads it from the database before and after the
    request; ``done`` says whether this case's write is there. A refused write must leave
    the state as it was."""

    state: Callable[[Target], Any]
    done: Callable[[Target, Any], bool]


@dataclass(frozen=True)
class Row:
    method: str
    target: str  # "web:dashboard", "admin:index", or an API path as in the OpenAPI document
    expected: dict[str, str]
    label: str = ""  # tells apart two rows of one page or operation
    kwargs: dict[str, Any] = field(default_factory=dict)  # URL arguments, "{…}" from Target
    query: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] | Callable[[Site, Target], dict[str, Any]] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    check: Check | None = None
    fresh: bool = False  # a session of its own, logged in for this case (login, logout)
    number: int = 0  # position in MATRIX: this case's marker is made from it

    @property
    def api(self) -> bool:
        return self.target.startswith("/")

    @property
    def name(self) -> str:
        shown = f"api{self.target}" if self.api else self.target.removeprefix("web:")
        return f"{shown} ({self.label})" if self.label else shown


def _expected(columns: str, api: bool) -> dict[str, str]:
    found = columns.split()
    if len(found) != len(ACTORS) or not set(found) <= OUTCOMES:
        raise ValueError(f"«{columns}»: one of {sorted(OUTCOMES)} per actor {ACTORS}")
    if (LOGIN if api else UNAUTHENTICATED) in found:
        raise ValueError(f"«{columns}»: pages send to the login page, the API answers 401")
    return dict(zip(ACTORS, found, strict=True))


def page(method: str, name: str, expected: str, **options: Any) -> Row:
    target = name if ":" in name else f"web:{name}"
    return Row(method, target, _expected(expected, api=False), **options)


def api(method: str, path: str, expected: str, *, label: str = "",
        query: dict[str, Any] | None = None, data: Any = None,
        headers: dict[str, str] | None = None, check: Check | None = None,
        **parameters: str) -> Row:
    """An API operation; ``parameters`` fill its path parameters where they are not the
    actor's objects of the same name."""
    return Row(method, path, _expected(expected, api=True), label=label, kwargs=parameters,
               query=query or {}, data=data, headers=headers or {}, check=check)


# --------------------------------------------------------------------------- write checks


def _value_check(owner: str) -> Check:
    """The value of the actor's indicator or variable in the open period: allowed, it is this
    case's marker."""

    def state(t: Target) -> Any:
        owner_field = {"indicator": "indicator_id", "variable": "variable_id"}[owner]
        return MeasuredValue.objects.filter(
            period_id=t["period_id"], **{owner_field: t[f"{owner}_id"]}
        ).values_list("number", "revision").first()

    return Check(state, lambda t, after: after is not None and after[0] == float(t["marker"]))


def _read_revision(owner: str, kind: str = "form") -> Callable[[Site, Target], dict[str, Any]]:
    """A write states the revision it read (issue #17): the value's current one, read when the
    case is sent, as a page or an API client would have it."""

    def data(site: Site, t: Target) -> dict[str, Any]:
        owner_field = {"indicator": "indicator_id", "variable": "variable_id"}[owner]
        revision = MeasuredValue.objects.filter(
            period_id=t["period_id"], **{owner_field: t[f"{owner}_id"]}
        ).values_list("revision", flat=True).first() or 0
        if kind == "bulk":
            return {"values": [{"objective": t["card"], "indicator": 1, "value": t["marker"],
                                "revision": revision}]}
        return {"value": t["marker"], "revision": str(revision) if kind == "form" else revision}

    return data


def _period_check(key: str, state_done: str) -> Check:
    return Check(lambda t: Period.objects.get(pk=t[key]).state,
                 lambda t, after: after == state_done)


def _created_period(key: str) -> Check:
    def state(t: Target) -> bool:
        return Period.objects.filter(cycle__body_id=t["body_id"], cycle__year=t["scratch_year"],
                                     date=t[key]).exists()

    return Check(state, lambda t, after: after is True)


def _token_created() -> Check:
    return Check(lambda t: ApiToken.objects.filter(name=f"matrice {t['marker']}").count(),
                 lambda t, after: after == 1)


def _token_revoked(key: str) -> Check:
    return Check(lambda t: ApiToken.objects.get(pk=t[key]).revoked_at,
                 lambda t, after: after is not None)


def _signed_in(t: Target) -> str | None:
    """The fresh session's key while it is a live session, else None."""
    key = t["session"].cookies.get("sessionid")
    return key if key and Session.objects.filter(session_key=key).exists() else None


SIGNED_IN = Check(_signed_in, lambda t, after: after is not None)
SIGNED_OUT = Check(_signed_in, lambda t, after: after is None)
AMENDED = Check(
    lambda t: list(plans.PlanVersion.objects.filter(
        cycle__body_id=t["body_id"], cycle__year=t["amend_year"]).values_list("status", flat=True)),
    lambda t, after: plans.PlanVersion.Status.DRAFT in after,
)
ADOPTED = Check(lambda t: plans.PlanVersion.objects.get(pk=t["adopt_version"]).status,
                lambda t, after: after == plans.PlanVersion.Status.ADOPTED)
AREA_ADDED = Check(
    lambda t: plans.StrategicArea.objects.filter(version_id=t["draft"],
                                                 code=f"N{t['marker']}").exists(),
    lambda t, after: after is True,
)
AREA_EDITED = Check(lambda t: plans.StrategicArea.objects.get(pk=t["draft_area"]).title,
                    lambda t, after: after == f"Ambito {t['marker']}")
AREA_DELETED = Check(
    lambda t: plans.StrategicArea.objects.filter(pk=t["delete_area"]).exists(),
    lambda t, after: after is False,
)
MOVED = Check(lambda t: plans.StrategicObjective.objects.get(pk=t["move_so"]).area_id,
              lambda t, after: after == t["draft_area"])


def _reordered(t: Target) -> bool:
    first, second = (plans.StrategicObjective.objects.get(pk=t[k])
                     for k in ("reorder_so", "reorder_after"))
    return (first.order, first.pk) < (second.order, second.pk)


DEVIATION = Check(
    lambda t: Deviation.objects.filter(period_id=t["period_id"], indicator_id=t["indicator_id"])
    .values_list("text", flat=True).first(),
    lambda t, after: after == f"Motivazione {t['marker']}",
)
REORDERED = Check(_reordered, lambda t, after: after is True)
GRANTED = Check(lambda t: Membership.objects.filter(user__username=f"nuovo{t['marker']}").count(),
                lambda t, after: after == 1)
REVOKED = Check(lambda t: Membership.objects.filter(pk=t["membership"]).exists(),
                lambda t, after: after is False)


def _invitation(key: str, status: Invitation.Status) -> Check:
    return Check(lambda t: Invitation.objects.get(pk=t[key]).status,
                 lambda t, after: after == status)


ACCEPTED = _invitation("invitation_accept", Invitation.Status.ACCEPTED)
DECLINED = _invitation("invitation_decline", Invitation.Status.DECLINED)
WITHDRAWN = _invitation("invitation_withdraw", Invitation.Status.WITHDRAWN)
INDICATOR_EDITED = Check(lambda t: plans.Indicator.objects.get(pk=t["draft_indicator"]).description,
                         lambda t, after: after == f"Descrizione {t['marker']}")


def _completion_day(t: Target) -> date:
    """This case's completion date: a day of 2022 of its own, so each case's write is told
    apart from the others' on the same phase."""
    return date(2022, 1, 1) + timedelta(days=int(t["marker"]) % 365)


COMPLETED = Check(
    lambda t: PhaseCompletion.objects.filter(
        cycle__body_id=t["body_id"], objective_code=t["card"],
        phase_title=t["phase_title"]).values_list("completed_on", flat=True).first(),
    lambda t, after: after == _completion_day(t),
)


PHASE_ADDED = Check(
    lambda t: plans.Phase.objects.filter(version_id=t["draft"],
                                         title=f"Fase {t['marker']}").exists(),
    lambda t, after: after is True,
)
PHASE_EDITED = Check(lambda t: plans.Phase.objects.get(pk=t["edit_phase"]).title,
                     lambda t, after: after == f"Fase {t['marker']}")
PHASE_DELETED = Check(lambda t: plans.Phase.objects.filter(pk=t["delete_phase"]).exists(),
                      lambda t, after: after is False)
ACTION_ADDED = Check(
    lambda t: plans.Action.objects.filter(version_id=t["draft"],
                                          code=f"N{t['marker']}").exists(),
    lambda t, after: after is True,
)
ACTION_EDITED = Check(lambda t: plans.Action.objects.get(pk=t["edit_action"]).costs,
                      lambda t, after: after == int(t["marker"]))
ACTION_DELETED = Check(lambda t: plans.Action.objects.filter(pk=t["delete_action"]).exists(),
                       lambda t, after: after is False)
PHASE_FORM = {"title": "Fase {marker}", "first_year": "2022", "last_year": "2023",
              "milestone": "30/06/2023"}


class _Fields(HTMLParser):
    """The named fields of a page's forms as a browser would post them, by name prefix."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix, self.fields = prefix, {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        name = found.get("name") or ""
        if not name.startswith(self.prefix) or "__prefix__" in name:
            return
        if tag == "input" and (found.get("type") != "checkbox" or "checked" in found):
            self.fields[name] = found.get("value") or ""
        elif tag == "textarea":
            self._textarea, self.fields[name] = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            # As a browser does: the newline right after <textarea> is not part of the value.
            self.fields[self._textarea] = self.fields[self._textarea].removeprefix("\n")
            self._textarea = None


def _card_table(site: Site, t: Target) -> dict[str, Any]:
    """The draft card's indicator table as the planning office's page shows it, with the
    first row's description changed to this case's marker."""
    url = reverse("web:planning_indicators", kwargs={
        "body_id": t["body_id"], "version_id": t["draft"], "pk": t["draft_card"]})
    shown = site.sessions["pianificazione"].get(site.url + url, timeout=TIMEOUT)
    assert shown.status_code == 200
    parser = _Fields("indicators-")
    parser.feed(shown.text)
    assert "indicators-TOTAL_FORMS" in parser.fields
    return parser.fields | {"indicators-0-description": f"Descrizione {t['marker']}"}


# --------------------------------------------------------------------------- the table

# Web pages: the URL name in performa.web.urls (body_id filled in when the pattern has one),
# then the outcome per actor. API operations: the path as in the OpenAPI document (its
# parameters filled from the actor's objects of the same name, or as the row says).
# fmt: off
MATRIX = [
    #                              anon   admin  plan   head   staff  other  oiv    reader outsider
    page("GET",  "home",          "ok     ok     ok     ok     ok     ok     ok     ok     ok"),
    page("GET",  "bodies",        "login  ok     ok     ok     ok     ok     ok     ok     ok"),
    page("GET",  "login",         "ok     ok     ok     ok     ok     ok     ok     ok     ok"),
    # Anonymous: logs in (as the reader); logged in: sent back to the bodies page.
    page("POST", "login",         "ok     ok     ok     ok     ok     ok     ok     ok     ok",
         data={"username": "lettore", "password": PASSWORD}, fresh=True, check=SIGNED_IN),
    page("POST", "logout",        "ok     ok     ok     ok     ok     ok     ok     ok     ok",
         fresh=True, check=SIGNED_OUT),
    # Reading the year: every member, whatever the office.
    page("GET",  "dashboard",     "login  ok     ok     ok     ok     ok     ok     ok     404"),
    page("GET",  "tree",          "login  ok     ok     ok     ok     ok     ok     ok     404"),
    page("GET",  "tree_units",    "login  ok     ok     ok     ok     ok     ok     ok     404"),
    page("GET",  "indicators",    "login  ok     ok     ok     ok     ok     ok     ok     404"),
    page("GET",  "card",          "login  ok     ok     ok     ok     ok     ok     ok     404",
         kwargs={"code": "{card}"}),
    page("GET",  "why",           "login  ok     ok     ok     ok     ok     ok     ok     404",
         kwargs={"result_set_id": "{result_set_id}", "tree_name": "strategy", "key": "{key}"}),
    # Data entry: the office's own values only (its head and the planning office too).
    page("GET",  "entry",         "login  ok     ok     ok     ok     403    403    403    404",
         query={"ufficio": "{office}"}),
    page("POST", "entry_save",    "login  ok     ok     ok     ok     403    403    403    404",
         label="indicatore", kwargs={"period_id": "{period_id}", "kind": "indicatore",
                                     "owner_id": "{indicator_id}"},
         data=_read_revision("indicator"), check=_value_check("indicator")),
    # Explaining a deviation: DOMAIN.md §1 gives it to the head of the Area; issue #5 puts it
    # in the office staff's data entry too (they know why their figure fell short), for their
    # own office only. The head and the planning office may always write it.
    page("POST", "entry_save",    "login  ok     ok     ok     ok     403    403    403    404",
         label="scostamento", kwargs={"period_id": "{period_id}", "kind": "indicatore",
                                      "owner_id": "{indicator_id}"},
         data={"deviation": "Motivazione {marker}"}, check=DEVIATION),
    # A phase's completion: who enters the objective's values (its office, their head, the
    # planning office), once for the cycle.
    page("POST", "phase_completion",
                                  "login  ok     ok     ok     ok     403    403    403    404",
         kwargs={"code": "{card}", "phase_id": "{phase_id}"},
         data=lambda site, t: {"completed_on": f"{_completion_day(t):%d/%m/%Y}"},
         check=COMPLETED),
    page("POST", "entry_save",    "login  ok     ok     ok     ok     403    403    403    404",
         label="variabile", kwargs={"period_id": "{period_id}", "kind": "variabile",
                                    "owner_id": "{variable_id}"},
         data=_read_revision("variable"), check=_value_check("variable")),
    # Periods: every member sees them; the planning office creates, opens and closes them.
    page("GET",  "periods",       "login  ok     ok     ok     ok     ok     ok     ok     404"),
    page("POST", "period_create", "login  ok     ok     403    403    403    403    403    404",
         query={"anno": "{scratch_year}"},
         data={"date": "{new_date_web:%d/%m/%Y}", "label": "matrice", "deadline": ""},
         check=_created_period("new_date_web")),
    page("POST", "period_move",   "login  ok     ok     403    403    403    403    403    404",
         kwargs={"period_id": "{move_web}"}, data={"stato": "open"},
         check=_period_check("move_web", "open")),
    # OIV validation: the OIV only (an administrator is no evaluator).
    page("GET",  "validation",    "login  403    403    403    403    403    ok     403    404"),
    page("GET",  "validation_period",
                                  "login  403    403    403    403    403    ok     403    404",
         kwargs={"period_id": "{closed_id}"}),
    page("POST", "validate_period",
                                  "login  403    403    403    403    403    ok     403    404",
         kwargs={"period_id": "{validate_web}"}, data={"motivo": ""},
         check=_period_check("validate_web", "validated")),
    # Audit trail: any item of the body, for every member.
    page("GET",  "history",       "login  ok     ok     ok     ok     ok     ok     ok     404",
         label="valore", kwargs={"app_label": "measures", "model_name": "measuredvalue",
                                 "pk": "{value_id}"}),
    # ... but a draft of the plan is the planning office's, on the pages as in the API.
    page("GET",  "history",       "login  ok     ok     403    403    403    403    403    404",
         label="bozza", kwargs={"app_label": "plans", "model_name": "strategicarea",
                                "pk": "{draft_area}"}),
    # The budget and its indices: every member, like the documents it feeds.
    page("GET",  "budget",        "login  ok     ok     ok     ok     ok     ok     ok     404"),
    # Documents: every member.
    page("GET",  "documents",     "login  ok     ok     ok     ok     ok     ok     ok     404"),
    page("GET",  "document_download",
                                  "login  ok     ok     ok     ok     ok     ok     ok     404",
         kwargs={"kind": "piano", "fmt": "xlsx"}),
    # The document attached to a value: every member, as on the card that links it.
    page("GET",  "evidence",      "login  ok     ok     ok     ok     ok     ok     ok     404",
         kwargs={"period_id": "{period_id}", "value_id": "{value_id}"}),
    # API tokens: each user their own (someone else's is as if it did not exist).
    page("GET",  "tokens",        "login  ok     ok     ok     ok     ok     ok     ok     ok"),
    page("POST", "token_create",  "login  ok     ok     ok     ok     ok     ok     ok     ok",
         data={"name": "matrice {marker}"}, check=_token_created()),
    page("POST", "token_revoke",  "login  ok     ok     ok     ok     404    ok     ok     ok",
         kwargs={"token_id": "{token_web}"}, check=_token_revoked("token_web")),
    # The planning editor: the planning office (and administrators) only.
    page("GET",  "planning",      "login  ok     ok     403    403    403    403    403    404"),
    page("POST", "planning_amend",
                                  "login  ok     ok     403    403    403    403    403    404",
         query={"anno": "{amend_year}"}, check=AMENDED),
    # What an amendment changed: every member reads it (drafts left out for all but the
    # planning office).
    page("GET",  "planning_compare",
                                  "login  ok     ok     ok     ok     ok     ok     ok     404"),
    page("GET",  "planning_version",
                                  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}"}),
    page("POST", "planning_adopt",
                                  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{adopt_version}"},
         data={"organ": "Giunta", "number": "{marker}/22", "day": "01/03/2022"}, check=ADOPTED),
    page("POST", "planning_formula",
                                  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}"}, data={"formula": "1 + 1"}),
    page("GET",  "planning_indicators",
                                  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "pk": "{draft_card}"}),
    page("POST", "planning_indicators",
                                  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "pk": "{draft_card}"}, data=_card_table,
         check=INDICATOR_EDITED),
    page("GET",  "planning_new",  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "level": "ambiti"}),
    page("POST", "planning_new",  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "level": "ambiti"},
         data={"code": "N{marker}", "title": "Nuovo ambito {marker}"}, check=AREA_ADDED),
    page("GET",  "planning_edit", "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "level": "ambiti", "pk": "{draft_area}"}),
    page("POST", "planning_edit", "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "level": "ambiti", "pk": "{draft_area}"},
         data={"code": "1", "title": "Ambito {marker}"}, check=AREA_EDITED),
    page("GET",  "planning_delete",
                                  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "level": "ambiti", "pk": "{draft_area}"}),
    page("POST", "planning_delete",
                                  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "level": "ambiti", "pk": "{delete_area}"},
         check=AREA_DELETED),
    page("POST", "planning_move", "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "level": "obiettivi-strategici", "pk": "{move_so}"},
         data={"parent": "{draft_area}"}, check=MOVED),
    page("POST", "planning_reorder",
                                  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "level": "obiettivi-strategici",
                 "pk": "{reorder_so}", "direction": "su"}, check=REORDERED),
    # Phases of an objective and actions of a card, with their money: the same.
    page("GET",  "planning_parts",
                                  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "level": "schede", "pk": "{draft_card}"}),
    page("GET",  "planning_phase_new",
                                  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "level": "obiettivi-strategici", "pk": "{move_so}"}),
    page("POST", "planning_phase_new",
                                  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "level": "obiettivi-strategici", "pk": "{move_so}"},
         data=PHASE_FORM, check=PHASE_ADDED),
    page("GET",  "planning_phase_edit",
                                  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "phase_id": "{edit_phase}"}),
    page("POST", "planning_phase_edit",
                                  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "phase_id": "{edit_phase}"}, data=PHASE_FORM,
         check=PHASE_EDITED),
    page("POST", "planning_phase_delete",
                                  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "phase_id": "{delete_phase}"}, check=PHASE_DELETED),
    page("GET",  "planning_action_new",
                                  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "pk": "{draft_card}"}),
    page("POST", "planning_action_new",
                                  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "pk": "{draft_card}"},
         data={"code": "N{marker}", "title": "Azione {marker}", "activity": "institutional",
               "costs": "1.000,00"}, check=ACTION_ADDED),
    page("GET",  "planning_action_edit",
                                  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "action_id": "{edit_action}"}),
    page("POST", "planning_action_edit",
                                  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "action_id": "{edit_action}"},
         data={"code": "{edit_action_code}", "title": "Azione modificata",
               "activity": "institutional", "costs": "{marker}"}, check=ACTION_EDITED),
    page("POST", "planning_action_delete",
                                  "login  ok     ok     403    403    403    403    403    404",
         kwargs={"version_id": "{draft}", "action_id": "{delete_action}"},
         check=ACTION_DELETED),
    # Users and roles: the body's administrator only (DOMAIN.md §1).
    page("GET",  "members",       "login  ok     403    403    403    403    403    403    404"),
    page("POST", "member_grant",  "login  ok     403    403    403    403    403    403    404",
         data={"username": "nuovo{marker}", "role": "reader", "password": "Digitale-2022!"},
         check=GRANTED),
    page("POST", "member_revoke", "login  ok     403    403    403    403    403    403    404",
         kwargs={"membership_id": "{membership}"}, check=REVOKED),
    page("POST", "member_withdraw",
                                  "login  ok     403    403    403    403    403    403    404",
         kwargs={"invitation_id": "{invitation_withdraw}"}, check=WITHDRAWN),
    # Invitations: each person answers their own (someone else's is as if it did not exist).
    page("GET",  "invitations",   "login  ok     ok     ok     ok     ok     ok     ok     ok"),
    page("POST", "invitation_accept",
                                  "login  ok     ok     ok     ok     404    ok     ok     ok",
         kwargs={"invitation_id": "{invitation_accept}"}, check=ACCEPTED),
    page("POST", "invitation_decline",
                                  "login  ok     ok     ok     ok     404    ok     ok     ok",
         kwargs={"invitation_id": "{invitation_decline}"}, check=DECLINED),
    # Django's admin: staff only, and no actor is staff.
    page("GET",  "admin:index",   "login  login  login  login  login  login  login  login  login"),

    # The REST API: the same rules, 401 without a token.
    #                              anon   admin  plan   head   staff  other  oiv    reader outsider
    api("GET",    "/version",     "ok     ok     ok     ok     ok     ok     ok     ok     ok"),
    api("GET",    "/bodies",      "401    ok     ok     ok     ok     ok     ok     ok     ok"),
    api("GET",    "/bodies/{body_id}",
                                  "401    ok     ok     ok     ok     ok     ok     ok     404"),
    api("GET",    "/bodies/{body_id}/cycles",
                                  "401    ok     ok     ok     ok     ok     ok     ok     404"),
    api("GET",    "/bodies/{body_id}/cycles/{year}/versions",
                                  "401    ok     ok     ok     ok     ok     ok     ok     404"),
    api("GET",    "/bodies/{body_id}/cycles/{year}/tree",
                                  "401    ok     ok     ok     ok     ok     ok     ok     404"),
    api("GET",    "/bodies/{body_id}/cycles/{year}/tree",
                                  "401    ok     ok     403    403    403    403    403    404",
        label="bozza", query={"version_id": "{draft}"}),
    api("GET",    "/bodies/{body_id}/cycles/{year}/indicators",
                                  "401    ok     ok     ok     ok     ok     ok     ok     404"),
    api("GET",    "/bodies/{body_id}/cycles/{year}/indicators",
                                  "401    ok     ok     403    403    403    403    403    404",
        label="bozza", query={"version_id": "{draft}"}),
    api("GET",    "/bodies/{body_id}/indicators/{indicator_id}",
                                  "401    ok     ok     ok     ok     ok     ok     ok     404"),
    api("GET",    "/bodies/{body_id}/indicators/{indicator_id}",
                                  "401    ok     ok     403    403    403    403    403    404",
        label="bozza", indicator_id="{draft_indicator}"),
    api("GET",    "/bodies/{body_id}/cycles/{year}/variables",
                                  "401    ok     ok     ok     ok     ok     ok     ok     404"),
    api("GET",    "/bodies/{body_id}/cycles/{year}/periods",
                                  "401    ok     ok     ok     ok     ok     ok     ok     404"),
    api("POST",   "/bodies/{body_id}/cycles/{year}/periods",
                                  "401    ok     ok     403    403    403    403    403    404",
        year="{scratch_year}", data={"date": "{new_date_api:%Y-%m-%d}", "label": "matrice"},
        check=_created_period("new_date_api")),
    api("GET",    "/bodies/{body_id}/periods/{period_id}",
                                  "401    ok     ok     ok     ok     ok     ok     ok     404"),
    api("POST",   "/bodies/{body_id}/periods/{period_id}/state",
                                  "401    ok     ok     403    403    403    403    403    404",
        label="apre", period_id="{move_api}", data={"state": "open"},
        check=_period_check("move_api", "open")),
    api("POST",   "/bodies/{body_id}/periods/{period_id}/state",
                                  "401    403    403    403    403    403    ok     403    404",
        label="valida", period_id="{validate_api}", data={"state": "validated"},
        check=_period_check("validate_api", "validated")),
    api("GET",    "/bodies/{body_id}/periods/{period_id}/values",
                                  "401    ok     ok     ok     ok     ok     ok     ok     404"),
    api("PUT",    "/bodies/{body_id}/periods/{period_id}/variables/{variable_id}/value",
                                  "401    ok     ok     ok     ok     403    403    403    404",
        data=_read_revision("variable", "api"), check=_value_check("variable")),
    api("PUT",    "/bodies/{body_id}/periods/{period_id}/indicators/{indicator_id}/value",
                                  "401    ok     ok     ok     ok     403    403    403    404",
        data=_read_revision("indicator", "api"), check=_value_check("indicator")),
    api("POST",   "/bodies/{body_id}/periods/{period_id}/values/bulk",
                                  "401    ok     ok     ok     ok     403    403    403    404",
        data=_read_revision("indicator", "bulk"),
        headers={"Idempotency-Key": "matrice-{marker}"}, check=_value_check("indicator")),
    api("GET",    "/bodies/{body_id}/periods/{period_id}/results/indicators",
                                  "401    ok     ok     ok     ok     ok     ok     ok     404"),
    api("GET",    "/bodies/{body_id}/periods/{period_id}/results/nodes",
                                  "401    ok     ok     ok     ok     ok     ok     ok     404"),
    api("GET",    "/bodies/{body_id}/periods/{period_id}/results/nodes/{tree}/{key}",
                                  "401    ok     ok     ok     ok     ok     ok     ok     404"),
    api("GET",    "/bodies/{body_id}/budget",
                                  "401    ok     ok     ok     ok     ok     ok     ok     404"),
    api("GET",    "/bodies/{body_id}/documents",
                                  "401    ok     ok     ok     ok     ok     ok     ok     404"),
    api("GET",    "/bodies/{body_id}/documents/{kind}",
                                  "401    ok     ok     ok     ok     ok     ok     ok     404",
        query={"year": "{year}", "format": "xlsx"}),
    api("GET",    "/tokens",      "401    ok     ok     ok     ok     ok     ok     ok     ok"),
    # A token creates no tokens: the person does, logged in with the password (page above).
    api("POST",   "/tokens",      "401    403    403    403    403    403    403    403    403",
        data={"name": "matrice {marker}"}, check=_token_created()),
    api("DELETE", "/tokens/{token_id}",
                                  "401    ok     ok     ok     ok     404    ok     ok     ok",
        token_id="{token_api}", check=_token_revoked("token_api")),
]
# fmt: on
MATRIX = [replace(row, number=number) for number, row in enumerate(MATRIX, 1)]


# --------------------------------------------------------------------------- coverage

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _methods(view: Any) -> set[str]:
    """The methods a view answers: its ``require_http_methods`` list (through the decorators
    wrapping it), the handlers of a class-based view; GET and POST when it says nothing."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in ("get", "post")
                if m in view_class.http_method_names and hasattr(view_class, m)}
    func = view
    while func is not None:
        free = func.__code__.co_freevars
        if "request_method_list" in free:
            allowed = func.__closure__[free.index("request_method_list")].cell_contents
            return {m for m in allowed if m in HTTP_METHODS}
        func = getattr(func, "__wrapped__", None)
    return {"GET", "POST"}


def web_pages() -> dict[str, tuple[str, set[str]]]:
    """Every URL pattern of the web app: «web:name» → (route, methods it answers)."""
    from performa.web import urls

    found: dict[str, tuple[str, set[str]]] = {}

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                key = f"{urls.app_name}:{pattern.name}" if pattern.name else route
                found[key] = (route, _methods(pattern.callback))

    walk(urls.urlpatterns, "")
    return found


def api_operations() -> set[tuple[str, str]]:
    """Every operation of the OpenAPI document: (method, path under /api/v1)."""
    from performa.api.app import api as ninja_api

    document = ninja_api.get_openapi_schema()
    return {(method.upper(), path.removeprefix(API))
            for path, item in document["paths"].items() for method in item}


PAGES = web_pages()


def test_every_page_and_operation_has_a_row() -> None:
    rows = {(row.method, row.target) for row in MATRIX}
    pages = {(method, name) for name, (_, methods) in PAGES.items() for method in methods}
    operations = api_operations()
    missing = sorted((pages | operations) - rows)
    assert not missing, (
        "pages or API operations without a row in MATRIX (say who may use them): "
        + "; ".join(f"{method} {target}" for method, target in missing))
    stale = sorted(rows - pages - operations - {("GET", "admin:index")})
    assert not stale, f"rows of MATRIX for pages or operations that do not exist: {stale}"
    assert ("GET", "admin:index") in rows  # the admin is Django's, but refused all the same
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), "two rows for one page or operation need a label"


# --------------------------------------------------------------------------- the live site


@dataclass
class Site:
    url: str
    targets: dict[str, Target]
    sessions: dict[str | None, requests.Session]  # by user name; None: nobody logged in
    keys: dict[str, str]  # user name → API key


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def sign_in(url: str, username: str | None) -> requests.Session:
    """A browser session: the login form, filled and posted with its CSRF token (None:
    only the form, so the session has the CSRF cookie an anonymous visitor gets)."""
    session = requests.Session()
    form = session.get(f"{url}/accedi/", timeout=TIMEOUT)
    assert form.status_code == 200, form.status_code
    if username is None:
        return session
    found = CSRF_FIELD.search(form.text)
    assert found is not None, "no CSRF token in the login form"
    response = session.post(f"{url}/accedi/", timeout=TIMEOUT, allow_redirects=False, data={
        "csrfmiddlewaretoken": found.group(1), "username": username, "password": PASSWORD,
    })
    assert response.status_code == 302, f"login of {username}: {response.status_code}"
    assert response.headers["Location"] == reverse("web:bodies")
    return session


def _shared_conftest(config: pytest.Config) -> ModuleType:
    """tests/conftest.py, for its small plan (its `plan` fixture is per test; this module
    builds its data once)."""
    wanted = Path(__file__).resolve().parents[1] / "conftest.py"
    for plugin in config.pluginmanager.get_plugins():
        if isinstance(plugin, ModuleType) and getattr(plugin, "__file__", None) and \
                Path(plugin.__file__).resolve() == wanted:
            return plugin
    raise LookupError(wanted)


def _period(cycle: plans.Cycle, day: date, state: str) -> int:
    return int(Period.objects.create(cycle=cycle, date=day, state=state, label="matrice").pk)


def build(shared: ModuleType) -> tuple[dict[str, Target], dict[str, User]]:
    """The small plan with one open period and values, a draft amendment, the users, and
    for every actor the objects its writes target."""
    version = store_plan(with_actions_and_phases(shared.small_plan(), date(2022, 1, 1))).version
    cycle, body = version.cycle, version.cycle.body
    units = {u.name: u for u in body.org_units.all()}
    elsewhere = plans.Body.objects.create(name="Camera di Commercio Altrove")
    # The body whose invitations the actors accept or decline: no case reads it.
    inviting = plans.Body.objects.create(name="Camera di Commercio che invita")
    users = {}
    for username, (role, unit) in USERS.items():
        user = User.objects.create_user(username, password=PASSWORD)
        Membership.objects.create(user=user, body=elsewhere if username == "estraneo" else body,
                                  role=role, org_unit=units.get(unit))
        users[username] = user

    june = Period.objects.create(cycle=cycle, date=date(2022, 6, 30), state=Period.State.OPEN)
    july = Period.objects.create(cycle=cycle, date=date(2022, 7, 31), state=Period.State.CLOSED)
    indicators = {OWN: plans.Indicator.objects.get(version=version, name="Bando PID"),
                  OTHER_OFFICE: plans.Indicator.objects.get(
                      version=version, name="Attrattività eventi realizzati")}
    variables = {office: plans.Variable.objects.create(
        cycle=cycle, name=f"domande_{n}", unit="n.", office=units[office])
        for n, office in enumerate((OWN, OTHER_OFFICE))}
    for owner in [*indicators.values(), *variables.values()]:  # each with its document
        actions.enter_value(SYSTEM, june, owner, "50",
                            evidence=SimpleUploadedFile("verbale.pdf", b"%PDF-1.4 matrice"))
    result_set = ResultSet.objects.get(period=june, current=True)
    values = {office: MeasuredValue.objects.get(period=june, indicator=indicator).pk
              for office, indicator in indicators.items()}
    cards = {OWN: "01_01_02", OTHER_OFFICE: "01_03_03"}
    phases = {OWN: plans.Phase.objects.get(version=version, title=LATE),
              OTHER_OFFICE: plans.Phase.objects.get(version=version, title=AUDITORIUM)}

    # A cycle of its own (2021) for the periods the actors create, open and validate.
    scratch = store_plan(shared.small_plan(), year=2021).version.cycle
    draft = plan_actions.amend(SYSTEM, cycle)
    draft_area = plans.StrategicArea.objects.get(version=draft, code="1")
    draft_card = plans.OperationalObjective.objects.get(version=draft, code="01_01_02")
    draft_indicator = draft_card.indicators.order_by("order", "pk").first()
    assert draft_indicator is not None

    adopted = plans.PlanVersion.Status.ADOPTED
    targets = {}
    for n, actor in enumerate(ACTORS, 1):
        office = OTHER_OFFICE if actor == OTHER else OWN
        owner = users["referente.segreteria" if actor == OTHER else ACTOR_USER[actor] or "lettore"]
        amend_cycle = plans.Cycle.objects.create(body=body, year=2000 + n, first_year=2000 + n,
                                                 last_year=2002 + n)
        plans.PlanVersion.objects.create(cycle=amend_cycle, status=adopted, title="Prova")
        adopt_cycle = plans.Cycle.objects.create(body=body, year=2010 + n, first_year=2010 + n,
                                                 last_year=2012 + n)
        base = plans.PlanVersion.objects.create(cycle=adopt_cycle, status=adopted, title="Prova")
        to_adopt = plans.PlanVersion.objects.create(cycle=adopt_cycle, number=2, based_on=base,
                                                    title="Aggiornamento")
        area = plans.StrategicArea.objects.create(version=draft, code=f"P{n}", title=f"Prova {n}")
        first, second, third = (plans.StrategicObjective.objects.create(
            version=draft, area=area, code=f"P{n}{x}", title=f"Obiettivo {n}{x}") for x in "abc")
        targets[actor] = {
            "body_id": body.pk, "year": 2022, "scratch_year": scratch.year,
            "period_id": june.pk, "closed_id": july.pk, "result_set_id": result_set.pk,
            "tree": "strategy", "kind": "piano",
            # the office's objects: «Punto Impresa Digitale», or «Segreteria Generale»
            "card": cards[office], "key": f"op:{cards[office]}", "office": units[office].pk,
            "indicator_id": indicators[office].pk, "variable_id": variables[office].pk,
            "value_id": values[office],
            "phase_id": phases[office].pk, "phase_title": phases[office].title,
            # the draft amendment of 2022
            "draft": draft.pk, "draft_area": draft_area.pk, "draft_card": draft_card.pk,
            "draft_indicator": draft_indicator.pk,
            # the actor's own write targets
            "new_date_web": date(scratch.year, 10, n), "new_date_api": date(scratch.year, 11, n),
            "move_web": _period(scratch, date(scratch.year, 1, n), Period.State.PLANNED),
            "move_api": _period(scratch, date(scratch.year, 2, n), Period.State.PLANNED),
            "validate_web": _period(scratch, date(scratch.year, 3, n), Period.State.CLOSED),
            "validate_api": _period(scratch, date(scratch.year, 4, n), Period.State.CLOSED),
            "token_web": create_token(owner, f"da revocare, pagina ({actor})")[0].pk,
            "token_api": create_token(owner, f"da revocare, API ({actor})")[0].pk,
            "amend_year": amend_cycle.year, "adopt_version": to_adopt.pk,
            "delete_area": plans.StrategicArea.objects.create(
                version=draft, code=f"D{n}", title=f"Da eliminare {n}").pk,
            "move_so": third.pk, "reorder_so": second.pk, "reorder_after": first.pk,
            **_parts(draft, first, draft_card, n),
            "membership": Membership.objects.create(
                user=User.objects.create_user(f"da.togliere.{n}"), body=body,
                role=Role.READER).pk,
            "invitation_withdraw": Invitation.objects.create(
                body=body, username=f"invitato.{n}", role=Role.READER).pk,
            **{f"invitation_{answer}": Invitation.objects.create(
                body=inviting, username=owner.username, role=role).pk
               for answer, role in (("accept", Role.READER), ("decline", Role.EVALUATOR))},
        }
    return targets, users


def _parts(draft: plans.PlanVersion, objective: plans.StrategicObjective,
           card: plans.OperationalObjective, n: int) -> dict[str, Any]:
    """An actor's own phases and actions of the draft, to edit and to delete."""
    found: dict[str, Any] = {"edit_action_code": f"E{n}"}
    for use in ("edit", "delete"):
        found[f"{use}_phase"] = plans.Phase.objects.create(
            version=draft, strategic_objective=objective, title=f"Fase da {use} {n}",
            first_year=2022, last_year=2022).pk
        found[f"{use}_action"] = plans.Action.objects.create(
            version=draft, operational_objective=card, code=f"{use[0].upper()}{n}",
            title=f"Azione da {use} {n}").pk
    return found


@pytest.fixture(scope="module")
def server(serve: Callable[[], AbstractContextManager[LiveServer]]) -> Iterator[LiveServer]:
    """A server of the module's own: the browser tests' one keeps Chromium's connections."""
    with serve() as live:
        yield live


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, server: LiveServer,
         django_db_blocker: DjangoDbBlocker,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The data, committed (the server sees it on PostgreSQL as on the in-memory SQLite
    connection it shares), and a logged-in session and an API key per user; afterwards the
    database as it was, as Django's serialized rollback does (see tests/browser/conftest.py).
    Evidence files go to a MEDIA_ROOT of the module's own."""
    from django.core.management import call_command
    from django.db import connection

    # Unblocked for the whole module, not only during each test: the server thread closes
    # its request (request_finished → close_old_connections, a database call) after the
    # client has read the response, sometimes after the test that sent it has ended.
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))), \
            django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
        targets, users = build(_shared_conftest(request.config))
        keys = {name: create_token(users[name], "chiave della matrice")[1]
                for name in ACTOR_USER.values() if name}
        sessions = {name: sign_in(server.url, name) for name in set(ACTOR_USER.values())}
        try:
            yield Site(server.url, targets, sessions, keys)
        finally:
            for session in sessions.values():  # ends their keep-alive connections
                session.close()
            server.wait_for_requests()
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True,
                         reset_sequences=False)
            connection.creation.deserialize_db_from_string(before)


# --------------------------------------------------------------------------- the cases


def _fill(value: Any, t: Target) -> Any:
    """A row's template with the actor's objects: "{card}" → "01_01_02"."""
    if isinstance(value, str):
        return value.format(**t)
    if isinstance(value, dict):
        return {k: _fill(v, t) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, t) for v in value]
    return value


def _send(site: Site, row: Row, actor: str, t: Target) -> requests.Response:
    user = ACTOR_USER[actor]
    data = row.data(site, t) if callable(row.data) else _fill(row.data, t)
    query = _fill(row.query, t)
    headers = _fill(row.headers, t)
    if row.api:
        names = [name for _, name, _, _ in string.Formatter().parse(row.target) if name]
        path = row.target.format(**{n: _fill(row.kwargs.get(n, f"{{{n}}}"), t) for n in names})
        if user is not None:
            headers["Authorization"] = f"Bearer {site.keys[user]}"
        return requests.request(row.method, site.url + API + path, params=query, json=data,
                                headers=headers, allow_redirects=False, timeout=TIMEOUT)
    kwargs = _fill(row.kwargs, t)
    if "<int:body_id>" in PAGES.get(row.target, ("", set()))[0]:
        kwargs["body_id"] = t["body_id"]
    session: requests.Session = t["session"]
    if row.method != "GET":
        headers["X-CSRFToken"] = session.cookies["csrftoken"]
    return session.request(row.method, site.url + reverse(row.target, kwargs=kwargs),
                           params=query, data=data, headers=headers, allow_redirects=False,
                           timeout=TIMEOUT)


def outcome(response: requests.Response) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        where = urlsplit(response.headers.get("Location", "")).path
        return LOGIN if where in LOGIN_PAGES else OK
    if 200 <= response.status_code < 300:
        return OK
    return str(response.status_code)


CASES = [
    pytest.param(row, actor, id=f"{row.method} {row.name} as {actor} -> {row.expected[actor]}")
    for row in MATRIX for actor in ACTORS
]


@pytest.mark.parametrize(("row", "actor"), CASES)
def test_permission(site: Site, row: Row, actor: str, db: None) -> None:
    # `db`: the database may be used by the test and by the server thread; on SQLite the
    # server shares this test's connection, so its writes are also rolled back afterwards.
    user = ACTOR_USER[actor]
    t = dict(site.targets[actor], marker=str(row.number * 10 + ACTORS.index(actor)))
    if not row.api:
        t["session"] = sign_in(site.url, user) if row.fresh else site.sessions[user]
    before = row.check.state(t) if row.check else None
    try:
        response = _send(site, row, actor, t)
    finally:
        if row.fresh:
            t["session"].close()
    expected, got = row.expected[actor], outcome(response)
    assert got == expected, (
        f"{row.method} {response.url} as {actor}: {response.status_code} "
        f"{response.headers.get('Location', '')} {response.text[:300]!r}")
    if row.check is None:
        return
    after = row.check.state(t)
    if expected == OK:
        assert row.check.done(t, after), f"allowed, but not done: {before!r} → {after!r}"
    else:
        assert after == before, f"refused, but changed: {before!r} → {after!r}"
