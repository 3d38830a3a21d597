"""Worst-case inputs: how long one call takes on pathological names and texts.

    python benchmarks/bench_pathological.py

Each input goes through normalize, compare, resolve, candidates, scan and cluster on the
built-in gazetteer (warm: the gazetteer and its index are loaded first). Target: every
call under one second. A plain name is timed in the same run as the baseline.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import namenorm

INPUTS: dict[str, str] = {
    "baseline: a plain name": "Khalifa Haftar",
    "100,000 characters": "Haftar" * 16_667,
    "5,000 tokens": " ".join(["Haftar"] * 5_000),
    "one letter repeated 100,000 times": "a" * 100_000,
    "5,000 particles then a name": "al " * 5_000 + "Haftar",
    "combining marks 5,000 deep": "a" + "\u0301" * 5_000,
    "100,000 mixed-script characters": "Çavuşoغلlu Лавров " * 5_556,
    "10,000 zero-width joiners": "\u200d" * 10_000 + "Haftar",
}


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> int:
    namenorm.resolve("warm up")
    calls: dict[str, Callable[[str], object]] = {
        "normalize": namenorm.normalize,
        "compare": lambda s: namenorm.compare(s, "Khalifa Haftar"),
        "resolve": namenorm.resolve,
        "candidates": namenorm.candidates,
        "scan": namenorm.scan,
        "cluster": lambda s: namenorm.cluster([s, "Haftar"]),
    }
    header = ["input", *calls, "worst"]
    rows = []
    worst_all = 0.0
    for label, text in INPUTS.items():
        times = [timed(lambda f=f, t=text: f(t)) for f in calls.values()]
        worst_all = max(worst_all, *times)
        rows.append([label, *(f"{t * 1000:.1f} ms" for t in times), f"{max(times) * 1000:.1f} ms"])
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    print(f"\nworst single call: {worst_all * 1000:.1f} ms (target < 1000 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
