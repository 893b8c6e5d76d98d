"""The `performa` command line (also `python -m performa`).

Adding a subcommand: write a module in this package that defines

    def register(subparsers: Subparsers) -> None:
        parser = subparsers.add_parser("name", help="...")
        parser.add_argument(...)
        parser.set_defaults(func=run)      # run(args: argparse.Namespace) -> int (exit code)

and add its dotted name to COMMAND_MODULES below. A problem the user can fix (a body not
found, a bad option value) is raised as CommandError (performa.cli.errors): main() prints it as
«errore: …» and exits with its code (2), the same way for every command. A body named on the
command line is found by performa.cli.bodies.find_body, the same way for every command. Every
listed module is imported on every invocation, so import Django (or anything slow) inside the
handler, never at module level: that keeps the Django-free commands (such as `score`) fast.
"""

import argparse
import importlib
from collections.abc import Callable

from performa import __version__
from performa.cli.errors import CommandError, exit_code, fail

Subparsers = argparse._SubParsersAction  # what `register(subparsers)` receives
Handler = Callable[[argparse.Namespace], int]

__all__ = ["CommandError", "Subparsers", "main"]

COMMAND_MODULES: list[str] = [
    "performa.cli.django_commands",  # runserver, migrate, manage
    # --- the lead adds further command modules here ---
    "performa.cli.engine",  # score (Django-free)
    "performa.cli.plans",  # import-plan, export-plan, demo
    "performa.cli.budget",  # import-budget, export-budget
    "performa.cli.measures",  # compute, values import
    "performa.cli.reports",  # report (documents)
    "performa.cli.backup",  # backup, restore
    "performa.cli.tokens",  # token create|list|revoke (API)
]


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
        return fail(error)
