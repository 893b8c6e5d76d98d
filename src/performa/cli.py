"""The `performa` command line (also `python -m performa`).

Adding a subcommand: write a module that defines

    def register(subparsers: Subparsers) -> None:
        parser = subparsers.add_parser("name", help="...")
        parser.add_argument(...)
        parser.set_defaults(func=run)      # run(args: argparse.Namespace) -> int (exit code)

and add its dotted name to COMMAND_MODULES below. A problem the user can fix (a body not
found, a bad option value) is raised as CommandError: main() prints it as «errore: …» and exits
with its code (2), the same way for every command. Every listed module is imported on every
invocation, so import Django (or anything slow) inside the handler, never at module level:
that keeps the Django-free commands (such as `score`) fast.
"""

import argparse
import importlib
import sys
from collections.abc import Callable

from performa import __version__

Subparsers = argparse._SubParsersAction  # what `register(subparsers)` receives
Handler = Callable[[argparse.Namespace], int]

USAGE_ERROR = 2  # as argparse's own usage errors: the command line, not the data, was wrong


class CommandError(Exception):
    """An Italian message for the person at the terminal, raised anywhere below a handler.

    One exit for these errors, in main(), so that each command does not print and number its
    own (they used to differ: «nessun ente …» here, «… non trovato» there).
    """

    def __init__(self, message: str, code: int = USAGE_ERROR) -> None:
        super().__init__(message)
        self.code = code


COMMAND_MODULES: list[str] = [
    "performa.django_cli",  # runserver, migrate, manage
    # --- the lead adds further command modules here ---
    "performa.engine_cli",  # score (Django-free)
    "performa.plans_cli",  # import-plan, export-plan, demo
    "performa.measures_cli",  # compute, values import
    "performa.reports_cli",  # report (documents)
    "performa.backup_cli",  # backup, restore
    "performa.tokens_cli",  # token create|list|revoke (API)
]


def exit_code(exc: SystemExit) -> int:
    """The exit status a SystemExit stands for (None means success, a message means 1)."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def _run_version(args: argparse.Namespace) -> int:
    print(f"performa {__version__}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="performa",
        description="Performa: il ciclo della performance dell'ente.",
    )
    parser.add_argument("--version", action="version", version=f"performa {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    version = subparsers.add_parser("version", help="print the version and exit")
    version.set_defaults(func=_run_version)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed by argparse
        return exit_code(exc)
    handler: Handler = args.func
    try:
        return handler(args)
    except CommandError as error:
        print(f"errore: {error}", file=sys.stderr)
        return error.code
