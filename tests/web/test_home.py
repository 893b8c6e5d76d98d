from django.test import Client


def test_home_page_is_italian(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="it">' in html
    assert "<title>Benvenuto — Performa</title>" in html
    assert "piano, misurazione, valutazione, documenti" in html
    assert 'href="/admin/"' in html


def test_home_page_refuses_post(client: Client) -> None:
    assert client.post("/").status_code == 405


def test_home_page_forbids_framing(client: Client) -> None:
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
