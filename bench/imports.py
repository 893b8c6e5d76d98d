"""Import time of the seeds' real documents: prints figures, asserts nothing.

Each document of IMPORTS is read (layout recognised, text → PlanDocument, as `performa
import-plan` does) and stored through the database (store_plan, one transaction) into a
throwaway database: SQLite by default, the PostgreSQL of DATABASE_URL when it is set (its
tables are migrated first). The median of --repeat runs is printed, read and store apart,
with the queries the store sent; between runs the body (and the bodies merged into it, which
an RPP's parts create) is deleted, outside the timing. The target is at most 2 s a document.

    python bench/imports.py [--repeat 5] [--seeds ../shared/seeds]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_SECONDS = 2.0
# (label, file in the seeds folder, format of `performa import-plan --format`)
IMPORTS: list[tuple[str, str, str]] = [
    ("Piano 2022 Pistoia-Prato", "000_7c03116ef0aec330.txt", "text"),
    ("PIRA 2021 Frosinone Latina", "004_b237edd194eb8dfa.txt", "text"),
    ("RPP 2022 Toscana Nord-Ovest", "002_68b4b20b4f1ef68e.txt", "text"),
]


def seconds(value: float) -> str:
    return f"{value:.2f} s".replace(".", ",")


class Counter:
    """Counts the queries sent to the database (``connection.execute_wrapper``)."""

    def __init__(self) -> None:
        self.queries = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.queries += 1
        return execute(sql, params, many, context)


def forget(body_model: Any, name: str) -> None:
    """Delete the bench's body and the bodies merged into it (they protect it)."""
    body_model.objects.filter(merged_into__name=name).delete()
    body_model.objects.filter(name=name).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seeds", type=Path, default=None)
    args = parser.parse_args()
    os.environ.setdefault("PERFORMA_VAR_DIR", tempfile.mkdtemp(prefix="performa-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "performa.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from performa.cli.plans import read_plan, seeds_folder
    from performa.plans.models import Body
    from performa.plans.store import store_plan

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; mediana di {args.repeat} importazioni, "
          f"obiettivo ≤ {seconds(TARGET_SECONDS)} ciascuna")
    folder = seeds_folder(args.seeds)
    for label, name, fmt in IMPORTS:
        data = (folder / name).read_bytes()
        body = f"Bench — {label}"
        reads, stores, totals = [], [], []
        counts: dict[str, int] = {}
        queries = 0
        for _ in range(args.repeat):
            forget(Body, body)
            begin = time.perf_counter()
            doc = read_plan(data, fmt, body=body)
            doc.body = body
            middle = time.perf_counter()
            sent = Counter()
            with connection.execute_wrapper(sent):
                counts = store_plan(doc).counts
            end = time.perf_counter()
            queries = sent.queries
            reads.append(middle - begin)
            stores.append(end - middle)
            totals.append(end - begin)
        forget(Body, body)
        total = statistics.median(totals)
        verdict = "entro l'obiettivo" if total <= TARGET_SECONDS else "OLTRE l'obiettivo"
        figures = ", ".join(f"{what} {count}" for what, count in counts.items() if count)
        print(f"\n{label} ({name}, {len(data) // 1024} KB): {figures}")
        print(f"  lettura {seconds(statistics.median(reads))}, salvataggio "
              f"{seconds(statistics.median(stores))} ({queries} query), totale {seconds(total)} "
              f"— {verdict}")


if __name__ == "__main__":
    main()
