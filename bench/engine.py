"""National-scale engine benchmark: prints figures, asserts nothing.

A synthetic national set — 60 chambers × ~600 indicators over ~1.000 variables, formulas over
1-3 variables, 4 periods — is computed whole (evaluate + score + roll-up), then one variable
is changed at a time and recomputed incrementally through the dependency graph.
Targets (ARCHITECTURE.md): whole set ≤ 1 s, one-variable update ≤ 10 ms.

    python bench/engine.py [--bodies 60] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from performa.engine.compute import BodyComputation, IndicatorSpec
from performa.engine.formula import parse
from performa.engine.rollup import Node
from performa.engine.values import Comparator, Kind, Target, Value

AREAS, OBJECTIVES, CARDS, INDICATORS = 5, 2, 6, 10  # 5 × 2 × 6 × 10 = 600 indicators a body
VARIABLES = 1000
PERIODS = 4
SHAPES = ("{a}", "{a} / {b}", "({a} + {b}) / {c}", "{a} - {b}", "max({a}, {b}) / {c} * 100")


def build_body(rng: random.Random, body: int) -> tuple[list[IndicatorSpec], Node]:
    names = [f"V{body}_{i:04d}" for i in range(VARIABLES)]
    indicators: list[IndicatorSpec] = []
    areas = []
    for a in range(AREAS):
        objectives = []
        for o in range(OBJECTIVES):
            cards = []
            for c in range(CARDS):
                code = f"{a + 1:02d}_{o + 1:02d}_{c + 1:02d}"
                leaves = []
                for i in range(INDICATORS):
                    key = f"{code}/{i + 1}"
                    picked = rng.sample(names, 3)
                    text = rng.choice(SHAPES).format(a=picked[0], b=picked[1], c=picked[2])
                    comparator = rng.choice((Comparator.GE, Comparator.GE, Comparator.LE))
                    target = Target(comparator, Value(Kind.NUMBER, rng.uniform(0.5, 50)))
                    indicators.append(IndicatorSpec(key, parse(text), target, "n."))
                    leaves.append(Node(key, weight=1 / INDICATORS))
                cards.append(Node(code, children=leaves))
            objectives.append(Node(f"{a + 1:02d}_{o + 1:02d}", children=cards))
        areas.append(Node(f"A{a + 1}", children=objectives))
    return indicators, Node(f"body{body}", children=areas)


def period_values(rng: random.Random, body: int) -> dict[str, float | None]:
    values: dict[str, float | None] = {
        f"V{body}_{i:04d}": rng.uniform(1, 100) for i in range(VARIABLES)
    }
    for name in rng.sample(sorted(values), VARIABLES // 50):  # 2% not available
        values[name] = None
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    started = time.perf_counter()
    bodies = [build_body(rng, b) for b in range(args.bodies)]
    built = time.perf_counter() - started
    periods = [[period_values(rng, b) for _ in range(PERIODS)] for b in range(args.bodies)]
    computations = [BodyComputation(indicators, tree) for indicators, tree in bodies]
    indicators = sum(len(i) for i, _ in bodies)
    print(f"set: {args.bodies} enti × {indicators // args.bodies} indicatori × {PERIODS} "
          f"rilevazioni = {indicators * PERIODS:,} valutazioni".replace(",", "."))
    print(f"parse of every formula and planning: {built:.3f} s")

    runs = []
    for _ in range(3):
        started = time.perf_counter()
        for computation, values in zip(computations, periods, strict=True):
            for period in values:
                computation.compute(period)
        runs.append(time.perf_counter() - started)
    print(f"whole set evaluate + score + roll up: best {min(runs):.3f} s, "
          f"median {statistics.median(runs):.3f} s (target ≤ 1 s)")

    computation, values = computations[0], periods[0][-1]
    computation.compute(values)
    names = rng.sample(sorted(values), 500)
    timings = []
    touched = 0
    for name in names:
        started = time.perf_counter()
        touched += len(computation.update(name, rng.uniform(1, 100)))
        timings.append(time.perf_counter() - started)
    timings.sort()
    print(f"one-variable incremental update: median {statistics.median(timings) * 1000:.3f} ms, "
          f"p95 {timings[int(len(timings) * 0.95)] * 1000:.3f} ms, "
          f"max {timings[-1] * 1000:.3f} ms (target ≤ 10 ms); "
          f"{touched / len(names):.1f} items recomputed on average")


if __name__ == "__main__":
    main()
