"""The REST API: token authentication, the same rules as the pages, JSON errors in Italian,
all-or-nothing idempotent bulk uploads, results with explanations, documents."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook

from performa.accounts.models import Membership, Role
from performa.accounts.tokens import create_token, revoke_token
from performa.measures.models import BulkUpload, MeasuredValue, Period
from performa.plans import models as plans
from performa.plans.document import PlanDocument
from performa.plans.store import store_plan

pytestmark = pytest.mark.django_db
API = "/api/v1"
OPENAPI_FILE = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


class Caller:
    """A user calling the API with a personal token."""

    def __init__(self, client: Client, key: str) -> None:
        self.client, self.auth = client, {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params, **self.auth)

    def send(self, method: str, path: str, data: Any, **headers: str) -> Any:
        call = getattr(self.client, method)
        return call(API + path, json.dumps(data), content_type="application/json",
                    **self.auth, **headers)


@pytest.fixture
def site(plan: PlanDocument) -> dict[str, Any]:
    version = store_plan(plan).version
    body = version.cycle.body
    units = {u.name: u for u in body.org_units.all()}
    june = Period.objects.create(cycle=version.cycle, date=date(2022, 6, 30), state="open")
    other_body = plans.Body.objects.create(name="Camera di Commercio Altrove")

    def caller(name: str, role: Role | None, unit: str = "") -> Caller:
        user = User.objects.create_user(name, password="x-Secret-9")
        if role is not None:
            Membership.objects.create(user=user, body=body, role=role, org_unit=units.get(unit))
        return Caller(Client(), create_token(user, "prova")[1])

    return {
        "body": body, "june": june, "version": version, "other_body": other_body,
        "staff": caller("referente.pid", Role.STAFF, "Punto Impresa Digitale"),
        "other": caller("referente.segreteria", Role.STAFF, "Segreteria Generale"),
        "planning": caller("pianificazione", Role.PLANNING),
        "oiv": caller("oiv", Role.EVALUATOR),
        "outsider": caller("estraneo", None),
        "bando": plans.Indicator.objects.get(version=version, name="Bando PID"),
        "spaces": plans.Indicator.objects.get(version=version,
                                              name="Attrattività eventi realizzati"),
    }


def _value_path(site: dict[str, Any], indicator: plans.Indicator) -> str:
    return (f"/bodies/{site['body'].pk}/periods/{site['june'].pk}/indicators/"
            f"{indicator.pk}/value")


def test_without_a_valid_token_the_answer_is_401_in_json(site: dict[str, Any]) -> None:
    client = Client()
    response = client.get(f"{API}/bodies")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert "token" in response.json()["message"]
    assert client.get(f"{API}/bodies", HTTP_AUTHORIZATION="Bearer pf_sbagliato").status_code \
        == 401
    user = User.objects.get(username="oiv")
    token, key = create_token(user, "da revocare")
    assert Caller(client, key).get("/bodies").status_code == 200
    revoke_token(user, token.pk)
    assert Caller(client, key).get("/bodies").status_code == 401


def test_a_write_without_a_valid_token_is_401_not_a_csrf_refusal(site: dict[str, Any]) -> None:
    # Was 403 «CSRF check Failed»: the session scheme checked CSRF before seeing no session.
    for auth in ({}, {"HTTP_AUTHORIZATION": "Bearer pf_revocato"}):
        response = Client(enforce_csrf_checks=True).put(
            API + _value_path(site, site["bando"]), json.dumps({"value": "60"}),
            content_type="application/json", **auth)
        assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    assert not MeasuredValue.objects.exists()


def test_a_caller_sees_only_the_bodies_it_belongs_to(site: dict[str, Any]) -> None:
    listed = site["oiv"].get("/bodies").json()
    assert listed["count"] == 1
    assert listed["items"][0]["name"] == "Camera di Commercio di Prova"
    assert site["outsider"].get("/bodies").json() == {"items": [], "count": 0}
    missing = site["outsider"].get(f"/bodies/{site['body'].pk}")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    # another body is as invisible as one that does not exist
    assert site["oiv"].get(f"/bodies/{site['other_body'].pk}").status_code == 404


def test_paging_beyond_a_64_bit_integer_is_refused_not_a_server_error(
        site: dict[str, Any]) -> None:
    # Found by schemathesis: ?limit=10**20 was a 500 (SQLite «datatype mismatch»).
    path = f"/bodies/{site['body'].pk}/cycles/2022/variables"
    assert site["oiv"].get(path, limit=2**63 - 1, offset=2**63 - 1).status_code == 200
    for query in ({"limit": 2**63}, {"offset": 10**20}):
        assert site["oiv"].get(path, **query).json()["code"] == "malformed"


def test_the_tree_and_the_indicators_as_planned(site: dict[str, Any]) -> None:
    body = site["body"].pk
    tree = site["oiv"].get(f"/bodies/{body}/cycles/2022/tree").json()
    assert tree["version"]["status"] == "adopted"
    assert tree["version"]["resolution_number"] == "12/22"
    [area] = tree["areas"]
    assert [so["code"] for so in area["strategic"]] == ["01_01", "01_03"]
    pid = area["strategic"][0]["operational"][0]
    assert pid["code"] == "01_01_02" and len(pid["indicators"]) == 4
    assert pid["offices"] == ["Punto Impresa Digitale"]
    page = site["oiv"].get(f"/bodies/{body}/cycles/2022/indicators", objective="01_01_02",
                           limit=2).json()
    first = page["items"][0]
    assert first["name"] == "Bando PID" and first["position"] == 1
    assert first["targets"] == [{"year": 2022, "comparator": "≥", "value": "80"}]
    assert first["weight"] == "25,0%" and first["baseline"] == "426"
    everything = site["oiv"].get(f"/bodies/{body}/cycles/2022/indicators").json()
    assert everything["count"] == 6


def test_office_staff_enter_their_value_and_get_the_new_achievement(
        site: dict[str, Any]) -> None:
    response = site["staff"].send("put", _value_path(site, site["bando"]),
                                  {"value": "60", "note": "da Pid", "revision": 0})
    assert response.status_code == 200, response.content
    entered = response.json()
    assert entered["value"]["value"] == "60" and entered["value"]["revision"] == 1
    assert entered["value"]["author"] == "referente.pid"
    [result] = entered["results"]
    assert result["name"] == "Bando PID"
    assert result["achievement"] == pytest.approx(0.75)  # 60 against ≥ 80
    stored = MeasuredValue.objects.get()
    assert stored.history.count() == 1 and stored.history.first().history_user.username == \
        "referente.pid"


def test_another_offices_value_is_refused_and_nothing_is_stored(site: dict[str, Any]) -> None:
    response = site["other"].send("put", _value_path(site, site["bando"]),
                                         {"value": "60", "revision": 0})
    assert response.status_code == 403
    assert response.json() == {"code": "forbidden",
                               "message": "Può inserire solo i valori del proprio ufficio."}
    assert site["oiv"].send("put", _value_path(site, site["bando"]),
                            {"value": "60", "revision": 0}).status_code == 403
    assert not MeasuredValue.objects.exists()


def test_bad_values_are_refused_with_the_reason(site: dict[str, Any]) -> None:
    response = site["staff"].send("put", _value_path(site, site["bando"]),
                                         {"value": "tanti", "revision": 0})
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "invalid" and "«tanti»" in error["message"]
    assert "value" in error["details"]
    malformed = site["staff"].send("put", _value_path(site, site["bando"]), {"valore": "1"})
    assert malformed.status_code == 422 and malformed.json()["code"] == "malformed"
    assert "value" in malformed.json()["message"]
    not_available = site["staff"].send("put", _value_path(site, site["bando"]),
                                       {"value": "n.d.", "revision": 0})
    assert not_available.status_code == 422
    assert "motivo" in not_available.json()["message"].lower()
    assert not MeasuredValue.objects.exists()


def test_a_computed_indicator_takes_no_value(site: dict[str, Any]) -> None:
    """The resource use is computed from the card's budget and spending (issue 10 item 3):
    the action refuses a typed one for the API, one-by-one and in bulk, as for the pages."""
    use = plans.Indicator.objects.get(version=site["version"],
                                      name="Grado di utilizzo delle risorse")
    response = site["planning"].send("put", _value_path(site, use),
                                     {"value": "60%", "revision": 0})
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "invalid" and list(error["details"]) == ["value"]
    assert error["message"].startswith("«Grado di utilizzo delle risorse» si calcola dalle ")
    bulk = site["planning"].send("post", _bulk_path(site), {"values": [
        {"objective": "01_01_02", "indicator": 1, "value": "60"},
        {"objective": "01_01_02", "indicator": 3, "value": "60%"}]},
        HTTP_IDEMPOTENCY_KEY="utilizzo")
    assert bulk.status_code == 422
    assert bulk.json()["message"].startswith("values[1]: «Grado di utilizzo delle risorse» si ")
    assert not MeasuredValue.objects.exists()


def test_a_save_built_on_an_old_revision_is_refused_with_the_newer_value(
        site: dict[str, Any]) -> None:
    path = _value_path(site, site["bando"])
    assert site["staff"].send("put", path, {"value": "60", "revision": 0}).status_code == 200
    assert site["planning"].send("put", path, {"value": "70", "revision": 1}).status_code == 200
    stale = site["staff"].send("put", path, {"value": "65", "revision": 1})
    assert stale.status_code == 409
    assert stale.json()["details"] == {"value": "70", "revision": 2}
    assert MeasuredValue.objects.get().value_text == "70"


def test_a_closed_period_takes_no_values(site: dict[str, Any]) -> None:
    site["june"].state = "closed"
    site["june"].save()
    response = site["staff"].send("put", _value_path(site, site["bando"]),
                                         {"value": "60", "revision": 0})
    assert response.status_code == 422 and "non è aperta" in response.json()["message"]


def _bulk_path(site: dict[str, Any]) -> str:
    return f"/bodies/{site['body'].pk}/periods/{site['june'].pk}/values/bulk"


def test_bulk_upload_stores_all_or_nothing(site: dict[str, Any]) -> None:
    rows = [{"objective": "01_01_02", "indicator": 1, "value": "60"},
            {"objective": "01_01_02", "indicator": 9, "value": "1"}]
    response = site["planning"].send("post", _bulk_path(site), {"values": rows},
                                     HTTP_IDEMPOTENCY_KEY="lotto-1")
    assert response.status_code == 422
    assert response.json()["message"].startswith("values[1]: la scheda 01_01_02 ha 4")
    assert not MeasuredValue.objects.exists() and not BulkUpload.objects.exists()
    staff_rows = [{"objective": "01_01_02", "indicator": 1, "value": "60"},
                  {"objective": "01_03_03", "indicator": 1, "value": "1.500"}]
    refused = site["staff"].send("post", _bulk_path(site), {"values": staff_rows},
                                 HTTP_IDEMPOTENCY_KEY="lotto-2")
    assert refused.status_code == 403  # the second row is another office's
    assert not MeasuredValue.objects.exists()


def test_a_retried_bulk_upload_is_a_no_op(site: dict[str, Any]) -> None:
    rows = {"values": [{"objective": "01_01_02", "indicator": 1, "value": "60"},
                       {"objective": "01_03_03", "indicator": 1, "value": "1.200"}],
            "reason": "da contabilità"}
    first = site["planning"].send("post", _bulk_path(site), rows,
                                  HTTP_IDEMPOTENCY_KEY="contabilita-2022-06-30")
    assert first.status_code == 200
    assert first.json() == {"stored": 2, "period_id": site["june"].pk, "replayed": False}
    history = MeasuredValue.history.count()
    again = site["planning"].send("post", _bulk_path(site), rows,
                                  HTTP_IDEMPOTENCY_KEY="contabilita-2022-06-30")
    assert again.json() == {"stored": 2, "period_id": site["june"].pk, "replayed": True}
    assert MeasuredValue.history.count() == history == 2
    assert {v.revision for v in MeasuredValue.objects.all()} == {1}
    changed = dict(rows, values=rows["values"][:1])
    reused = site["planning"].send("post", _bulk_path(site), changed,
                                   HTTP_IDEMPOTENCY_KEY="contabilita-2022-06-30")
    assert reused.status_code == 422 and "già stata usata" in reused.json()["message"]
    assert MeasuredValue.history.first().history_change_reason == "da contabilità"
    no_key = site["planning"].send("post", _bulk_path(site), rows)
    assert no_key.status_code == 422 and no_key.json()["code"] == "malformed"


def test_results_come_with_their_explanation(site: dict[str, Any]) -> None:
    site["staff"].send("put", _value_path(site, site["bando"]), {"value": "60", "revision": 0})
    base = f"/bodies/{site['body'].pk}/periods/{site['june'].pk}/results"
    indicators = site["oiv"].get(f"{base}/indicators").json()["items"]
    bando = next(r for r in indicators if r["name"] == "Bando PID")
    assert bando["achievement"] == pytest.approx(0.75) and bando["display"] == "60"
    node = site["oiv"].get(f"{base}/nodes/strategy/op:01_01_02").json()
    assert node["label"].startswith("01_01_02")
    assert node["achievement"] == pytest.approx(0.75)  # the only indicator measured
    assert node["explanation"]
    nodes = site["oiv"].get(f"{base}/nodes", tree="strategy").json()
    assert "body" in {n["key"] for n in nodes["items"]}
    assert site["oiv"].get(f"{base}/nodes/strategy/op:99").status_code == 404


def test_planning_office_opens_and_closes_periods_oiv_validates(site: dict[str, Any]) -> None:
    body = site["body"].pk
    created = site["planning"].send("post", f"/bodies/{body}/cycles/2022/periods",
                                    {"date": "2022-09-30", "label": "Monitoraggio"})
    assert created.status_code == 201 and created.json()["state"] == "planned"
    refused = site["staff"].send("post", f"/bodies/{body}/cycles/2022/periods",
                                 {"date": "2022-10-31"})
    assert refused.status_code == 403
    june = f"/bodies/{body}/periods/{site['june'].pk}/state"
    assert site["planning"].send("post", june, {"state": "closed"}).json()["state"] == "closed"
    assert site["planning"].send("post", june, {"state": "validated"}).status_code == 403
    assert site["oiv"].send("post", june, {"state": "validated"}).json()["state"] == \
        "validated"


def test_documents_are_generated_on_request(site: dict[str, Any]) -> None:
    body = site["body"].pk
    kinds = {k["kind"]: k for k in site["oiv"].get(f"/bodies/{body}/documents").json()}
    assert "xlsx" in kinds["piano"]["formats"]
    response = site["oiv"].get(f"/bodies/{body}/documents/piano", year=2022, format="xlsx")
    assert response.status_code == 200
    assert "piano_prova_2022.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    card = book["01_01_02"]
    cells = [[c for c in row if c is not None] for row in card.iter_rows(values_only=True)]
    assert any("Bando PID" in str(row[0]) and "≥ 80" in row for row in cells if row)
    missing = site["oiv"].get(f"/bodies/{body}/documents/piano", year=2031, format="xlsx")
    assert missing.status_code == 422 and "2031" in missing.json()["message"]
    assert site["oiv"].get(f"/bodies/{body}/documents/ignoto", year=2022).status_code == 404


def test_the_open_data_json_is_documented_as_the_object_it_is(site: dict[str, Any]) -> None:
    # Found by schemathesis: documented as a binary string, served as a JSON object.
    response = site["oiv"].get(f"/bodies/{site['body'].pk}/documents/opendata", year=2022,
                               format="json")
    assert response.status_code == 200 and isinstance(response.json(), dict)
    document = Client().get(f"{API}/openapi.json").json()
    download = document["paths"]["/api/v1/bodies/{body_id}/documents/{kind}"]["get"]
    assert download["responses"]["200"]["content"]["application/json"]["schema"] == \
        {"type": "object"}


def test_the_browser_session_works_too_but_writes_need_the_csrf_token(
        site: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="referente.pid"))
    assert client.get(f"{API}/bodies").json()["count"] == 1
    refused = client.put(API + _value_path(site, site["bando"]), json.dumps({"value": "60"}),
                         content_type="application/json")
    assert refused.status_code == 403
    assert not MeasuredValue.objects.exists()


def test_tokens_are_created_listed_and_revoked_by_their_owner(site: dict[str, Any]) -> None:
    # Created from the owner's browser session (a password login), never by a token.
    minted = site["oiv"].send("post", "/tokens", {"name": "figlio"})
    assert minted.status_code == 403 and minted.json()["code"] == "forbidden"
    browser = Client()
    browser.force_login(User.objects.get(username="oiv"))
    created = browser.post(f"{API}/tokens", json.dumps({"name": "script OIV"}),
                           content_type="application/json")
    assert created.status_code == 201 and created.json()["key"].startswith("pf_")
    assert len(site["oiv"].get("/tokens").json()) == 2
    mine = created.json()["id"]
    assert site["staff"].send("delete", f"/tokens/{mine}", {}).status_code == 404
    assert site["oiv"].send("delete", f"/tokens/{mine}", {}).json()["revoked_at"]
    assert Caller(Client(), created.json()["key"]).get("/bodies").status_code == 401


def test_the_committed_openapi_document_is_the_served_one() -> None:
    served = Client().get(f"{API}/openapi.json")
    assert served.status_code == 200
    document = served.json()
    assert "/api/v1/bodies/{body_id}/periods/{period_id}/values/bulk" in document["paths"]
    assert json.loads(OPENAPI_FILE.read_text()) == document, (
        "docs/openapi.json is stale: .venv/bin/performa manage export_openapi_schema "
        "--api performa.api.app.api --indent 2 --output docs/openapi.json")


def test_a_value_too_long_to_store_is_refused_not_a_server_error(site: dict[str, Any]) -> None:
    response = site["staff"].send("put", _value_path(site, site["bando"]),
                                  {"value": "1234567890123," + "1" * 46, "revision": 0})
    assert response.status_code == 422 and "troppo lungo" in response.json()["message"]
    assert not MeasuredValue.objects.exists()


def test_a_nul_character_is_refused_in_the_body_the_address_and_the_query(
        site: dict[str, Any]) -> None:
    """PostgreSQL cannot store NUL: found by schemathesis as a 500 on the PUT of a value."""
    path = _value_path(site, site["bando"])
    in_body = site["staff"].send("put", path, {"value": "60", "note": "a\x00b", "revision": 0})
    assert in_body.status_code == 422 and in_body.json()["code"] == "malformed"
    assert "note" in in_body.json()["message"]
    assert "nullo" in in_body.json()["details"][0]["reason"]
    in_query = site["staff"].get(f"/bodies/{site['body'].pk}/cycles/2022/indicators",
                                 objective="01\x00")
    assert in_query.status_code == 400 and "nullo" in in_query.json()["message"]
    in_path = site["staff"].get(
        f"/bodies/{site['body'].pk}/periods/{site['june'].pk}/results/nodes/strategy/a%00b")
    assert in_path.status_code == 400
    assert not MeasuredValue.objects.exists()
