"""``performa report``: any registered document of a body and year, in any of its formats.

    performa report piano --body "Camera di Commercio di Pistoia-Prato" --year 2022 \\
        --format pdf -o piano.pdf [--period 30/09/2022]

Progress goes to stderr (a PDF of the whole Piano takes seconds), the file to ``-o`` (or to
stdout with ``-o -``), so the command can sit in a script or a cron job.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from performa.cli import Subparsers
from performa.cli.errors import CommandError

# «del PDF», «dell'ODS»: the article as the format's name is read aloud.
ARTICLES = {"odt": "dell'", "ods": "dell'", "xlsx": "dell'"}


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "report", help="genera un documento (piano, PIRA, relazione…) in PDF, ODT, DOCX, …",
        description="Genera un documento dell'ente dai dati: piano, pira, pira-consuntivo, "
                    "rpp, monitoraggio, relazione, opendata.",
    )
    parser.add_argument("kind", metavar="TIPO", help="il documento (per esempio: piano)")
    parser.add_argument("--body", required=True, metavar="ENTE", help="nome dell'ente")
    parser.add_argument("--year", type=int, required=True, metavar="ANNO")
    parser.add_argument("--format", default="", metavar="FORMATO",
                        help="pdf, odt, docx, xlsx, ods, csv o json (predefinito: "
                             "dall'estensione di -o, altrimenti pdf)")
    parser.add_argument("-o", "--output", default="", metavar="FILE",
                        help="file da scrivere; «-» per lo standard output "
                             "(predefinito: un nome come piano_pistoia-prato_2022.pdf)")
    parser.add_argument("--period", default="", metavar="GG/MM/AAAA",
                        help="rilevazione (predefinita: l'ultima con valori)")
    parser.set_defaults(func=_run_report)


def _seconds(elapsed: float) -> str:
    return f"{elapsed:.1f}".replace(".", ",")


def _format_for(args: argparse.Namespace, formats: tuple[str, ...]) -> str:
    """--format, else the output's extension (checked against the kind's formats by the
    caller, so «-o relazione.pdf» for the open data is refused, not silently a zip)."""
    if args.format:
        return str(args.format).lower().lstrip(".")
    from performa.documents.render import EXTENSIONS

    name = str(args.output).lower()
    for fmt, extension in EXTENSIONS.items():
        if name.endswith("." + extension):
            return fmt
    suffix = Path(name).suffix.lstrip(".")
    if suffix and name != "-":
        return suffix
    return "pdf" if "pdf" in formats else formats[0]


def _run_report(args: argparse.Namespace) -> int:
    from performa.cli.django_commands import setup_django

    setup_django()
    from performa.documents import registry
    from performa.documents.render import FORMATS, LABELS, filename, render

    kinds = registry.load_all()
    kind = kinds.get(args.kind)
    if kind is None:
        raise CommandError(f"documento «{args.kind}» sconosciuto; i documenti sono: "
                           f"{', '.join(sorted(kinds))}")
    fmt = _format_for(args, kind.formats)
    if fmt not in kind.formats or fmt not in FORMATS:
        raise CommandError(f"il documento «{kind.name}» non esiste in formato «{fmt}»; "
                           f"formati disponibili: {', '.join(kind.formats)}")
    period_date = None
    if args.period:
        from performa.engine.values import parse_value

        try:
            period_date = parse_value(args.period, "data").day
        except ValueError as error:
            raise CommandError(f"--period: {error}") from error
    from performa.cli.bodies import find_body

    body = find_body(args.body)
    try:
        context = registry.context_for(body, args.year, period_date)
    except ValueError as error:
        raise CommandError(str(error)) from error

    output = args.output or filename(kind.name, body.name, args.year, fmt)
    if output != "-" and not Path(output).parent.is_dir():
        raise CommandError(f"la cartella «{Path(output).parent}» non esiste")

    started = time.perf_counter()
    print(f"Preparazione del documento «{kind.title}»…", file=sys.stderr)
    document = kind.build(context)
    print(f"Generazione {ARTICLES.get(fmt, 'del ')}{LABELS[fmt]}…", file=sys.stderr)
    data = render(document, fmt)

    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        Path(output).write_bytes(data)
    where = "" if output == "-" else f": {output} ({len(data) // 1024 or 1} kB)"
    print(f"… fatto in {_seconds(time.perf_counter() - started)} s{where}", file=sys.stderr)
    return 0
