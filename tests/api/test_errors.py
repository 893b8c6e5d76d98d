"""Every answer under /api/ is the documented JSON error ``{"code", "message", "details"?}``:
unknown paths, wrong methods, malformed and oversized bodies, and unexpected failures — with
DEBUG on as off, since a traceback is for the server's log, never for the caller."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from performa.accounts.models import Membership, Role
from performa.accounts.tokens import create_token
from performa.measures import actions
from performa.measures.models import MeasuredValue, Period
from performa.plans import models as plans
from performa.plans.document import PlanDocument
from performa.plans.store import store_plan

pytestmark = pytest.mark.django_db
API = "/api/v1"
SECRET = "dettaglio-interno-da-non-mostrare"


def _failing_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET)


# A test-only URLconf: the real one, plus a plain Django view under /api/ that fails, for
# failures outside django-ninja's views (which the API's own handlers never see).
urlpatterns = [
    path("api/v1/guasto-django", _failing_view),
    path("", include("performa.urls")),
]


@pytest.fixture(params=[False, True], ids=["DEBUG=0", "DEBUG=1"])
def debug(request: pytest.FixtureRequest, settings: Any) -> bool:
    settings.DEBUG = request.param
    return bool(request.param)


@pytest.fixture
def site(plan: PlanDocument) -> dict[str, Any]:
    version = store_plan(plan).version
    body = version.cycle.body
    office = body.org_units.get(name="Punto Impresa Digitale")
    june = Period.objects.create(cycle=version.cycle, date=date(2022, 6, 30), state="open")
    user = User.objects.create_user("referente.pid", password="x-Secret-9")
    Membership.objects.create(user=user, body=body, role=Role.STAFF, org_unit=office)
    bando = plans.Indicator.objects.get(version=version, name="Bando PID")
    return {
        "auth": {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, 'prova')[1]}"},
        "value_path": f"{API}/bodies/{body.pk}/periods/{june.pk}/indicators/{bando.pk}/value",
    }


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The answer is the documented JSON error, with no trace of Python in it."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert body["code"] == code and body["message"], body
    assert set(body) <= {"code", "message", "details"}
    text = response.content.decode()
    assert "Traceback" not in text and SECRET not in text and "<html" not in text.lower()
    return dict(body)


def test_a_body_over_the_limit_is_413_in_json(site: dict[str, Any], debug: bool) -> None:
    # Was a 500 with a plain-text traceback (DEBUG=1) or Django's HTML 400 (DEBUG=0).
    huge = json.dumps({"value": "60", "revision": 0, "note": "x" * (3 * 1024 * 1024)})
    response = Client().put(site["value_path"], huge, content_type="application/json",
                            **site["auth"])
    body = _error(response, 413, "too_large")
    assert "troppo grande" in body["message"]
    # Refused before anything else looks at it: without a token too.
    response = Client().put(site["value_path"], huge, content_type="application/json")
    _error(response, 413, "too_large")
    assert not MeasuredValue.objects.exists()


def test_an_unknown_path_is_404_in_json(debug: bool) -> None:
    for unknown in (f"{API}/nonexistent", f"{API}/bodies/", "/api/v2/bodies", "/api/"):
        body = _error(Client().get(unknown), 404, "not_found")
        assert "inesistente" in body["message"]


def test_a_method_the_operation_does_not_answer_is_405_in_json(debug: bool) -> None:
    response = Client().delete(f"{API}/version")
    body = _error(response, 405, "not_allowed")
    assert "GET" in response["Allow"] and "DELETE" in body["message"]


def test_a_body_that_is_no_json_is_400_in_json_and_italian(site: dict[str, Any],
                                                           debug: bool) -> None:
    # Was ninja's «Cannot parse request body» (with Python's reason when DEBUG is on).
    response = Client().put(site["value_path"], '{"value": "60", ',
                            content_type="application/json", **site["auth"])
    body = _error(response, 400, "bad_request")
    assert body["message"] == "Il corpo della richiesta non è JSON valido (riga 1, colonna 17)."
    assert not MeasuredValue.objects.exists()


def test_an_unexpected_failure_in_an_operation_is_500_in_json(
        site: dict[str, Any], debug: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(SECRET)

    monkeypatch.setattr(actions, "enter_value", broken)
    response = Client(raise_request_exception=False).put(
        site["value_path"], json.dumps({"value": "60", "revision": 0}),
        content_type="application/json", **site["auth"])
    body = _error(response, 500, "server_error")
    assert body["message"].startswith("Errore interno")


@pytest.mark.urls(__name__)
def test_an_unexpected_failure_outside_the_operations_is_500_in_json(debug: bool) -> None:
    response = Client(raise_request_exception=False).get(f"{API}/guasto-django")
    body = _error(response, 500, "server_error")
    assert body["message"].startswith("Errore interno")
    # The test URLconf keeps the API and the pages as they are.
    assert Client().get(f"{API}/version").json()["name"] == "Performa"
    assert Client().get("/accedi/").status_code == 200
