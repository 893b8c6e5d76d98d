"""Security headers, login throttling (django-axes), session expiry and HTTPS settings.

The settings that depend on environment variables (DEBUG off, the PERFORMA_* knobs) are
checked in a fresh interpreter in tests/test_settings.py; here the running app is.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.utils import timezone
from pytest_django import Settings

from performa.web.views.lockout import client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "x-Secret-9"
LOGIN = "/accedi/"
ADMIN_LOGIN = "/admin/login/"
BLOCKED = "Accesso temporaneamente bloccato"


@pytest.fixture
def user() -> User:
    return User.objects.create_user("pianificazione", password=PASSWORD)


def attempt(client: Client, password: str, url: str = LOGIN, username: str = "pianificazione",
            address: str = "127.0.0.1") -> Any:
    return client.post(url, {"username": username, "password": password},
                       REMOTE_ADDR=address)


def fail(client: Client, times: int, **kwargs: str) -> list[int]:
    return [attempt(client, "sbagliata", **kwargs).status_code for _ in range(times)]


# --------------------------------------------------------------------------- headers


def test_security_headers_on_every_page(client: Client, user: User) -> None:
    client.force_login(user)
    for url in ("/", LOGIN, "/enti/", "/pagina-inesistente/", ADMIN_LOGIN):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, url
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        policy = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()"):
            assert feature in policy, url


def test_an_address_with_a_nul_character_is_refused_in_italian(client: Client,
                                                              user: User) -> None:
    client.force_login(user)
    for url in ("/enti/?q=a%00", "/enti/a%00b/", "/?%00=1"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "carattere nullo" in response.content.decode()
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert client.get("/enti/?q=a").status_code == 200


def test_hsts_and_https_redirect_when_configured(client: Client,
                                                 settings: Settings) -> None:
    # The values DEBUG=0 gives (tests/test_settings.py checks that it gives them).
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(LOGIN)
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accedi/"
    secure = client.get(LOGIN, secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000"


def test_no_hsts_nor_redirect_in_the_demo(client: Client) -> None:
    # Settings were read with DEBUG on (the test runner turns it off afterwards).
    assert django_settings.SECURE_HSTS_SECONDS == 0 and not django_settings.SECURE_SSL_REDIRECT
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers


# --------------------------------------------------------------------------- login throttling


def test_lockout_after_the_configured_failures_in_italian(client: Client, user: User) -> None:
    limit = django_settings.AXES_FAILURE_LIMIT
    assert limit == 5 and django_settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert fail(client, limit - 1) == [200] * (limit - 1)  # the form again, with its error
    locked = attempt(client, "sbagliata")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert BLOCKED in page
    assert "per l'utente «pianificazione» da questo indirizzo" in page
    assert "bloccato per 15 minuti" in page
    retry = re.search(r"Riprova dopo le <strong>(\d\d):(\d\d)</strong>", page)
    assert retry is not None
    expected = timezone.localtime(timezone.now() + timedelta(minutes=15))
    assert abs((int(retry[1]) * 60 + int(retry[2])) - (expected.hour * 60 + expected.minute)) \
        in (0, 1, 1439)
    assert locked["Retry-After"] == "900"
    assert 'lang="it"' in page and "Content-Security-Policy" in locked.headers
    # Locked means locked: the right password is refused too, and nobody is logged in.
    again = attempt(client, PASSWORD)
    assert again.status_code == 429 and BLOCKED in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_user_name_and_address(client: Client, user: User) -> None:
    User.objects.create_user("oiv", password=PASSWORD)
    fail(client, django_settings.AXES_FAILURE_LIMIT)
    assert attempt(client, PASSWORD).status_code == 429
    assert attempt(Client(), PASSWORD, address="10.1.2.3").status_code == 302
    assert attempt(Client(), PASSWORD, username="oiv").status_code == 302


def test_lockout_ends_after_the_cool_off(client: Client, user: User) -> None:
    fail(client, django_settings.AXES_FAILURE_LIMIT)
    assert attempt(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = attempt(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/enti/"


def test_a_successful_login_resets_the_count(client: Client, user: User) -> None:
    limit = django_settings.AXES_FAILURE_LIMIT
    fail(client, limit - 1)
    assert AccessAttempt.objects.get().failures_since_start == limit - 1
    assert attempt(client, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()
    Client().logout()
    assert fail(Client(), limit - 1) == [200] * (limit - 1)  # counting starts again


def test_admin_login_is_throttled_too(client: Client) -> None:
    User.objects.create_superuser("admin", password=PASSWORD)
    statuses = fail(client, django_settings.AXES_FAILURE_LIMIT, url=ADMIN_LOGIN,
                    username="admin")
    assert statuses[-1] == 429
    response = attempt(client, PASSWORD, url=ADMIN_LOGIN, username="admin")
    assert response.status_code == 429
    assert BLOCKED in response.content.decode()
    assert 'href="/admin/login/"' in response.content.decode()  # back to the admin's login


def test_test_client_login_goes_through_axes(client: Client, user: User) -> None:
    assert client.login(username="pianificazione", password="sbagliata") is False
    assert AccessAttempt.objects.get().failures_since_start == 1
    assert client.login(username="pianificazione", password=PASSWORD) is True
    assert client.get("/enti/").status_code == 200


def test_a_password_sprayed_over_many_user_names_locks_the_address(client: Client,
                                                                    user: User) -> None:
    """Never five failures for one name, but twenty from one address: the address is locked
    out for everyone, whatever name it tries next, and other addresses are not."""
    limit = django_settings.LOGIN_FAILURES_PER_ADDRESS
    assert limit == 20 and limit > django_settings.AXES_FAILURE_LIMIT
    statuses = [attempt(client, "Primavera2024", username=f"utente{n}").status_code
                for n in range(limit)]
    assert statuses == [200] * (limit - 1) + [429]
    locked = attempt(client, PASSWORD)  # a real user, the right password, the same address
    assert locked.status_code == 429
    page = locked.content.decode()
    assert BLOCKED in page and "da questo indirizzo, con qualsiasi nome utente" in page
    assert "«pianificazione»" not in page
    assert attempt(Client(), PASSWORD, address="10.1.2.3").status_code == 302
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(Client(), PASSWORD).status_code == 302  # after the cool-off


def test_a_successful_login_does_not_clear_the_address_count(client: Client,
                                                            user: User) -> None:
    """An attacker holding one valid account cannot log in between rounds of spraying to
    start the address-wide count again: a success clears only its own name's failures."""
    limit = django_settings.LOGIN_FAILURES_PER_ADDRESS
    fail(client, 2)  # the user's own typos: forgiven by the success
    for n in range(limit - 3):
        attempt(Client(), "Primavera2024", username=f"utente{n}")
    assert attempt(Client(), PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="pianificazione").exists()
    assert attempt(Client(), "Primavera2024", username="altro").status_code == 200
    assert attempt(Client(), "Primavera2024", username="altro2").status_code == 200
    assert attempt(Client(), "Primavera2024", username="altro3").status_code == 429


