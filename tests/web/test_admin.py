import pytest
from django.contrib.auth.hashers import get_hasher
from django.test import Client


def test_admin_redirects_anonymous_users_to_login(client: Client) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_login_page_has_italian_header(client: Client) -> None:
    response = client.get("/admin/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Performa — amministrazione" in html
    assert 'lang="it"' in html


@pytest.mark.django_db
def test_admin_index_for_a_superuser(admin_client: Client) -> None:
    # Touches the database (user, session): this is what differs between SQLite and PostgreSQL.
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert "Performa — amministrazione" in response.content.decode()


def test_tests_use_the_fast_password_hasher() -> None:
    assert get_hasher().algorithm == "md5"
