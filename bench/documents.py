"""Document figures for the demo body (Pistoia-Prato 2022, 46 cards, 372 indicators): prints,
asserts nothing.

Builds a throwaway database (SQLite by default; set DATABASE_URL for PostgreSQL), loads the
demo, then times for the Piano (and, with --all, every registered kind, then the RPP of Toscana
Nord-Ovest and the PIRA of Frosinone Latina as PDF and DOCX): the build (database → Document)
and each rendering. The target is the whole Piano as PDF in at most 5 s. The first
PDF also pays WeasyPrint's import and font loading: it is reported apart («primo PDF»).

    python bench/documents.py [--repeat 3] [--all]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from io import StringIO
from typing import Any

TARGET_PDF_SECONDS = 5.0
# With --all, the documents of the demo's other bodies whose layout the seeds give: the RPP of
# the merged body (its three predecessors in turn, Massa-Carrara's budget) and the PIRA 2021.
OTHER_BODIES = (
    ("rpp", "Camera di Commercio della Toscana Nord-Ovest", 2022),
    ("pira", "Camera di Commercio Frosinone Latina", 2021),
)


def seconds(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s".replace(".", ",")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--all", action="store_true", help="every kind, every format")
    args = parser.parse_args()
    os.environ.setdefault("PERFORMA_VAR_DIR", tempfile.mkdtemp(prefix="performa-bench-"))
    os.environ.setdefault("PERFORMA_DEMO_PASSWORD", "bench-Demo-2022")
    os.environ["DJANGO_SETTINGS_MODULE"] = "performa.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from performa.cli import main as performa
    from performa.documents import registry
    from performa.documents.render import render
    from performa.plans.models import Body

    call_command("migrate", verbosity=0)
    quiet, sys.stdout = sys.stdout, StringIO()
    try:
        performa(["demo"])
    finally:
        sys.stdout = quiet
    body = Body.objects.get(name="Camera di Commercio di Pistoia-Prato")
    context = registry.context_for(body, 2022)
    kinds = registry.load_all()
    names = list(kinds) if args.all else ["piano"]

    started = time.perf_counter()
    render(kinds["piano"].build(context), "pdf")
    print(f"primo PDF del Piano (import di WeasyPrint e caricamento dei font compresi): "
          f"{time.perf_counter() - started:.2f} s".replace(".", ","))
    for name in names:
        kind = kinds[name]
        builds = []
        for _ in range(args.repeat):
            begin = time.perf_counter()
            kind.build(context)
            builds.append(time.perf_counter() - begin)
        doc = kind.build(context)
        rows = sum(len(table.rows) for table in doc.tables())
        print(f"\n{kind.title} ({name}): {len(doc.blocks)} blocchi, {len(doc.tables())} "
              f"tabelle, {rows} righe — costruzione {seconds(builds)}")
        for fmt in kind.formats:
            timings, size = [], 0
            for _ in range(args.repeat):
                begin = time.perf_counter()
                size = len(render(doc, fmt))
                timings.append(time.perf_counter() - begin)
            note = ""
            if name == "piano" and fmt == "pdf":
                verdict = "entro" if statistics.median(timings) <= TARGET_PDF_SECONDS else "OLTRE"
                note = f"  ({verdict} l'obiettivo di {TARGET_PDF_SECONDS:.0f} s)"
            print(f"  {fmt:<5} {seconds(timings):>8}  {size // 1024:>5} kB{note}")
    if args.all:
        for kind_name, body_name, year in OTHER_BODIES:
            other = registry.context_for(Body.objects.get(name=body_name), year)
            time_one(kinds[kind_name], other, f"{body_name} {year}", args.repeat)


def time_one(kind: Any, context: Any, label: str, repeat: int) -> None:
    """The build and the PDF and DOCX of one more document of the demo."""
    from performa.documents.render import render

    builds = []
    for _ in range(repeat):
        begin = time.perf_counter()
        doc = kind.build(context)
        builds.append(time.perf_counter() - begin)
    rows = sum(len(table.rows) for table in doc.tables())
    print(f"\n{kind.title} ({kind.name}), {label}: {len(doc.blocks)} blocchi, "
          f"{len(doc.tables())} tabelle, {rows} righe — costruzione {seconds(builds)}")
    for fmt in ("pdf", "docx"):
        timings, size = [], 0
        for _ in range(repeat):
            begin = time.perf_counter()
            size = len(render(doc, fmt))
            timings.append(time.perf_counter() - begin)
        print(f"  {fmt:<5} {seconds(timings):>8}  {size // 1024:>5} kB")


if __name__ == "__main__":
    main()
