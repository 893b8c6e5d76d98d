"""Django settings for Performa.

Every setting that differs between a demo, a test run and a production install comes from an
environment variable, parsed strictly: a typo such as DEBUG=flase stops the start-up with a
clear message instead of silently meaning something else. The defaults make a fresh clone work
with no configuration (SQLite under var/, DEBUG on) and are refused where they would be unsafe.

Variables:
    SECRET_KEY           required when DEBUG is false
    DEBUG                true/false, 1/0, yes/no, on/off (default: true)
    ALLOWED_HOSTS        comma-separated (default: localhost,127.0.0.1)
    DATABASE_URL         sqlite:///path or postgres://user:pass@host:port/name
                         (default: sqlite:///<repo>/var/performa.sqlite3)
    PERFORMA_VAR_DIR     where the default SQLite database and collected static files live
                         (default: <repo>/var)
    PERFORMA_FAST_HASHER use a fast, insecure password hasher (default: on under pytest only)
    PERFORMA_LOGIN_FAILURES         failed logins (same user name, same address) before a
                                    lock-out (default: 5)
    PERFORMA_LOGIN_FAILURES_PER_ADDRESS  failed logins from one address, whatever the user
                                    names, before that address is locked out (default: 20)
    PERFORMA_LOGIN_COOLOFF_MINUTES  how long a lock-out lasts (default: 15)
    PERFORMA_SESSION_HOURS          a session ends this long after login (default: 8) or when
                                    the browser is closed
    PERFORMA_SSL_REDIRECT           redirect http:// to https:// (default: on when DEBUG is off)
    PERFORMA_HSTS_SECONDS           Strict-Transport-Security max-age (default: one year when
                                    DEBUG is off, 0 = no header, when it is on)
    PERFORMA_BEHIND_PROXY           a reverse proxy terminates HTTPS: trust its
                                    X-Forwarded-Proto and X-Forwarded-For (default: off)
"""

