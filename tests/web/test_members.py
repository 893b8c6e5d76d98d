"""Utenti e ruoli: the body's administrator gives and takes roles, without the Django admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from performa.accounts import access
from performa.accounts.models import Membership, Role
from performa.interchange.database import store_plan
from performa.interchange.document import PlanDocument
from performa.plans.models import Body

pytestmark = pytest.mark.django_db
PASSWORD = "x-Secret-9"


@pytest.fixture
def site(plan: PlanDocument) -> dict[str, Any]:
    body = store_plan(plan).version.cycle.body

    def member(name: str, role: Role) -> Client:
        user = User.objects.create_user(name, password=PASSWORD)
        Membership.objects.create(user=user, body=body, role=role)
        client = Client()
        client.force_login(user)
        return client

    return {
        "body": body, "office": body.org_units.get(name="Punto Impresa Digitale"),
        "area": body.org_units.get(name="Promozione e sviluppo economico"),
        "admin": member("amministratore", Role.ADMIN),
        "planning": member("pianificazione", Role.PLANNING),
    }


def url(site: dict[str, Any], name: str = "members", **kwargs: int) -> str:
    return reverse(f"web:{name}", kwargs={"body_id": site["body"].pk, **kwargs})


def test_the_administrator_creates_a_staff_member_who_can_then_log_in(
        site: dict[str, Any]) -> None:
    page = site["admin"].get(url(site))
    assert page.status_code == 200
    assert "Utenti e ruoli" in page.content.decode()
    response = site["admin"].post(url(site, "member_grant"), {
        "username": "m.rossi", "first_name": "Mario", "last_name": "Rossi",
        "email": "m.rossi@example.it", "password": "Digitale-2022!", "role": "staff",
        "org_unit": site["office"].pk,
    })
    assert response.status_code == 302
    user = User.objects.get(username="m.rossi")
    assert user.get_full_name() == "Mario Rossi" and user.check_password("Digitale-2022!")
    assert access.can_enter(user, site["body"], site["office"])
    assert not access.can_plan(user, site["body"])
    shown = site["admin"].get(url(site)).content.decode()
    assert "m.rossi" in shown and "Punto Impresa Digitale" in shown
    membership = Membership.objects.get(user=user)
    record = membership.history.get()
    assert record.history_user.username == "amministratore"
    assert record.history_change_reason == "ruolo assegnato dall'amministratore"
    assert Client().login(username="m.rossi", password="Digitale-2022!")


def test_an_existing_account_gets_one_more_role_and_keeps_its_password(
        site: dict[str, Any]) -> None:
    response = site["admin"].post(url(site, "member_grant"), {
        "username": "pianificazione", "role": "head", "org_unit": site["area"].pk,
        "password": "ignorata",
    })
    assert response.status_code == 302
    user = User.objects.get(username="pianificazione")
    assert user.check_password(PASSWORD)
    assert access.roles(user, site["body"]) == {Role.PLANNING, Role.HEAD}


@pytest.mark.parametrize(("data", "message"), [
    ({"username": "nuovo", "role": "staff", "password": "Digitale-2022!"},
     "Il ruolo Referente va assegnato a un ufficio."),
    ({"username": "nuovo", "role": "head", "org_unit": "office", "password": "Digitale-2022!"},
     "Il ruolo Dirigente va assegnato a un&#x27;area."),
    ({"username": "nuovo", "role": "reader"}, "Per un nuovo utente indicare una password."),
    ({"username": "nuovo", "role": "reader", "password": "nuovo"},
     "Questa password è troppo corta: deve contenere almeno 8 caratteri."),
    ({"username": "nuovo", "role": "reader", "password": "Digitale-2022!", "email": "no"},
     "indirizzo email valido"),
    ({"username": "con spazi", "role": "reader", "password": "Digitale-2022!"},
     "nome utente valido"),
    ({"username": "pianificazione", "role": "planning"},
     "pianificazione ha già il ruolo Controllo di gestione."),
    ({"username": "nuovo", "role": "capo", "password": "Digitale-2022!"},
     "Ruolo «capo» sconosciuto."),
    ({"username": "nuovo", "password": "Digitale-2022!"}, "Scegliere un ruolo."),
    ({"username": "nuovo", "role": "reader", "password": "Digitale-2022!", "last_name": "R\x00"},
     "Il testo contiene il carattere nullo (NUL)."),
])
def test_a_refused_grant_says_why_in_italian_and_stores_nothing(
        site: dict[str, Any], data: dict[str, Any], message: str) -> None:
    if data.get("org_unit") == "office":
        data["org_unit"] = site["office"].pk
    before = (User.objects.count(), Membership.objects.count())
    response = site["admin"].post(url(site, "member_grant"), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert (User.objects.count(), Membership.objects.count()) == before


def test_a_unit_of_another_body_is_refused(site: dict[str, Any]) -> None:
    other = Body.objects.create(name="Camera di Commercio Altrove")
    foreign = other.org_units.create(name="Ufficio altrui", kind="office")
    response = site["admin"].post(url(site, "member_grant"), {
        "username": "pianificazione", "role": "staff", "org_unit": foreign.pk})
    assert response.status_code == 422
    assert "L&#x27;unità deve appartenere all&#x27;ente." in response.content.decode()


def test_a_role_is_taken_away_and_the_history_keeps_it(site: dict[str, Any]) -> None:
    membership = Membership.objects.get(user__username="pianificazione")
    response = site["admin"].post(url(site, "member_revoke", membership_id=membership.pk))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(username="pianificazione").exists()
    removed = Membership.history.filter(id=membership.pk).order_by("history_date").last()
    assert removed.history_type == "-" and removed.history_user.username == "amministratore"


def test_the_last_administrator_cannot_be_removed(site: dict[str, Any]) -> None:
    own = Membership.objects.get(user__username="amministratore")
    response = site["admin"].post(url(site, "member_revoke", membership_id=own.pk))
    assert response.status_code == 422
    assert "ultimo amministratore" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_only_the_administrator_manages_roles(site: dict[str, Any]) -> None:
    """The server refuses, whatever the page shows: the planning office neither sees the page
    nor grants itself a role; an outsider is told the body does not exist."""
    planning = site["planning"]
    assert planning.get(url(site)).status_code == 403
    assert planning.post(url(site, "member_grant"), {
        "username": "pianificazione", "role": "admin"}).status_code == 403
    own = Membership.objects.get(user__username="amministratore")
    assert planning.post(url(site, "member_revoke", membership_id=own.pk)).status_code == 403
    outsider = Client()
    outsider.force_login(User.objects.create_user("estraneo", password=PASSWORD))
    assert outsider.get(url(site)).status_code == 404
    assert Membership.objects.count() == 2
    menu = planning.get(reverse("web:dashboard", kwargs={"body_id": site["body"].pk}))
    assert "Utenti e ruoli" not in menu.content.decode()
    assert "Utenti e ruoli" in site["admin"].get(
        reverse("web:dashboard", kwargs={"body_id": site["body"].pk})).content.decode()
