"""Plan subcommands: ``import-plan``, ``export-plan`` and ``demo``.

Django and the formats are imported inside the handlers (see performa.cli).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from performa.cli import Subparsers
from performa.cli.errors import CommandError
from performa.filelimits import FileLimitError, read_file
from performa.interchange.layouts import LAYOUTS

if TYPE_CHECKING:
    from performa.plans.document import PlanDocument

# "text" recognises the layout of a text (performa.interchange.layouts); "piano", "pira", …
# name it.
FILE_FORMATS = ("json", "xlsx", "ods")
FORMATS = ("text", *LAYOUTS, *FILE_FORMATS)
# The demo plans ship with the repository's shared seeds (see README): the real Piano della
# Performance 2022-2024 of the Camera di Commercio di Pistoia-Prato, with invented values, and
# the real PIRA 2021 of the Camera di Commercio Frosinone Latina and the real RPP 2022 of the
# Camera di Commercio della Toscana Nord-Ovest (Lucca, Massa-Carrara, Pisa), plans only.
DEMO_FILE = "000_7c03116ef0aec330.txt"
DEMO_BODY = "Camera di Commercio di Pistoia-Prato"
DEMO_PIRA_FILE = "004_b237edd194eb8dfa.txt"
DEMO_PIRA_BODY = "Camera di Commercio Frosinone Latina"
DEMO_RPP_FILE = "002_68b4b20b4f1ef68e.txt"
DEMO_RPP_BODY = "Camera di Commercio della Toscana Nord-Ovest"


@dataclass(frozen=True)
class DemoPlan:
    file: str  # in the seeds folder
    body: str
    year: int
    layout: str  # a text layout of performa.interchange.layouts
    measures: bool  # with invented 30/06 and 30/09 values (dati dimostrativi)
    users: str  # which demo accounts: a key of performa.accounts.demo.DEMO_ACCOUNTS
    budget_body: str = ""  # the body whose budget tables the document prints, if any


DEMO_PLANS = (
    DemoPlan(DEMO_FILE, DEMO_BODY, 2022, "piano", measures=True, users="piano"),
    DemoPlan(DEMO_PIRA_FILE, DEMO_PIRA_BODY, 2021, "pira", measures=False, users="pira"),
    DemoPlan(DEMO_RPP_FILE, DEMO_RPP_BODY, 2022, "rpp", measures=False, users="rpp",
             budget_body="Camera di Commercio di Massa-Carrara"),
)


def register(subparsers: Subparsers) -> None:
    load = subparsers.add_parser(
        "import-plan", help="importa un piano (testo dei documenti, JSON, XLSX, ODS)"
    )
    load.add_argument("file", metavar="FILE", type=Path)
    load.add_argument("--body", default="", metavar="ENTE", help="nome dell'ente")
    load.add_argument("--year", type=int, default=None, metavar="ANNO")
    load.add_argument("--format", choices=FORMATS, default=None,
                      help="formato del file (predefinito: dall'estensione; per un testo "
                           f"riconosce {', '.join(LAYOUTS)})")
    load.set_defaults(func=_run_import)

    dump = subparsers.add_parser("export-plan", help="esporta il piano in vigore di un ente")
    dump.add_argument("--body", required=True, metavar="ENTE")
    dump.add_argument("--year", type=int, required=True, metavar="ANNO")
    dump.add_argument("--format", choices=FILE_FORMATS, default="json")
    dump.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    dump.set_defaults(func=_run_export)

    demo = subparsers.add_parser(
        "demo", help="carica i piani dimostrativi (Piano Pistoia-Prato 2022, PIRA Frosinone "
                     "Latina 2021, RPP Toscana Nord-Ovest 2022)")
    demo.add_argument("--seeds", type=Path, default=None, metavar="CARTELLA",
                      help="cartella dei documenti seme (predefinito: ../shared/seeds)")
    demo.set_defaults(func=_run_demo)


def read_plan(data: bytes, fmt: str, body: str = "", year: int | None = None) -> PlanDocument:
    from performa.interchange import json_format, layouts, workbook

    if fmt == "text" or fmt in layouts.LAYOUTS:
        return layouts.read_text(_decode(data), fmt, body=body, year=year)
    if fmt == "json":
        return json_format.load_json(data.decode("utf-8"))
    if fmt == "xlsx":
        return workbook.load_xlsx(data)
    return workbook.load_ods(data)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"il testo non è UTF-8 (byte {error.start + 1})") from None


def write_plan(doc: PlanDocument, fmt: str) -> bytes:
    from performa.interchange import json_format, workbook

    if fmt == "json":
        return json_format.dump_json(doc).encode("utf-8")
    if fmt == "xlsx":
        return workbook.dump_xlsx(doc)
    return workbook.dump_ods(doc)


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    return {"txt": "text", "md": "text"}.get(suffix, suffix)


def _run_import(args: argparse.Namespace) -> int:
    fmt = args.format or _format_of(args.file)
    if fmt not in FORMATS:
        raise CommandError(f"formato di «{args.file}» non riconosciuto: usare --format")
    try:
        data = read_file(args.file)
    except OSError as error:
        raise CommandError(f"impossibile leggere «{args.file}»: {error.strerror}") from error
    except FileLimitError as error:
        raise CommandError(str(error), file=args.file) from error
    return _import(data, fmt, args.body, args.year, str(args.file))


def _import(data: bytes, fmt: str, body: str, year: int | None, name: str,
            demo: DemoPlan | None = None, password: str = "") -> int:
    from performa.cli.django_commands import setup_django

    setup_django()
    from performa.accounts.demo import DEMO_ACCOUNTS, create_demo_users
    from performa.measures.demo import cumulative_by_default, load_demo_measures
    from performa.plans.classify import classify_plan
    from performa.plans.store import store_plan

    try:
        doc = read_plan(data, fmt, body, year)
        if body:
            doc.body = body
        if year:
            doc.year = year
        if demo:
            classify_plan(doc)  # a plan that prints no mission gets Performa's, from its Areas
        if demo and demo.measures:
            for indicator in doc.indicators():
                if cumulative_by_default(indicator.kind, indicator.unit, indicator.name):
                    indicator.accumulation = "cumulative"
        stored = store_plan(doc)
    except ValueError as error:  # InterchangeError, PlanTextError: Italian, naming the place
        raise CommandError(f"{error}\nNessun dato è stato salvato.", file=name) from error
    version = stored.version
    print(f"Importato «{name}»: {version.cycle.body}, anno {version.cycle.year}, {version}")
    for what, count in stored.counts.items():
        print(f"  {what}: {count}")
    warnings = [*doc.warnings, *(str(f) for f in stored.findings)]
    if warnings:
        print(f"Avvisi ({len(warnings)}):")
        for warning in warnings:
            print(f"  - {warning}")
    if demo and demo.measures:
        values = load_demo_measures(version.cycle)
        print(f"Rilevazioni 30/06 e 30/09 con {values} valori inventati (dati dimostrativi).")
    if demo and demo.budget_body:
        _demo_budget(data, demo.budget_body, demo.year)
    if demo:
        password, users = create_demo_users(version.cycle.body, DEMO_ACCOUNTS[demo.users],
                                            password)
        if users:
            print(f"Utenti dimostrativi (password: {password}): {', '.join(users)}")
    return 0


def _demo_budget(data: bytes, body_name: str, year: int) -> None:
    """The budget and context tables a demo document prints, stored for their body."""
    from performa.accounts.access import SYSTEM
    from performa.budget.context import store_context
    from performa.budget.store import store_budget
    from performa.cli.budget import read_budget
    from performa.interchange.context_text import read_context_text
    from performa.plans.models import Body

    doc = read_budget(data, "text")
    body = Body.objects.get(name=body_name)
    stored = store_budget(SYSTEM, body, doc, "bilancio del documento dimostrativo")
    counts = ", ".join(f"{what} {count}" for what, count in stored.counts.items())
    print(f"Bilancio di {body_name}: {counts}.")
    tables = read_context_text(data.decode("utf-8"))
    store_context(SYSTEM, body, year, tables, "contesto del documento dimostrativo")
    print(f"Contesto di {body_name}: {len(tables)} tabelle.")


def _run_export(args: argparse.Namespace) -> int:
    from performa.cli.django_commands import setup_django

    setup_django()
    from performa.cli.bodies import find_body
    from performa.plans.models import Cycle
    from performa.plans.store import plan_with_parts

    body = find_body(args.body)
    cycle = Cycle.objects.filter(body=body, year=args.year).first()
    version = cycle.current_version() if cycle else None
    if version is None:
        raise CommandError(f"nessun piano adottato per «{body.name}» nel {args.year}")
    args.output.write_bytes(write_plan(plan_with_parts(version), args.format))
    print(f"Esportato {version} in «{args.output}»")
    return 0


def seeds_folder(seeds: Path | None = None) -> Path:
    """``--seeds``, else ``$PERFORMA_SEEDS``, else ``../shared/seeds``."""
    import performa

    repository = Path(performa.__file__).resolve().parents[2]  # src/performa/__init__.py
    default = repository.parent / "shared" / "seeds"
    return seeds or Path(os.environ.get("PERFORMA_SEEDS") or default)


def demo_seed(seeds: Path | None = None) -> Path:
    """The first demo document (Pistoia-Prato), in :func:`seeds_folder`."""
    return seeds_folder(seeds) / DEMO_FILE


def _run_demo(args: argparse.Namespace) -> int:
    """Load each demo plan not loaded yet; each body is checked on its own, so running it
    again changes nothing and a database with only the first body gains the second. Only the
    first document is required: a seeds folder without a later one loads the others."""
    from performa.cli.django_commands import setup_django

    setup_django()
    import secrets

    from performa.plans.models import Cycle

    folder = seeds_folder(args.seeds)
    if not (folder / DEMO_PLANS[0].file).exists():
        raise CommandError(f"documento dimostrativo «{folder / DEMO_PLANS[0].file}» non trovato "
                           "(--seeds)")
    password = os.environ.get("PERFORMA_DEMO_PASSWORD") or secrets.token_urlsafe(9)
    for plan in DEMO_PLANS:
        if Cycle.objects.filter(body__name=plan.body, year=plan.year).exists():
            print(f"Il piano dimostrativo è già caricato ({plan.body}, {plan.year}).")
            continue
        path = folder / plan.file
        if not path.exists():  # a seeds folder from before this plan joined the demo
            print(f"Documento dimostrativo «{path}» non trovato: {plan.body} non caricato.")
            continue
        _import(path.read_bytes(), plan.layout, plan.body, plan.year, str(path), demo=plan,
                password=password)
    return 0
