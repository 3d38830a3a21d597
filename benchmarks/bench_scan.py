"""Benchmark ``namenorm.scan`` (names in running text): characters per second beside naive baselines.

Prints two tables; every baseline runs in the same process, pinned to one core:

1. Speed, in characters per second, on

   - *seed x N*: the seed article (``seeds/000_*.txt``) repeated to about 1 MB: news repeats its
     names, so this is the case the per-span cache is for. "cold" is the first pass after
     ``reset_caches()`` (span caches empty; the gazetteer, index and scanner tables are built
     beforehand and timed apart), "warm" the best of three further passes;
   - *prose*: the shared benchmark data's English notes (``SOURCE.md``, ``README.md``,
     ``DESIGN.md``, ``COVERAGE.md``: names in sentences, each span new), cold;
   - *UN names*, *OFAC names*: the UN (2018) and OFAC SDN (2021) name lists read as text, where
     nearly every span is a new name (Latin capitals, Arabic script): the worst case, cold.

   beside two baselines: *naive*, a capitalised-word regex and ``namenorm.resolve`` for every
   span it finds, and *naive + cache*, the same with a dict of results per distinct span. A
   baseline stops after ``--budget`` seconds on one input; its rate is over what it read.
2. Quality on the seed article against its golden table (``tests/data/scan_seed.csv``):
   mentions, right entity and offsets, wrong or spurious matches, missed mentions.

Run from the repository root::

    python benchmarks/bench_scan.py              # plain-text tables
    python benchmarks/bench_scan.py --markdown   # Markdown, for the README
    python benchmarks/bench_scan.py --budget 5   # seconds a baseline may spend on one input

Target: >= 1 MB/s on one core on the seed x N text (cold and warm) with the built-in gazetteer.
"""

from __future__ import annotations

import argparse
import csv
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from _common import BENCH_DATA, REPO, SHARED, load_namenorm, pin_one_core, render_table

SEED = REPO / "seeds" / "000_0bb69a247728724b.txt"
GOLDEN = REPO / "tests" / "data" / "scan_seed.csv"
TARGET = 1_000_000  # characters per second
WARM_RUNS = 3
NA = "n/a"

# The naive baseline's candidate spans: capitalised words, joined by spaces or hyphens.
NAIVE_SPAN = re.compile(r"[^\W\d_a-z][\w'’\-]*(?:[ \t]+[^\W\d_a-z][\w'’\-]*)*")


@dataclass
class Corpus:
    label: str
    text: str
    note: str


