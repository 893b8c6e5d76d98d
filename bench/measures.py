"""Recompute figures for the demo body (Pistoia-Prato 2022, 372 indicators): prints, asserts
nothing.

Builds a throwaway database (SQLite by default; set DATABASE_URL for PostgreSQL), loads the
demo plan with its invented 30/06 and 30/09 values, then times:

- a whole recompute of a period written as a new result set (every row inserted);
- a full recompute of the current set when nothing changed (reads, computes, writes nothing);
- the same through the computation the process kept (``measures.live``): reads the stored
  inputs, finds nothing changed, writes nothing;
- one value typed by an office: parse, store with history, bring the kept computation up to
  date (the indicator and the nodes above it) and write the rows that moved. The issue's
  target is a median of 15 ms or less, on SQLite and on PostgreSQL.

    python bench/measures.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from io import StringIO


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
          f"p95 {timings[int(len(timings) * 0.95) - 1] * 1000:.1f} ms, "
          f"max {timings[-1] * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("PERFORMA_VAR_DIR", tempfile.mkdtemp(prefix="performa-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "performa.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from performa.accounts.access import SYSTEM
    from performa.cli import main as performa
    from performa.measures import actions, computing, live
    from performa.measures.models import Period
    from performa.plans.models import Indicator

    call_command("migrate", verbosity=0)
    quiet, sys.stdout = sys.stdout, StringIO()
    started = time.perf_counter()
    performa(["demo"])
    loaded = time.perf_counter() - started
    sys.stdout = quiet
    from django.db import connection

    print(f"database: {connection.vendor}; demo plan + invented values loaded in "
          f"{loaded:.2f} s")
    period = Period.objects.get(date__month=9, demo=True)
    inputs = computing.load_inputs(period)
    print(f"body: {len(inputs.indicators)} indicators, {len(inputs.values)} inputs")

    show("engine only (read plan and values, compute)",
         timed(args.repeat, lambda _: computing.compute(period)))
    show("whole recompute written as a new result set",
         timed(args.repeat, lambda _: computing.store_results(period, new_set=True)))

    def full(_: int) -> object:
        live.forget(period.pk)
        return computing.store_results(period)

    show("full recompute with nothing changed (no rows written)", timed(args.repeat, full))
    computing.store_results(period)  # kept from here on
    show("kept computation with nothing changed (no rows written)",
         timed(args.repeat, lambda _: computing.store_results(period)))
    bando = Indicator.objects.get(version=inputs.version, name="Bando PID")

    current = bando.values.filter(period=period).first()
    revision = [current.revision if current else 0]

    def type_value(i: int) -> object:
        # The revision the page read, as the entry form sends it (not timed).
        entered = actions.enter_value(SYSTEM, period, bando, str(40 + i), revision=revision[0])
        revision[0] = entered.value.revision
        return entered

    show("one value typed (store, history, update dependants, write changed rows)",
         timed(args.repeat, type_value))


if __name__ == "__main__":
    main()
