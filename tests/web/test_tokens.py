"""The API tokens page: create (key shown once), list, revoke; only one's own tokens."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from performa.accounts.models import ApiToken
from performa.accounts.tokens import digest, user_for_key

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
