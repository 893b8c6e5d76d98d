"""Import the Massa-Carrara budget of seed 002 and read it back: prints, asserts nothing.

Builds a throwaway database (SQLite by default; set DATABASE_URL for PostgreSQL), then times
reading the tables from the text, storing them into an empty series (400 amounts, each with
its history row), storing them again (nothing changes), and the overview every page and the
API read (series by year and the twelve indices with their inputs). Issue 11's target for an
import is 2 s or less.

    python bench/budget.py [--repeat 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "002_68b4b20b4f1ef68e.txt"


def timed(repeat: int, work: Callable[[int], object]) -> list[float]:
    timings = []
    for i in range(repeat):
        started = time.perf_counter()
        work(i)
        timings.append(time.perf_counter() - started)
    return timings


def show(label: str, timings: list[float]) -> None:
    timings = sorted(timings)
    print(f"{label}: median {statistics.median(timings) * 1000:.1f} ms, "
          f"max {timings[-1] * 1000:.1f} ms ({len(timings)} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    os.environ.setdefault("PERFORMA_VAR_DIR", tempfile.mkdtemp(prefix="performa-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "performa.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from performa.accounts.access import SYSTEM
    from performa.budget.reading import budget_overview
    from performa.budget.store import store_budget
    from performa.interchange.budget_text import read_budget_text
    from performa.plans.models import Body

    call_command("migrate", verbosity=0)
    text = SEED.read_text(encoding="utf-8")
    print(f"database: {connection.vendor}; seed {SEED.name}, {len(text) // 1024} KiB")
    show("read the tables from the text", timed(args.repeat, lambda _: read_budget_text(text)))
    doc = read_budget_text(text)

    def first_import(i: int) -> object:
        body = Body.objects.create(name=f"Massa-Carrara {i}")
        return store_budget(SYSTEM, body, doc)

    show(f"store {len(doc.lines)} amounts into an empty series", timed(args.repeat, first_import))
    body = Body.objects.get(name="Massa-Carrara 0")
    show("store the same file again (nothing changes)",
         timed(args.repeat, lambda _: store_budget(SYSTEM, body, doc)))
    show("overview: series by year and indices with inputs",
         timed(args.repeat, lambda _: budget_overview(body)))


if __name__ == "__main__":
    main()