def test_client_address_behind_a_proxy(settings: Settings) -> None:
    factory = RequestFactory()
    forwarded = factory.get("/", REMOTE_ADDR="10.0.0.1",
                            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert client_ip(forwarded) == "10.0.0.1"  # no proxy configured: the header is ignored
    settings.BEHIND_PROXY = True
    assert client_ip(forwarded) == "203.0.113.7"  # the entry our proxy appended
    forged = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="<script>")
    assert client_ip(forged) == "10.0.0.1"


# --------------------------------------------------------------------------- sessions


def test_session_lasts_a_working_day_and_ends_with_the_browser(client: Client,
                                                               user: User) -> None:
    assert django_settings.SESSION_COOKIE_AGE == 8 * 3600
    response = attempt(client, PASSWORD)
    assert response.status_code == 302
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"
    assert client.session.get_expiry_age() == 8 * 3600
    assert client.session.get_expire_at_browser_close() is True
    csrf = response.cookies[django_settings.CSRF_COOKIE_NAME]
    assert csrf["samesite"] == "Lax"


def test_an_expired_session_asks_to_log_in_again(client: Client, user: User) -> None:
    from django.contrib.sessions.models import Session

    client.force_login(user)
    assert client.get("/enti/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/enti/")
    assert response.status_code == 302 and response["Location"].startswith("/accedi/")