import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def env_str(name: str, default: str) -> str:
    """An environment variable; unset or empty means the default."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not a boolean; use one of "
        f"{', '.join(sorted(_TRUE | _FALSE))}"
    )


def env_int(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) < minimum:
        raise ImproperlyConfigured(
            f"{name}={os.environ[name]!r} is not a whole number of at least {minimum}"
        )
    return int(value)


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Only the backends we test on. dj-database-url knows more (MySQL, Oracle, ...), but a scheme
# we never run the suite against should fail at start-up, not in front of users.
_DATABASE_SCHEMES = frozenset({"sqlite", "postgres", "postgresql", "pgsql"})


def database_from_url(url: str) -> dict[str, object]:
    scheme = urlsplit(url).scheme
    if scheme not in _DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"DATABASE_URL has unsupported scheme {scheme!r}; use sqlite:///path/to/file.sqlite3 "
            "or postgres://user:password@host:port/name"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {exc}") from exc
    if config["ENGINE"].endswith("sqlite3"):
        config["OPTIONS"] = {**config.get("OPTIONS", {}), **SQLITE_OPTIONS}
    return dict(config)


# SQLite, the default install, lets one writer in at a time. A transaction that begins
# DEFERRED reads first and fails at once ("database is locked") when it then wants to write
# while another holds the lock; beginning IMMEDIATE takes the write lock up front, so writers
# queue, each for up to `timeout` seconds, and the revision check after it sees what the one
# before it saved (a 409, not a 500). WAL lets pages read while someone writes.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}


DEBUG = env_bool("DEBUG", default=True)

# Used only for a local demo; the check below refuses it whenever DEBUG is off.
INSECURE_DEV_SECRET_KEY = "performa-insecure-dev-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", INSECURE_DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == INSECURE_DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value when DEBUG is false (e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])

VAR_DIR = Path(env_str("PERFORMA_VAR_DIR", str(REPO_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'performa.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    # django-axes: login throttling (failed attempts and lock-outs, listed in the admin).
    "axes",
    # django-csp: the Content-Security-Policy header (its system checks flag settings in the
    # pre-4.0 format).
    "csp",
    # django-ninja: the REST API (its app only ships templates for the docs we do not serve).
    "ninja",
    "performa.catalog",
    "performa.plans",
    "performa.accounts",
    "performa.budget",
    "performa.measures",
    "performa.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "performa.web.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    # Under /api/ every error is the API's JSON (unknown paths, wrong methods, failures
    # outside the operations, debug pages): outside the rest, so it sees all their answers.
    "performa.api.errors.ApiErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After the header middleware, so its refusals carry the same headers as every page.
    "performa.web.middleware.RefuseNulMiddleware",
    # Reads the body before the CSRF check and the views: too large is a clean 413 (after the
    # authentication middleware, so its page shows who is logged in).
    "performa.web.uploads.RequestSizeMiddleware",
    # Records the request user on history rows (who changed what).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as its documentation asks: turns a lock-out into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "performa.urls"
WSGI_APPLICATION = "performa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "performa.web.context.navigation",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "performa.accounts.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): after PERFORMA_LOGIN_FAILURES failed logins for one user name
# from one address, that pair is locked out for PERFORMA_LOGIN_COOLOFF_MINUTES (a failure during
# the lock-out starts it again); a successful login clears that pair's count. After
# PERFORMA_LOGIN_FAILURES_PER_ADDRESS failures from one address over any user names (a password
# sprayed across accounts), the whole address is locked out the same way: axes has one limit
# for every lock-out parameter, so LoginThrottle (performa.web.views.lockout) gives the
# address-wide count its own. The web login and the admin login both go through
# authenticate(), so both are throttled. AxesStandaloneBackend only checks the lock-out and
# must come first; ModelBackend does the authenticating.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("PERFORMA_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PERFORMA_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
LOGIN_FAILURES_PER_ADDRESS = env_int("PERFORMA_LOGIN_FAILURES_PER_ADDRESS", 20,
                                     minimum=AXES_FAILURE_LIMIT)
AXES_HANDLER = "performa.web.views.lockout.LoginThrottle"
AXES_RESET_ON_SUCCESS = True
# The Italian "accesso temporaneamente bloccato" page, status 429 (performa.web.views.lockout).
AXES_LOCKOUT_CALLABLE = "performa.web.views.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "performa.web.views.lockout.client_ip"

# Hashing a password properly takes ~100 ms by design; tests create many users, so they use
# MD5. Never set PERFORMA_FAST_HASHER on a real install.
if env_bool("PERFORMA_FAST_HASHER", default="pytest" in sys.modules):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The users are Italian public bodies: the interface speaks Italian and follows Rome's clock.
LANGUAGE_CODE = "it"
LANGUAGES = [("it", "Italiano")]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Evidence files attached to measured values; never served directly (views check access).
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
# Request bodies: form fields and API JSON up to 2,5 MB (Django's default, stated here), a
# larger one is a 413 (performa.web.uploads.RequestSizeMiddleware); an uploaded file is held
# in memory up to 2,5 MB, beyond that in a temporary file, and never beyond the evidence cap
# (measures.models.EVIDENCE_MAX_BYTES): the first handler stops reading it there.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "performa.web.uploads.EvidenceUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Security headers. Cookies are HTTPS-only outside development (the demo runs on plain HTTP).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Sent by performa.web.middleware.PermissionsPolicyMiddleware: no page needs these features.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A session lasts a working day from login (the expiry is checked on the server), and its
# cookie is dropped when the browser closes.
SESSION_COOKIE_AGE = env_int("PERFORMA_SESSION_HOURS", 8, minimum=1) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# HTTPS only outside development: plain-HTTP requests are redirected and browsers told to use
# HTTPS for a year (sent on HTTPS responses only). Not includeSubDomains nor preload: the other
# hosts of a chamber's domain are not ours to commit to HTTPS.
SECURE_SSL_REDIRECT = env_bool("PERFORMA_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("PERFORMA_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
# Behind a reverse proxy that terminates HTTPS, Django sees plain HTTP from the proxy: trust the
# proxy's X-Forwarded-Proto (else SECURE_SSL_REDIRECT would loop) and take the client's address
# from X-Forwarded-For for login throttling. Only set it when such a proxy is really in front,
# or clients could forge both headers.
BEHIND_PROXY = env_bool("PERFORMA_BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy: pages run only scripts and styles we serve (no inline <script>,
# style="" or on…= handlers; behaviour comes from static/web/*.js through data- attributes),
# talk only to us, and cannot be framed. Bootstrap Italia needs two allowances and a workaround:
# - its CSS embeds video.js's icon font as a data: URL, which Chromium loads eagerly: font-src
#   allows data: (a font cannot run code);
# - it includes the video.js YouTube plugin, which on load injects one fixed three-rule
#   <style> (".vjs-youtube .vjs-iframe-blocker { display: none; }…"): style-src allows exactly
#   its SHA-256 rather than 'unsafe-inline';
# - video.js's own default <style> is turned off (static/web/vendor-setup.js), and its font
#   loader is not used: fonts come from a static stylesheet (scripts/copy-assets.mjs).
# Upgrading Bootstrap Italia: the browser tests fail on any CSP violation, and
# tests/web/test_layout.py checks the hash against the served bundle.
BOOTSTRAP_ITALIA_YOUTUBE_STYLE = "'sha256-2irhcufRPQSZQZlPcQHSTEybF70/fg05aUNPkk/YE0Y='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, BOOTSTRAP_ITALIA_YOUTUBE_STYLE],
        # Bootstrap Italia's CSS draws small icons (checks, selects) as data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:bodies"
LOGOUT_REDIRECT_URL = "web:home"
