"""Engine subcommands that need no database: ``performa score``.

The engine is imported inside the handler, like Django elsewhere, so registering the command
costs nothing to the others.
"""

import argparse
import re

from performa.cli import Subparsers
from performa.cli.errors import CommandError


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "score",
        help="grado di raggiungimento di un valore rispetto al target",
        description=(
            "Calcola il grado di raggiungimento con le regole SMVP predefinite, dai testi "
            "come sono scritti nei documenti: performa score \"88%%\" \">=\" \"90%%\" → 98%%. "
            "Anche negativi: performa score -6,34%% \">=\" -6,0%%."
        ),
    )
    parser.add_argument("actual", metavar="VALORE", help="valore misurato (es. 88%%, n.d., si)")
    parser.add_argument("comparator", metavar="COMPARATORE", help=">=, <=, =, ≥, ≤ (o vuoto)")
    parser.add_argument("target", metavar="TARGET", help="target (es. 90%%, 30/06/2022)")
    parser.add_argument(
        "--unit", default="", metavar="UDM", help="unità di misura (%%, n., data, si/no)"
    )
    # Let "-6,34%" be a value, not an option: argparse only knows "-6.34" as a negative number.
    parser._negative_number_matcher = re.compile(r"^-\d[\d.,]*%?$")
    parser.set_defaults(func=_run_score)


def _run_score(args: argparse.Namespace) -> int:
    from performa.engine import achievement
    from performa.engine.values import format_percent

    try:
        result = achievement(args.actual, args.target, args.comparator, args.unit)
    except ValueError as error:  # ValueParseError and ScoringError: Italian, quoting the text
        raise CommandError(str(error)) from error
    print(format_percent(result))
    return 0
