"""The API tokens page: create (key shown once), list, revoke; only one's own tokens. A token
mints no tokens and ends with its owner's access (deactivated, last role taken away)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from performa.accounts.models import ApiToken, Membership, Role
from performa.accounts.tokens import create_token, digest, user_for_key
from performa.plans.models import Body

pytestmark = pytest.mark.django_db


def test_a_user_creates_a_token_sees_its_key_once_and_revokes_it(client: Client) -> None:
    owner = User.objects.create_user("oiv", password="x-Secret-9")
    client.force_login(owner)
    page = client.post(reverse("web:token_create"), {"name": "script di controllo"})
    assert page.status_code == 200
    html = page.content.decode()
    key = html.split("<code data-chiave>", 1)[1].split("</code>", 1)[0]
    assert key.startswith("pf_") and "non sarà più mostrata" in html
    token = ApiToken.objects.get()
    assert token.digest == digest(key) and key not in (token.prefix, token.digest)
    assert user_for_key(key) == owner
    listing = client.get(reverse("web:tokens")).content.decode()
    assert "script di controllo" in listing and key not in listing
    client.post(reverse("web:token_revoke", args=[token.pk]))
    assert user_for_key(key) is None
    assert "revocato il" in client.get(reverse("web:tokens")).content.decode()


def test_a_token_needs_a_name_and_another_users_token_cannot_be_revoked(
        client: Client) -> None:
    owner = User.objects.create_user("oiv", password="x-Secret-9")
    other = User.objects.create_user("lettore", password="x-Secret-9")
    client.force_login(owner)
    refused = client.post(reverse("web:token_create"), {"name": "  "})
    assert refused.status_code == 422 and "descrizione" in refused.content.decode()
    assert not ApiToken.objects.exists()
    client.force_login(other)
    client.post(reverse("web:token_create"), {"name": "mio"})
    token = ApiToken.objects.get()
    client.force_login(owner)
    assert client.post(reverse("web:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.get(reverse("web:token_revoke", args=[token.pk])).status_code == 405


# --------------------------------------------------------------------------- tokens end with access

API = "/api/v1"


def _member(name: str, *roles: Role) -> tuple[User, Body]:
    body = Body.objects.first() or Body.objects.create(name="Camera di Commercio di Prova")
    user = User.objects.create_user(name, password="x-Secret-9")
    for role in roles:
        Membership.objects.create(user=user, body=body, role=role)
    return user, body


def _calls(key: str, path: str = "/bodies") -> int:
    return Client().get(API + path, HTTP_AUTHORIZATION=f"Bearer {key}").status_code


def test_a_token_cannot_create_tokens_but_the_password_session_can() -> None:
    owner, _ = _member("oiv", Role.EVALUATOR)
    _, key = create_token(owner, "integrazione")
    refused = Client().post(f"{API}/tokens", json.dumps({"name": "figlio"}),
                            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert "Un token non può creare altri token" in refused.json()["message"]
    assert ApiToken.objects.count() == 1
    # The person, logged in with the password, from the browser session (CSRF-checked).
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username="oiv", password="x-Secret-9")
    browser.get(reverse("web:tokens"))
    created = browser.post(f"{API}/tokens", json.dumps({"name": "dal browser"}),
                           content_type="application/json",
                           HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)
    assert created.status_code == 201 and created.json()["key"].startswith("pf_")
    assert _calls(created.json()["key"]) == 200


def test_taking_away_the_last_role_revokes_the_persons_tokens(client: Client) -> None:
    admin, body = _member("amministratore", Role.ADMIN)
    person, _ = _member("referente", Role.READER, Role.EVALUATOR)
    _, key = create_token(person, "integrazione")
    client.force_login(admin)
    reader, evaluator = (Membership.objects.get(user=person, role=role)
                         for role in (Role.READER, Role.EVALUATOR))
    members = reverse("web:member_revoke", kwargs={"body_id": body.pk,
                                                   "membership_id": reader.pk})
    assert client.post(members).status_code == 302
    assert _calls(key) == 200  # one role left: the access goes on
    client.post(reverse("web:member_revoke", kwargs={"body_id": body.pk,
                                                    "membership_id": evaluator.pk}))
    assert _calls(key) == 401
    token = ApiToken.objects.get(user=person)
    assert token.revoked_by == admin and token.revoked_reason == "tolto l'ultimo ruolo dell'utente"
    # Given a role again, the person needs a new token: the old one stays revoked.
    Membership.objects.create(user=person, body=body, role=Role.READER)
    assert _calls(key) == 401
    client.force_login(person)
    assert "tolto l&#x27;ultimo ruolo" in client.get(reverse("web:tokens")).content.decode()


def test_a_deactivated_persons_tokens_stop_and_stay_revoked() -> None:
    person, _ = _member("lettore", Role.READER)
    _, key = create_token(person, "integrazione")
    assert _calls(key) == 200
    person.is_active = False
    person.save()
    assert _calls(key) == 401
    assert ApiToken.objects.get().revoked_reason == "utente disattivato"
    person.is_active = True  # re-activated: old keys (perhaps leaked meanwhile) stay dead
    person.save()
    assert _calls(key) == 401
    with pytest.raises(ValueError, match="disattivato"):
        create_token(User.objects.create_user("spento", is_active=False), "x")
