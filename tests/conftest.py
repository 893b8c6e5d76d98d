"""Shared pytest configuration. Works on either database backend."""

import pytest


def database_backend() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        return "database backend: sqlite"
    db = connection.settings_dict
    return f"database backend: {connection.vendor} ({db['HOST']}:{db['PORT']})"


def pytest_report_header(config: pytest.Config) -> str:
    # `make test` runs the suite twice (SQLite, then PostgreSQL): say which run this is.
    return database_backend()


def pytest_sessionstart(session: pytest.Session) -> None:
    # -q (our default) hides the report header; print the backend anyway.
    if session.config.get_verbosity() < 0:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(database_backend())
