"""Measuring subcommands: ``compute`` and ``values import``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from performa.cli import Subparsers
from performa.cli.errors import CommandError
from performa.filelimits import FileLimitError, read_file

# A values file that is a document as text (performa.interchange.report_text): recognised, or
# one of the plan layouts that print values.
TEXT_FORMATS = ("text", "piano", "pira")
TEXT_SUFFIXES = (".txt", ".md")


def register(subparsers: Subparsers) -> None:
    compute = subparsers.add_parser(
        "compute", help="ricalcola i risultati e stampa l'albero dei raggiungimenti"
    )
    compute.add_argument("--body", required=True, metavar="ENTE")
    compute.add_argument("--year", type=int, required=True, metavar="ANNO")
    compute.add_argument("--period", default="", metavar="GG/MM/AAAA",
                         help="rilevazione (predefinita: l'ultima con valori)")
    compute.set_defaults(func=_run_compute)

    values = subparsers.add_parser("values", help="valori rilevati")
    actions = values.add_subparsers(dest="values_command", metavar="AZIONE", required=True)
    load = actions.add_parser(
        "import", help="importa valori da CSV o XLSX, o da un documento di testo (monitoraggio "
                       "con le schede del Piano, PIRA a consuntivo): tutto o niente")
    load.add_argument("file", type=Path, metavar="FILE")
    load.add_argument("--body", default="", metavar="ENTE",
                      help="ente (obbligatorio se l'istanza ne ha più d'uno)")
    load.add_argument("--year", type=int, default=None, metavar="ANNO",
                      help="anno del ciclo (obbligatorio per un documento di testo)")
    load.add_argument("--period", default="", metavar="GG/MM/AAAA",
                      help="data della rilevazione delle colonne che non ne indicano una "
                           "(documento di testo)")
    load.add_argument("--format", choices=TEXT_FORMATS, default=None,
                      help="forma del documento di testo (predefinita: riconosciuta; i file "
                           ".txt e .md sono documenti di testo)")
    load.set_defaults(func=_run_values_import)


def _setup() -> None:
    from performa.cli.django_commands import setup_django

    setup_django()


def _run_compute(args: argparse.Namespace) -> int:
    _setup()
    from performa.cli.bodies import find_body
    from performa.engine.values import parse_value
    from performa.measures.computing import store_results
    from performa.measures.models import Period

    body = find_body(args.body)
    periods = Period.objects.filter(cycle__body=body, cycle__year=args.year)
    if args.period:
        try:
            day = parse_value(args.period, "data").day
        except ValueError as error:
            raise CommandError(f"--period: {error}") from error
        periods = periods.filter(date=day)
    else:
        periods = periods.filter(values__isnull=False).distinct()
    period = periods.order_by("-date").first()
    if period is None:
        raise CommandError(f"nessuna rilevazione per «{body.name}» nel {args.year}")
    result_set = store_results(period)
    print_tree(result_set)
    return 0


def print_tree(result_set: Any) -> None:
    """The strategy tree with each node's achievement, indented, as on the dashboard."""
    from performa.engine.values import format_percent

    nodes = {n.key: n for n in result_set.nodes.filter(tree="strategy")}
    indicators = {str(r.indicator_id): r for r in result_set.indicators.all()}
    period = result_set.period
    demo = " — dati dimostrativi" if period.demo else ""
    print(f"{period.cycle.body} — rilevazione al {period.date:%d/%m/%Y} "
          f"({period.get_state_display().lower()}){demo}")

    def show(key: str, depth: int) -> None:
        node = nodes[key]
        print(f"{'  ' * depth}{format_percent(node.achievement):>5}  {node.label}")
        for part in node.explanation["parts"]:
            child = part["key"]
            if child in nodes:
                show(child, depth + 1)
            elif child in indicators and depth >= 3:
                result = indicators[child]
                why = f"  ({part['left_out']})" if part["left_out"] else ""
                print(f"{'  ' * (depth + 1)}{format_percent(result.achievement):>5}  "
                      f"{part['label']}: {result.display}{why}")

    show("body", 0)


def _run_values_import(args: argparse.Namespace) -> int:
    if args.format or args.file.suffix.lower() in TEXT_SUFFIXES:
        return _run_report_import(args)
    if args.year is not None or args.period:
        raise CommandError("--year e --period valgono solo per un documento di testo (.txt, "
                           ".md o --format): un file CSV o XLSX indica la data in ogni riga")
    _setup()
    from performa.accounts.access import SYSTEM
    from performa.cli.bodies import find_body
    from performa.measures.values_file import ValuesFileError, import_values

    body = find_body(args.body, optional=True)
    try:
        data = read_file(args.file)
    except OSError as error:
        raise CommandError(f"impossibile leggere «{args.file}»: {error.strerror}") from error
    except FileLimitError as error:
        raise CommandError(f"{error}\nNessun valore è stato salvato.", file=args.file) from error
    try:
        count = import_values(SYSTEM, body, data, args.file.name)
    except ValuesFileError as error:  # «riga 3, colonna «Valore»: …» goes on after the file
        raise CommandError(f"{error}\nNessun valore è stato salvato.", file=args.file,
                           sep=", ") from error
    print(f"Importati {count} valori da «{args.file}».")
    return 0


def _run_report_import(args: argparse.Namespace) -> int:
    """Values printed in a document (a monitoring report, a PIRA a consuntivo), each kept with
    the document's own achievement for the comparison on the card."""
    if args.year is None:
        raise CommandError("--year: indicare l'anno del ciclo a cui il documento si riferisce")
    _setup()
    from performa.accounts.access import SYSTEM
    from performa.cli.bodies import find_body
    from performa.engine.values import ValueParseError, parse_value
    from performa.interchange.report_text import ReportTextError, read_report
    from performa.measures.reported import ReportImportError, import_figures

    period = None
    if args.period:
        try:
            period = parse_value(args.period, "data").day
        except ValueParseError as error:
            raise CommandError(f"--period: {error}") from error
        if period is None:
            raise CommandError(f"--period: «{args.period}» non è una data (gg/mm/aaaa)")
    body = find_body(args.body, optional=True)
    try:
        data = read_file(args.file)
    except OSError as error:
        raise CommandError(f"impossibile leggere «{args.file}»: {error.strerror}") from error
    except FileLimitError as error:
        raise CommandError(f"{error}\nNessun valore è stato salvato.", file=args.file) from error
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CommandError(f"il testo non è UTF-8 (byte {error.start + 1})\nNessun valore è "
                           "stato salvato.", file=args.file) from error
    try:
        figures = read_report(text, args.year, args.format or "text", period)
        outcome = import_figures(SYSTEM, body, args.year, figures, args.file.name)
    except (ReportTextError, ReportImportError) as error:
        raise CommandError(f"{error}\nNessun valore è stato salvato.", file=args.file,
                           sep=", ") from error
    dates = ", ".join(f"{p.date:%d/%m/%Y}" for p in outcome.periods)
    periods = "rilevazione" if len(outcome.periods) == 1 else "rilevazioni"
    print(f"Importati {outcome.values} valori da «{args.file}» ({periods} al {dates}); "
          f"raggiungimenti del documento conservati per il confronto: {outcome.achievements}.")
    if outcome.computed:
        print(f"{len(outcome.computed)} indicatori si calcolano in Performa: il loro valore nel "
              "documento è conservato solo per il confronto:")
        for item in outcome.computed:
            print(f"  - {item}")
    return 0
