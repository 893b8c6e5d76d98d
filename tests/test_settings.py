"""Settings come from the environment and refuse unsafe or malformed values.

Each case imports performa.settings in a fresh interpreter, since settings load once per process.
"""

import os
import subprocess
import sys

import pytest

SECRET = "a-test-secret-key-that-is-not-the-default"


SECURITY_VARIABLES = {
    "PERFORMA_LOGIN_FAILURES",
    "PERFORMA_LOGIN_COOLOFF_MINUTES",
    "PERFORMA_SESSION_HOURS",
    "PERFORMA_SSL_REDIRECT",
    "PERFORMA_HSTS_SECONDS",
    "PERFORMA_BEHIND_PROXY",
}


def load_settings(
    code: str = "print(s.DEBUG, s.DATABASES['default']['ENGINE'])", **env: str
) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS"} | SECURITY_VARIABLES
    }
    code = "import performa.settings as s; " + code
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_defaults_give_a_debug_sqlite_demo() -> None:
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3"]


def test_default_secret_key_is_refused_without_debug() -> None:
    result = load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_settings_load_with_a_secret_key() -> None:
    result = load_settings(DEBUG="false", SECRET_KEY=SECRET)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


def test_postgres_url_selects_postgresql() -> None:
    result = load_settings(DATABASE_URL="postgres://u:p@127.0.0.1:5432/x")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "django.db.backends.postgresql"


@pytest.mark.parametrize("url", ["mysql://u:p@localhost/x", "nosuchdb://x", "performa.sqlite3"])
def test_unsupported_database_url_is_refused(url: str) -> None:
    result = load_settings(DATABASE_URL=url)
    assert result.returncode != 0
    assert "DATABASE_URL has unsupported scheme" in result.stderr


def test_debug_must_be_a_boolean() -> None:
    result = load_settings(DEBUG="flase")
    assert result.returncode != 0
    assert "DEBUG='flase' is not a boolean" in result.stderr


def settings_values(*names: str, **env: str) -> list[str]:
    """repr() of the named settings, loaded with ``env``."""
    result = load_settings(f"print(*(repr(getattr(s, n, None)) for n in {names!r}), sep='|')",
                           **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split("|")


HTTPS = ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE",
         "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER")


def test_production_is_https_only() -> None:
    assert settings_values(*HTTPS, DEBUG="0", SECRET_KEY=SECRET) == [
        "True", "31536000", "True", "True", "None"]


def test_the_demo_runs_on_plain_http() -> None:
    assert settings_values(*HTTPS) == ["False", "0", "False", "False", "None"]


def test_https_settings_follow_the_environment() -> None:
    assert settings_values(*HTTPS, DEBUG="0", SECRET_KEY=SECRET, PERFORMA_SSL_REDIRECT="off",
                           PERFORMA_HSTS_SECONDS="3600", PERFORMA_BEHIND_PROXY="yes") == [
        "False", "3600", "True", "True", "('HTTP_X_FORWARDED_PROTO', 'https')"]


def test_login_throttling_and_session_defaults() -> None:
    assert settings_values(
        "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "AXES_LOCKOUT_PARAMETERS",
        "LOGIN_FAILURES_PER_ADDRESS", "AXES_RESET_ON_SUCCESS", "SESSION_COOKIE_AGE",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    ) == ["5", "datetime.timedelta(seconds=900)", "[['username', 'ip_address'], 'ip_address']",
          "20", "True", "28800", "True"]
    backends = settings_values("AUTHENTICATION_BACKENDS")[0]
    assert backends.startswith("['axes.backends.AxesStandaloneBackend'")


def test_login_throttling_and_session_follow_the_environment() -> None:
    assert settings_values(
        "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "SESSION_COOKIE_AGE",
        "LOGIN_FAILURES_PER_ADDRESS",
        PERFORMA_LOGIN_FAILURES="3", PERFORMA_LOGIN_COOLOFF_MINUTES="60",
        PERFORMA_SESSION_HOURS="2", PERFORMA_LOGIN_FAILURES_PER_ADDRESS="50",
    ) == ["3", "datetime.timedelta(seconds=3600)", "7200", "50"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("PERFORMA_LOGIN_FAILURES", "0"), ("PERFORMA_LOGIN_FAILURES", "cinque"),
     ("PERFORMA_LOGIN_FAILURES", "-1"), ("PERFORMA_LOGIN_COOLOFF_MINUTES", "15m"),
     ("PERFORMA_SESSION_HOURS", "8.5"), ("PERFORMA_SESSION_HOURS", "0"),
     ("PERFORMA_HSTS_SECONDS", "un anno")],
)
def test_malformed_numbers_are_refused(name: str, value: str) -> None:
    result = load_settings(**{name: value})
    assert result.returncode != 0
    assert f"{name}={value!r} is not a whole number" in result.stderr


def test_ssl_redirect_must_be_a_boolean() -> None:
    result = load_settings(PERFORMA_SSL_REDIRECT="forse")
    assert result.returncode != 0
    assert "PERFORMA_SSL_REDIRECT='forse' is not a boolean" in result.stderr
