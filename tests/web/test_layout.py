"""Layout: the figures' template filters, the traffic light, and the security headers
(Content-Security-Policy on every response, no inline script or style in the pages)."""

from __future__ import annotations

import base64
import hashlib
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.template import Context, Template
from django.test import Client

from performa.web.templatetags.performa import euro, light, light_word, percent, percent1

pytestmark = pytest.mark.django_db

VENDOR = Path(settings.BASE_DIR) / "web" / "static" / "vendor"


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.9777, "98%"), (0.975, "98%"), (1.2, "120%"), (0, "0%"), (Decimal("0.5"), "50%"),
     (None, "n.d."), ("", "n.d."), (True, "n.d.")],
)
def test_percent(value: object, text: str) -> None:
    assert percent(value) == text


def test_percent1_writes_weights_as_the_plan_prints_them() -> None:
    assert percent1(0.125) == "12,5%"
    assert percent1(None) == "n.d."


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("10285.71"), "€ 10.285,71"), (Decimal("150000"), "€ 150.000,00"),
     (Decimal("0.005"), "€ 0,01"), (460000, "€ 460.000,00"), (None, "n.d.")],
)
def test_euro(value: object, text: str) -> None:
    assert euro(value) == text


@pytest.mark.parametrize(
    ("value", "colour", "word"),
    [(1.0, "green", "verde"), (0.95, "green", "verde"),
     (0.9497, "green", "verde"),  # shown as 95%: never a yellow "95%"
     (0.9449, "yellow", "giallo"), (0.70, "yellow", "giallo"), (0.6949, "red", "rosso"),
     (0, "red", "rosso"), (None, "grey", "non disponibile"), ("", "grey", "non disponibile")],
)
def test_light(value: object, colour: str, word: str) -> None:
    assert light(value) == colour
    assert light_word(value) == word


def _traffic_light(value: object) -> str:
    template = Template('{% include "web/partials/traffic_light.html" with value=value %}')
    return template.render(Context({"value": value}))


def test_traffic_light_says_percent_and_colour_in_words() -> None:
    html = _traffic_light(0.9777)
    assert 'class="semaforo semaforo-green"' in html
    assert "98%" in html
    assert '<span class="visually-hidden"> (verde)</span>' in html
    assert 'aria-hidden="true"' in html  # the dot itself is decoration


def test_traffic_light_for_a_missing_figure() -> None:
    html = _traffic_light(None)
    assert "semaforo-grey" in html
    assert "n.d." in html
    assert "(non disponibile)" in html


def _member(client: Client) -> None:
    client.force_login(User.objects.create_user("lettore", password="x-Secret-9"))


@pytest.mark.parametrize(
    ("path", "status", "logged_in"),
    [("/", 200, False), ("/accedi/", 200, False), ("/enti/", 302, False),
     ("/enti/", 200, True), ("/pagina-inesistente/", 404, False), ("/admin/login/", 200, False)],
)
def test_every_response_carries_the_csp(client: Client, path: str, status: int,
                                        logged_in: bool) -> None:
    if logged_in:
        _member(client)
    response = client.get(path)
    assert response.status_code == status
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == f"'self' {settings.BOOTSTRAP_ITALIA_YOUTUBE_STYLE}"
    assert policy["img-src"] == "'self' data:"
    assert policy["font-src"] == "'self' data:"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert response["X-Frame-Options"] == "DENY"


def test_post_refused_by_a_view_carries_the_csp_too(client: Client) -> None:
    response = client.post("/")
    assert response.status_code == 405
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/", "/accedi/", "/enti/"])
def test_pages_have_no_inline_script_or_style(client: Client, path: str) -> None:
    if path == "/enti/":
        _member(client)
    html = client.get(path).content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert " style=" not in html
    assert re.findall(r"\son[a-z]+=", html) == []
    assert "<style" not in html


def test_layout_loads_the_served_assets_and_gives_htmx_the_csrf_token(client: Client) -> None:
    html = client.get("/accedi/").content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts == [
        "/static/vendor/htmx.min.js",
        "/static/web/vendor-setup.js",
        "/static/vendor/bootstrap-italia/js/bootstrap-italia.bundle.min.js",
        "/static/vendor/chart.umd.js",
        "/static/web/app.js",
    ]
    assert '<link rel="stylesheet" href="/static/vendor/bootstrap-italia/css/fonts.css">' in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    assert re.search(r"<body hx-headers='\{\"X-CSRFToken\": \"[^\"]+\"\}'>", html)
    assert 'id="contenuto"' in html
    assert 'href="#contenuto"' in html


def test_served_vendor_files_exist() -> None:
    """make copies them from node_modules (scripts/copy-assets.mjs); a fresh clone has none."""
    for name in ["bootstrap-italia/css/bootstrap-italia.min.css",
                 "bootstrap-italia/css/fonts.css",
                 "bootstrap-italia/fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2",
                 "bootstrap-italia/js/bootstrap-italia.bundle.min.js",
                 "bootstrap-italia/svg/sprites.svg",
                 "htmx.min.js", "chart.umd.js", "axe.min.js"]:
        assert (VENDOR / name).is_file(), f"{name} missing: run make (npm ci + copy-assets)"
    fonts_css = (VENDOR / "bootstrap-italia/css/fonts.css").read_text()
    assert "url('../fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2')" \
        in fonts_css


def test_csp_hash_matches_the_style_bootstrap_italia_injects() -> None:
    """The only inline style allowed is the one the bundle's YouTube plugin adds on load."""
    bundle = (VENDOR / "bootstrap-italia/js/bootstrap-italia.bundle.min.js").read_text()
    css = re.search(r'"(\.vjs-youtube [^"]*)"', bundle)
    assert css is not None, "the bundle no longer injects the YouTube style: drop the hash"
    digest = base64.b64encode(hashlib.sha256(css.group(1).encode()).digest()).decode()
    assert settings.BOOTSTRAP_ITALIA_YOUTUBE_STYLE == f"'sha256-{digest}'"
