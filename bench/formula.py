"""Hostile formula texts: prints how long parsing and evaluating each takes, asserts nothing.

The texts are the longest and deepest the language accepts or refuses (tests/engine/
test_formula_adversarial.py checks the answers): a planning office pasting something odd must
get its answer in well under a second (target: every text ≤ 50 ms).

    python bench/formula.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import time

from performa.engine.formula import MAX_LENGTH, Formula, FormulaSyntaxError, MappingEnv, parse

TEXTS = {
    "nesting 150 if()": "if(a, " * 150 + "a" + ", b)" * 150,
    "1999 open brackets": "[" * 1999,
    "1999 closing parentheses": "a" + ")" * 1999,
    "500-term sum": "a + " * 499 + "a",
    "500-term quotient": "a / " * 499 + "a",
    "400 unary minuses": "a - -" * 399 + "a",
    "min() of 661": "min(" + "a, " * 660 + "a)",
    "longest name": "[" + "x" * (MAX_LENGTH - 2) + "]",
    "a million letters": "a" * 10**6,
    "a million parentheses": "(" * 10**6,
    "250 hyphenated names": "-".join(f"v{i}" for i in range(250)),
    "200 number literals": " + ".join(["1.234,5", "0.500", "12,5 %", "7", "0,25"] * 40),
}
KNOWN = frozenset(f"v{i}" for i in range(250))
ENV = MappingEnv({"a": 1.5, "b": 2.0, "x" * (MAX_LENGTH - 2): 1.0,
                  **{name: 1.0 for name in KNOWN}}, {}, {})


def once(text: str) -> str:
    try:
        formula: Formula = parse(text, KNOWN)
    except FormulaSyntaxError:
        return "refused"
    formula.evaluate(ENV)
    return "parsed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    worst = 0.0
    print(f"{'text':<28} {'answer':<8} {'best ms':>8}")
    for label, text in TEXTS.items():
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            answer = once(text)
            times.append((time.perf_counter() - started) * 1000)
        worst = max(worst, min(times))
        print(f"{label:<28} {answer:<8} {min(times):>8.2f}")
    print(f"slowest: {worst:.2f} ms (target ≤ 50 ms)")


if __name__ == "__main__":
    main()
