"""CSRF on every form: each POST form of the app carries the token, and a POST without it is
refused before anything changes.

The pages are found by crawling the application from its start pages as an administrator (who
sees every form) on a small plan with a draft amendment, an open period with a value and a
validation period, so that a new form on a new page is checked without being listed here.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from performa.accounts.access import SYSTEM
from performa.accounts.models import Membership, Role
from performa.measures.actions import enter_value
from performa.measures.models import MeasuredValue, Period
from performa.plans import models as m
from performa.plans.actions import amend
from performa.plans.document import PlanDocument
from performa.plans.store import store_plan

pytestmark = pytest.mark.django_db

TOKEN = "csrfmiddlewaretoken"
# Pages are HTML; these links are downloads (documents, CSV/XLSX exports) or leave the app.
SKIPPED_PREFIXES = ("/static/", "/media/", "/api/", "/esci/")
MAX_PAGES = 200  # the app has some 40 pages on the small plan
ADMIN_PAGES = 40
MAX_PER_VIEW = 4  # the same view with other parameters (filters, sorting) adds nothing


class Forms(HTMLParser):
    """The page's links and its forms: method, action, whether a CSRF token is inside."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict[str, str | bool]] = []
        self.hx_writes: list[str] = []  # hx-post/put/patch/delete outside a form
        self.body_headers = ""
        self._open: dict[str, str | bool] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "body":
            self.body_headers = a.get("hx-headers", "")
        if tag == "a" and "href" in a and "download" not in a:
            self.links.append(a["href"])
        if tag == "form":
            self._open = {"method": a.get("method", "get").lower(), "action": a.get("action", ""),
                          "token": False}
            self.forms.append(self._open)
        if (tag == "input" and self._open is not None and a.get("name") == TOKEN
                and a.get("type") == "hidden" and len(a.get("value", "")) >= 32):
            self._open["token"] = True
        writes = [a[k] for k in ("hx-post", "hx-put", "hx-patch", "hx-delete") if k in a]
        if writes and tag != "form" and self._open is None:
            self.hx_writes.extend(writes)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def _site(plan: PlanDocument) -> tuple[m.Body, User]:
    adopted = store_plan(plan).version
    body = adopted.cycle.body
    amend(SYSTEM, adopted.cycle)  # a draft: the editing forms of the planning editor
    admin = User.objects.create_superuser("amministratore", password="x-Secret-9")
    Membership.objects.create(user=admin, body=body, role=Role.ADMIN)
    june = Period.objects.create(cycle=adopted.cycle, date=date(2022, 6, 30), state="open")
    Period.objects.create(cycle=adopted.cycle, date=date(2022, 9, 30), state="closed")
    bando = m.Indicator.objects.get(version=adopted.cycle.current_version(), name="Bando PID")
    enter_value(admin, june, bando, "60")  # below target: the deviation form appears too
    return body, admin


def _crawl(client: Client, start: list[str], within: str = "/",
           outside: tuple[str, ...] = (), limit: int = MAX_PAGES) -> dict[str, Forms]:
    seen: dict[str, Forms] = {}
    per_view: Counter[str] = Counter()
    todo = list(start)
    while todo and len(seen) < limit:
        url = urldefrag(todo.pop(0))[0]
        parts = urlsplit(url)
        if url in seen or parts.netloc or not parts.path.startswith("/"):
            continue
        if not parts.path.startswith(within) or parts.path.startswith(SKIPPED_PREFIXES + outside):
            continue
        if "esporta=" in parts.query:
            continue
        try:
            view = resolve(parts.path).view_name
        except Resolver404:
            continue
        if view.startswith("web:document_download") or per_view[view] >= MAX_PER_VIEW:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        per_view[view] += 1
        page = Forms()
        page.feed(response.content.decode())
        seen[url] = page
        todo.extend(link for link in page.links if link.startswith("/"))
    return seen


def test_every_post_form_carries_the_csrf_token(client: Client, plan: PlanDocument) -> None:
    body, admin = _site(plan)
    anonymous = _crawl(Client(), ["/", "/accedi/", "/admin/login/"])
    client.force_login(admin)
    web = ["/", "/enti/", reverse("web:dashboard", args=[body.pk])]
    # The admin has hundreds of pages of a few kinds: a short crawl of its own covers them.
    admin_pages = _crawl(client, ["/admin/", f"/admin/plans/body/{body.pk}/change/",
                                  "/admin/password_change/"], within="/admin/",
                         limit=ADMIN_PAGES)
    pages = {**anonymous, **_crawl(client, web, outside=("/admin/",)), **admin_pages}

    missing = [(url, form["action"]) for url, page in pages.items() for form in page.forms
               if form["method"] == "post" and not form["token"]]
    assert missing == []
    # htmx writes outside a form send the token as a header, set once on <body>.
    for url, page in pages.items():
        if page.hx_writes:
            assert '"X-CSRFToken": "' in page.body_headers, url

    # The crawl did reach the forms that change data, in every part of the app.
    actions = {urlsplit(str(form["action"])).path or urlsplit(url).path
               for url, page in pages.items() for form in page.forms
               if form["method"] == "post"}
    views = {resolve(path).view_name for path in actions if _resolves(path)}
    expected = {"web:login", "web:logout", "web:entry_save", "web:planning_adopt",
                "web:planning_edit", "web:planning_new", "web:planning_delete",
                "web:planning_move", "web:planning_reorder", "web:planning_indicators",
                "web:period_create", "web:period_move", "web:validate_period", "admin:login",
                "admin:logout", "admin:plans_body_change", "admin:password_change"}
    assert expected <= views, expected - views
    assert len(pages) > 60


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


@pytest.fixture
def staff_site(plan: PlanDocument) -> dict:
    version = store_plan(plan).version
    body = version.cycle.body
    office = m.OrgUnit.objects.get(body=body, name="Punto Impresa Digitale")
    june = Period.objects.create(cycle=version.cycle, date=date(2022, 6, 30), state="open")
    staff = User.objects.create_user("referente.pid", password="x-Secret-9")
    Membership.objects.create(user=staff, body=body, role=Role.STAFF, org_unit=office)
    bando = m.Indicator.objects.get(version=version, name="Bando PID")
    url = reverse("web:entry_save", kwargs={"body_id": body.pk, "period_id": june.pk,
                                            "kind": "indicatore", "owner_id": bando.pk})
    return {"body": body, "staff": staff, "url": url}


def test_a_post_without_the_token_is_refused(staff_site: dict) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_site["staff"])
    entry = client.get(reverse("web:entry", args=[staff_site["body"].pk]))
    token = entry.context["csrf_token"]

    refused = client.post(staff_site["url"], {"value": "60", "revision": "0"})
    assert refused.status_code == 403
    forged = client.post(staff_site["url"], {"value": "60", "revision": "0", TOKEN: "x" * 64})
    assert forged.status_code == 403
    assert not MeasuredValue.objects.exists()

    # With the token of the page, as a field (plain form) or a header (htmx), it goes through.
    saved = client.post(staff_site["url"], {"value": "60", "revision": "0", TOKEN: str(token)})
    assert saved.status_code in (200, 302)
    again = client.post(staff_site["url"], {"value": "70", "revision": "1"},
                        HTTP_X_CSRFTOKEN=str(token), HTTP_HX_REQUEST="true")
    assert again.status_code == 200
    assert MeasuredValue.objects.get().value_text == "70"


def test_logging_in_needs_the_token_too(staff_site: dict) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accedi/", {"username": "referente.pid", "password": "x-Secret-9"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
