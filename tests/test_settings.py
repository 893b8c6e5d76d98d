"""Settings come from the environment and refuse unsafe or malformed values.

Each case imports performa.settings in a fresh interpreter, since settings load once per process.
"""

import os
import subprocess
import sys

import pytest

SECRET = "a-test-secret-key-that-is-not-the-default"


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS"}
    }
    code = "import performa.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])"
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