def load_corpora() -> list[Corpus]:
    """The texts to scan, those whose files are missing left out."""
    out: list[Corpus] = []
    seed = SEED.read_text(encoding="utf-8")
    repeated = (seed + "\n\n") * (1_000_000 // (len(seed) + 2) + 1)
    out.append(Corpus("seed x N", repeated, f"the seed article ({len(seed):,} chars) x {len(repeated) // len(seed)}"))
    prose_files = [*sorted(BENCH_DATA.glob("*/SOURCE.md")), BENCH_DATA / "README.md",
                   SHARED / "DESIGN.md", SHARED / "COVERAGE.md"]
    prose = "\n\n".join(p.read_text(encoding="utf-8") for p in prose_files if p.is_file())
    if prose:
        out.append(Corpus("prose", prose, f"{len(prose_files)} Markdown notes of ../shared"))
    for label, rel in (("UN names", "un_sc_consolidated_2018/un_consolidated_names.tsv"),
                       ("OFAC names", "ofac_sdn_2021/ofac_sdn_names.tsv")):
        path = BENCH_DATA / rel
        if path.is_file():
            out.append(Corpus(label, path.read_text(encoding="utf-8"), f"{rel}, as text"))
    return out


ScanFn = Callable[[str], list[Any]]


def fresh_engine(nn: ModuleType, scan: ScanFn) -> float:
    """Empty every cache, rebuild the default resolver and the scanner tables; return the build time."""
    nn.reset_caches()
    t0 = time.perf_counter()
    nn.resolve("Haftar")
    scan("")  # builds the scanner's tables for the default resolver
    return time.perf_counter() - t0


def rate(chars: int, seconds: float) -> float:
    return chars / seconds if seconds > 0 else float("inf")


def time_scan(nn: ModuleType, scan: ScanFn, text: str, warm: bool) -> float:
    """Seconds for one scan (cold: after emptying the span caches) or the best of WARM_RUNS."""
    if not warm:
        fresh_engine(nn, scan)
        t0 = time.perf_counter()
        scan(text)
        return time.perf_counter() - t0
    best = float("inf")
    for _ in range(WARM_RUNS):
        t0 = time.perf_counter()
        scan(text)
        best = min(best, time.perf_counter() - t0)
    return best


def naive(resolve: Callable[[str], object], text: str, budget: float, cache: bool) -> tuple[int, float]:
    """Run a naive scanner until the text ends or the budget is spent: (chars read, seconds)."""
    seen: dict[str, object] = {}
    t0 = time.perf_counter()
    pos = 0
    for m in NAIVE_SPAN.finditer(text):
        span = m.group()
        if cache:
            if span not in seen:
                seen[span] = resolve(span)
        else:
            resolve(span)
        pos = m.end()
        if time.perf_counter() - t0 > budget:
            break
    else:
        pos = len(text)
    return pos, time.perf_counter() - t0


def naive_mentions(nn: ModuleType, text: str) -> list[tuple[int, int, str]]:
    """What the naive baseline reports: (start, end, entity) for each span that resolves."""
    out = []
    for m in NAIVE_SPAN.finditer(text):
        match = nn.resolve(m.group())
        if match is not None:
            out.append((m.start(), m.end(), match.entity.name))
    return out


def quality(found: list[tuple[int, int, str]], golden: list[tuple[int, int, str]]) -> list[str]:
    want = set(golden)
    got = set(found)
    right = len(got & want)
    known_gold = {g for g in want if g[2] != "?"}
    known_got = {f for f in got if f[2] != "?"}
    wrong = len(known_got - want)
    missed = len(known_gold - got)
    precision = len(known_got & want) / len(known_got) if known_got else 0.0
    recall = len(known_got & want) / len(known_gold) if known_gold else 0.0
    return [str(len(found)), str(right), str(wrong), str(missed), f"{precision:.3f}", f"{recall:.3f}"]


def fmt_rate(value: float | None) -> str:
    if value is None:
        return NA
    return f"{value / 1e6:.2f} MB/s" if value >= 1e6 else f"{value / 1e3:,.0f} kB/s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    parser.add_argument("--budget", type=float, default=20.0, metavar="S",
                        help="seconds a naive baseline may spend on one input (default 20)")
    args = parser.parse_args(argv)

    cpu = pin_one_core()
    nn = load_namenorm()
    scan: ScanFn | None = None
    notes: list[str] = []
    if nn is not None:
        from namenorm.scan import scan  # the function, whether or not __init__ exports it yet

        build = fresh_engine(nn, scan)
        notes.append(f"engine start before the cold passes (gazetteer, index, scanner tables): {build:.2f} s, "
                     "not counted in any rate.")

    rows: list[list[str]] = []
    for corpus in load_corpora():
        size = len(corpus.text)
        cold = warm = None
        mentions = NA
        naive_rate = naive_cached = None
        if nn is not None and scan is not None:
            cold = rate(size, time_scan(nn, scan, corpus.text, warm=False))
            if corpus.label == "seed x N":
                warm = rate(size, time_scan(nn, scan, corpus.text, warm=True))
            mentions = f"{len(scan(corpus.text)):,}"
            fresh_engine(nn, scan)
            read, secs = naive(nn.resolve, corpus.text, args.budget, cache=False)
            naive_rate = rate(read, secs)
            if read < size:
                notes.append(f"naive on {corpus.label}: budget spent after {read:,} of {size:,} chars.")
            fresh_engine(nn, scan)
            read, secs = naive(nn.resolve, corpus.text, args.budget, cache=True)
            naive_cached = rate(read, secs)
        target = "≥ 1 MB/s" if corpus.label == "seed x N" else ""
        rows.append([corpus.label, f"{size:,}", mentions, fmt_rate(cold), fmt_rate(warm),
                     fmt_rate(naive_rate), fmt_rate(naive_cached), target])
        notes.append(f"{corpus.label}: {corpus.note}.")

    header = ["text", "chars", "mentions", "scan, cold", "scan, warm", "naive", "naive + cache", "target"]
    print(render_table(header, rows, markdown=args.markdown))
    print()

    if nn is not None and scan is not None and GOLDEN.is_file():
        with open(GOLDEN, encoding="utf-8", newline="") as fh:
            golden = [(int(r["start"]), int(r["end"]), r["entity"]) for r in csv.DictReader(fh)]
        seed = SEED.read_text(encoding="utf-8")
        ours = [(m.start, m.end, m.match.entity.name if m.match else "?") for m in scan(seed)]
        qrows = [["namenorm.scan", *quality(ours, golden)], ["naive", *quality(naive_mentions(nn, seed), golden)]]
        qheader = ["seed article", "mentions", "exactly right", "wrong or spurious", "missed", "precision",
                   "recall"]
        print(render_table(qheader, qrows, markdown=args.markdown))
        print()
        notes.append("quality: a mention is right when its offsets and entity equal a row of "
                     "tests/data/scan_seed.csv (whose entries were checked by hand); precision and recall "
                     "count matched mentions only (unknown names, '?', aside).")

    notes.append(f"pinned to CPU {cpu}; warm = best of {WARM_RUNS} passes; naive = capitalised-word "
                 f"regex + namenorm.resolve per span (budget {args.budget:.0f} s per input).")
    bullet = "- " if args.markdown else "* "
    for note in notes:
        print(bullet + note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
