"""Subcommands that run Django: runserver, migrate, manage.

Django is imported inside the handlers only (see performa.cli), so registering these commands
costs nothing to the commands that don't need it.
"""

import argparse
import os

from performa.cli import Subparsers
from performa.cli.errors import exit_code

SETTINGS_MODULE = "performa.settings"


def setup_django() -> None:
    """Configure Django for a command that uses the ORM directly (e.g. a data loader)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()


def run_django(argv: list[str], prog: str = "performa") -> int:
    """Run a Django management command, as `django-admin` would, and return its exit code."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line([prog, *argv])  # calls django.setup() itself
    except SystemExit as exc:
        return exit_code(exc)
    return 0


def _run_runserver(args: argparse.Namespace) -> int:
    argv = ["runserver", args.addrport]
    if args.noreload:
        argv.append("--noreload")
    return run_django(argv)


def _run_migrate(args: argparse.Namespace) -> int:
    return run_django(["migrate", "--no-input"])


def _run_manage(args: argparse.Namespace) -> int:
    return run_django(args.args, prog="performa manage")


def register(subparsers: Subparsers) -> None:
    runserver = subparsers.add_parser("runserver", help="start the development web server")
    runserver.add_argument(
        "addrport", nargs="?", default="127.0.0.1:8000", help="default: 127.0.0.1:8000"
    )
    runserver.add_argument(
        "--noreload", action="store_true", help="don't restart when the code changes"
    )
    runserver.set_defaults(func=_run_runserver)

    migrate = subparsers.add_parser("migrate", help="create or update the database schema")
    migrate.set_defaults(func=_run_migrate)

    # Everything after `manage` goes to Django untouched, options included. A prefix character
    # that never occurs makes argparse treat `--help`, `--settings=...` etc. as plain words.
    manage = subparsers.add_parser(
        "manage",
        help="run any Django management command (performa manage help)",
        prefix_chars="\x00",
        add_help=False,
    )
    manage.add_argument("args", nargs=argparse.REMAINDER, help="command and its arguments")
    manage.set_defaults(func=_run_manage)
