"""Utenti e ruoli: the body's administrator gives and takes roles, without the Django admin;
people of other bodies are invited, and nothing about their accounts leaks."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from performa.accounts import access
from performa.accounts.models import Invitation, Membership, Role
from performa.plans.document import PlanDocument
from performa.plans.models import Body
from performa.plans.store import store_plan

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


# --------------------------------------------------------------------------- other bodies


@pytest.fixture
def elsewhere(site: dict[str, Any]) -> User:
    """Someone with a role in another body: nothing of theirs is the administrator's."""
    other = Body.objects.create(name="Camera di Commercio Altrove")
    person = User.objects.create_user("m.bianchi", password=PASSWORD, first_name="Maria",
                                      last_name="Bianchi", email="m.bianchi@altrove.example")
    person.last_login = timezone.make_aware(timezone.datetime(2022, 3, 14, 9, 26))
    person.save()
    Membership.objects.create(user=person, body=other, role=Role.PLANNING)
    return person


def _answer(site: dict[str, Any], username: str, **extra: str) -> tuple[int, str, list[str]]:
    """What the administrator learns from asking a role for ``username``: the status, where
    it leads, and the messages shown there — the name itself written as «X»."""
    response = site["admin"].post(url(site, "member_grant"),
                                  {"username": username, "role": "reader", **extra})
    location = response.get("Location", "")
    page = site["admin"].get(location).content.decode() if location else ""
    shown = re.findall(r'<div class="alert[^"]*" role="(?:status|alert)">(.*?)</div>', page)
    return response.status_code, location, [text.replace(username, "X") for text in shown]


def test_an_account_of_another_body_answers_as_an_unknown_name_and_is_only_invited(
        site: dict[str, Any], elsewhere: User) -> None:
    existing = _answer(site, "m.bianchi")
    unknown = _answer(site, "nessuno.tale")
    assert existing == unknown  # no oracle: same status, same place, same words
    status, location, [message] = existing
    assert status == 302 and location == url(site)
    assert "Se l&#x27;account esiste" in message and "solo se lo accetta" in message
    page = site["admin"].get(url(site)).content.decode()
    for secret in ("Maria", "Bianchi", "altrove.example", "14/03/2022", "Altrove"):
        assert secret not in page
    assert "m.bianchi" in page and "nessuno.tale" in page  # both listed as invited, alike
    assert not Membership.objects.filter(user=elsewhere, body=site["body"]).exists()
    assert Invitation.objects.filter(status="pending").count() == 2


def test_a_new_account_with_a_taken_name_is_not_created_and_answers_the_same(
        site: dict[str, Any], elsewhere: User) -> None:
    account = {"password": "Digitale-2022!", "first_name": "Mario", "last_name": "Rossi"}
    taken = _answer(site, "m.bianchi", **account)
    assert taken == _answer(site, "nessuno.tale")
    elsewhere.refresh_from_db()
    assert elsewhere.check_password(PASSWORD) and elsewhere.get_full_name() == "Maria Bianchi"
    assert not Membership.objects.filter(user=elsewhere, body=site["body"]).exists()
    # A weak password is refused whoever holds the name: no oracle there either.
    weak = {"role": "reader", "password": "corta"}
    for username in ("m.bianchi", "libero"):
        refused = site["admin"].post(url(site, "member_grant"), {"username": username, **weak})
        assert refused.status_code == 422 and "troppo corta" in refused.content.decode()


def test_the_invited_person_accepts_and_the_role_is_in_the_history(
        site: dict[str, Any], elsewhere: User) -> None:
    site["admin"].post(url(site, "member_grant"), {
        "username": "m.bianchi", "role": "staff", "org_unit": site["office"].pk})
    person = Client()
    login = person.post(reverse("web:login"), {"username": "m.bianchi", "password": PASSWORD})
    assert login.status_code == 302
    page = person.get(reverse("web:invitations")).content.decode()
    assert "Ha un invito" in page  # told at login
    assert "Camera di Commercio di Prova" in page and "Punto Impresa Digitale" in page
    invitation = Invitation.objects.get(username="m.bianchi")
    accepted = person.post(reverse("web:invitation_accept", args=[invitation.pk]), follow=True)
    assert "Invito accettato" in accepted.content.decode()
    membership = Membership.objects.get(user=elsewhere, body=site["body"])
    assert access.can_enter(elsewhere, site["body"], site["office"])
    record = membership.history.get()
    assert record.history_user == elsewhere
    assert record.history_change_reason == "invito di amministratore accettato"
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.answered_at is not None
    assert "Nessun invito in attesa" in person.get(reverse("web:invitations")).content.decode()
    # Now a member: the administrator sees the name and gives further roles at once.
    assert "Maria Bianchi" in site["admin"].get(url(site)).content.decode()
    again = site["admin"].post(url(site, "member_grant"), {"username": "m.bianchi",
                                                           "role": "reader"})
    assert again.status_code == 302
    fresh = User.objects.get(pk=elsewhere.pk)  # access caches roles on the object
    assert access.roles(fresh, site["body"]) == {Role.STAFF, Role.READER}


def test_an_invitation_is_declined_withdrawn_or_someone_elses(
        site: dict[str, Any], elsewhere: User) -> None:
    for role in ("reader", "evaluator"):
        site["admin"].post(url(site, "member_grant"), {"username": "m.bianchi", "role": role})
    site["admin"].post(url(site, "member_grant"), {"username": "m.bianchi", "role": "reader"})
    reader, evaluator = (Invitation.objects.get(role=role) for role in ("reader", "evaluator"))
    person = Client()
    person.force_login(elsewhere)
    # Another person's invitation is as if it did not exist, to accept or to decline.
    assert site["planning"].post(reverse("web:invitation_accept", args=[reader.pk])) \
        .status_code == 404
    assert site["planning"].post(reverse("web:invitation_decline", args=[reader.pk])) \
        .status_code == 404
    assert person.post(reverse("web:invitation_decline", args=[reader.pk])).status_code == 302
    assert site["admin"].post(url(site, "member_withdraw", invitation_id=evaluator.pk)) \
        .status_code == 302
    assert person.post(reverse("web:invitation_accept", args=[evaluator.pk])).status_code == 404
    assert person.post(reverse("web:invitation_accept", args=[reader.pk])).status_code == 404
    assert [i.status for i in Invitation.objects.order_by("pk")] == ["declined", "withdrawn"]
    assert not Membership.objects.filter(user=elsewhere, body=site["body"]).exists()
    # Only the administrator withdraws.
    pending = Invitation.objects.create(body=site["body"], username="x", role="reader")
    assert site["planning"].post(url(site, "member_withdraw", invitation_id=pending.pk)) \
        .status_code == 403
