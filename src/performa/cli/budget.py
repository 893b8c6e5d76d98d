"""Budget subcommands: ``import-budget`` and ``export-budget``.

``import-budget FILE --body ENTE`` reads the budget tables of a RPP's text (the seeds' layout,
``performa.interchange.budget_text``) or a CSV/XLSX in long form
(``performa.interchange.budget_cells``) and stores them as the body's series, all or nothing;
``export-budget`` writes the series back in long form. Django and the formats are imported
inside the handlers (see performa.cli).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from performa.cli import Subparsers
from performa.cli.errors import CommandError
from performa.filelimits import FileLimitError, read_file

if TYPE_CHECKING:
    from performa.budget.document import BudgetDocument

FORMATS = ("text", "csv", "xlsx")
REASON_MAX = 100  # django-simple-history's history_change_reason


def register(subparsers: Subparsers) -> None:
    load = subparsers.add_parser(
        "import-budget",
        help="importa il bilancio di un ente (tabelle della RPP in testo, CSV, XLSX)",
    )
    load.add_argument("file", metavar="FILE", type=Path)
    load.add_argument("--body", required=True, metavar="ENTE", help="nome dell'ente")
    load.add_argument("--format", choices=FORMATS, default=None,
                      help="formato del file (predefinito: dall'estensione; .txt è testo)")
    load.set_defaults(func=_run_import)

    dump = subparsers.add_parser("export-budget", help="esporta il bilancio di un ente")
    dump.add_argument("--body", required=True, metavar="ENTE")
    dump.add_argument("--format", choices=FORMATS[1:], default=None,
                      help="formato (predefinito: dall'estensione del file)")
    dump.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    dump.set_defaults(func=_run_export)


def _format_of(path: Path, given: str | None) -> str:
    fmt = given or {"txt": "text", "md": "text"}.get(path.suffix.lower().lstrip("."),
                                                     path.suffix.lower().lstrip("."))
    if fmt not in FORMATS:
        raise CommandError(f"formato di «{path}» non riconosciuto: usare --format")
    return fmt


def read_budget(data: bytes, fmt: str) -> BudgetDocument:
    from performa.budget.document import BudgetError
    from performa.interchange import budget_cells, budget_text

    if fmt == "text":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise BudgetError("", "il testo non è in UTF-8") from None
        return budget_text.read_budget_text(text)
    return budget_cells.load_budget_file(data, fmt)


def _reason(name: str) -> str:
    """The history rows' reason, naming the file within the column's 100 characters."""
    room = REASON_MAX - len("importazione del bilancio da «»")
    return f"importazione del bilancio da «{name if len(name) <= room else name[:room - 1] + '…'}»"


def _run_import(args: argparse.Namespace) -> int:
    fmt = _format_of(args.file, args.format)
    try:
        data = read_file(args.file)
    except OSError as error:
        raise CommandError(f"impossibile leggere «{args.file}»: {error.strerror}") from error
    except FileLimitError as error:
        raise CommandError(str(error), file=args.file) from error

    from performa.cli.django_commands import setup_django

    setup_django()
    from performa.accounts.access import SYSTEM
    from performa.budget.document import BudgetError
    from performa.budget.reading import budget_overview
    from performa.budget.store import store_budget
    from performa.cli.bodies import find_body
    from performa.engine.values import format_number

    body = find_body(args.body)
    name = str(args.file)
    try:
        doc = read_budget(data, fmt)
        stored = store_budget(SYSTEM, body, doc, _reason(args.file.name))
    except BudgetError as error:
        raise CommandError(f"{error}\nNessun dato è stato salvato.", file=name) from error
    print(f"Importato «{name}» ({doc.source}): bilancio di {body}")
    for what, count in stored.counts.items():
        print(f"  {what}: {count}")
    if doc.notes:
        print(f"Avvisi ({len(doc.notes)}):")
        for note in doc.notes:
            print(f"  - {note}")
    overview = budget_overview(body)
    if overview.indices:
        print("Indici (" + ", ".join(c.label for c in overview.columns) + "):")
        for row in overview.indices:
            figures = " · ".join("n.d." if r.shown is None else
                                 format_number(float(r.shown), r.definition.decimals)
                                 for r in row.results)
            print(f"  {row.definition.name}: {figures}")
    return 0


def _run_export(args: argparse.Namespace) -> int:
    fmt = _format_of(args.output, args.format)
    if fmt == "text":
        raise CommandError("il bilancio si esporta in CSV o XLSX (--format csv|xlsx)")

    from performa.cli.django_commands import setup_django

    setup_django()
    from performa.budget.store import budget_document
    from performa.cli.bodies import find_body
    from performa.interchange.budget_cells import dump_csv, dump_xlsx

    body = find_body(args.body)
    doc = budget_document(body)
    if not doc.lines:
        raise CommandError(f"nessuna voce di bilancio per {body} (performa import-budget)")
    data = dump_csv(doc) if fmt == "csv" else dump_xlsx(doc)
    try:
        args.output.write_bytes(data)
    except OSError as error:
        raise CommandError(f"impossibile scrivere «{args.output}»: {error.strerror}") from error
    print(f"Esportate {len(doc.lines)} voci di bilancio di {body} in «{args.output}»")
    return 0
