"""Held-out resolution check on the built-in gazetteer: can namenorm find an entity from a name
it was not given?

From ``namenorm.Gazetteer.default()`` this keeps the people, the places (minus the generated
GeoNames places, ids ``gn:...``, except countries) and the organisations, and writes a temporary
gazetteer CSV that holds only ONE reference name per entity: its canonical ``name``. A fixed-seed
10% of the people are left out entirely. Then:

- queries: every other name of each kept entity (aliases, other scripts; names that only differ
  from the canonical one in case are skipped) -> the expected entity id. A name listed by several
  kept entities counts as found when any of them is returned.
- negatives: every name of a left-out person (unless a kept entity lists it too); resolving one to
  any entity is a false accept.

It reports top-1 accuracy (``Resolver.resolve``), top-5 (``Resolver.candidates``), overall, by
script of the query (Latin / Arabic / Cyrillic / other, by Unicode ranges) and by type, and false
accepts (a wrong entity returned, plus left-out people resolved to anything), beside a baseline:
unidecode + lower-case, then ``rapidfuzz.process.extractOne(q, reference_names,
scorer=fuzz.WRatio)`` accepted at 70.

Run from the repository root::

    python benchmarks/bench_heldout.py
    python benchmarks/bench_heldout.py --show-misses 40   # print misses: query, expected, got, score
    python benchmarks/bench_heldout.py --markdown
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from _common import fold, load_namenorm, render_table, script_of
from rapidfuzz import fuzz, process

SEED = 20240601
LEAVE_OUT = 0.10
BASELINE_CUTOFF = 70.0
SCRIPTS = ("Latin", "Arabic", "Cyrillic", "other")


@dataclass(frozen=True, slots=True)
class Ref:
    """A kept entity: what goes into the one-name gazetteer."""

    id: str
    type: str
    name: str
    country: str | None
    population: int | None


@dataclass(frozen=True, slots=True)
class Query:
    """One held-out name; ``expected`` is empty for a left-out person's name."""

    text: str
    type: str
    owner: str  # the entity (id) whose name this is
    owner_name: str
    expected: frozenset[str]
    is_country: bool = False

    @property
    def script(self) -> str:
        return script_of(self.text)


@dataclass(slots=True)
class Outcome:
    """What one method answered for one query."""

    got: str | None
    got_name: str | None
    score: float | None
    in_top5: bool = False


@dataclass(slots=True)
class Tally:
    """Counts for one row of the table."""

    n: int = 0
    top1: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    top5: int = 0
    wrong: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def key(text: str) -> str:
    """Identity of a name for de-duplication: NFC, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def in_scope(entity: Any) -> bool:
    """People, organisations and curated places (generated GeoNames places only if countries)."""
    kind = str(getattr(entity, "kind", "") or "").lower()
    type_ = str(entity.type).lower()
    if type_ == "place" and str(entity.id).startswith("gn:"):
        return kind == "country"
    return type_ in ("person", "place", "org")


def split_entities(nn: ModuleType, seed: int) -> tuple[list[Any], list[Any]]:
    """The in-scope entities to keep, and the people to leave out (fixed seed)."""
    entities = sorted((e for e in nn.Gazetteer.default() if in_scope(e)), key=lambda e: str(e.id))
    people = [str(e.id) for e in entities if str(e.type).lower() == "person"]
    left_out = set(random.Random(seed).sample(people, round(LEAVE_OUT * len(people))))
    kept = [e for e in entities if str(e.id) not in left_out]
    return kept, [e for e in entities if str(e.id) in left_out]


def make_refs(kept: Iterable[Any]) -> list[Ref]:
    refs = []
    for e in kept:
        pop = getattr(e, "population", None)
        refs.append(Ref(str(e.id), str(e.type).lower(), str(e.name), getattr(e, "country", None) or None,
                        int(pop) if pop else None))
    return refs


def write_csv(refs: Sequence[Ref], path: Path) -> None:
    """The one-name-per-entity gazetteer, in namenorm's CSV format."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "type", "name", "country", "population"])
        for r in refs:
            writer.writerow([r.id, r.type, r.name, r.country or "", r.population or ""])


def make_queries(kept: Sequence[Any], left_out: Sequence[Any]) -> tuple[list[Query], list[Query], int]:
    """Held-out names of kept entities, names of left-out people, and how many of the latter were
    skipped because a kept entity lists the same name."""
    owners: dict[str, set[str]] = defaultdict(set)  # name key -> kept ids listing it
    for e in kept:
        for n in e.names:
            owners[key(n)].add(str(e.id))
    positives: list[Query] = []
    for e in kept:
        seen = {key(str(e.name))}
        for text in e.names:
            if key(text) in seen:
                continue
            seen.add(key(text))
            positives.append(Query(text, str(e.type).lower(), str(e.id), str(e.name),
                                   frozenset(owners[key(text)]), str(e.kind).lower() == "country"))
    negatives: list[Query] = []
    shared = 0
    for e in left_out:
        seen = set()
        for text in e.names:  # names[0] is the canonical name
            if key(text) in seen:
                continue
            seen.add(key(text))
            if key(text) in owners:
                shared += 1
                continue
            negatives.append(Query(text, "person", str(e.id), str(e.name), frozenset()))
    return positives, negatives, shared


def run_namenorm(nn: ModuleType, csv_path: Path, queries: Sequence[Query]) -> list[Outcome]:
    resolver = nn.Resolver(nn.Gazetteer.load(str(csv_path)))
    out = []
    for q in queries:
        match = resolver.resolve(q.text)
        outcome = (Outcome(None, None, None) if match is None else
                   Outcome(str(match.entity.id), str(match.entity.name), float(match.score)))
        if q.expected:
            cands = resolver.candidates(q.text, limit=5)
            outcome.in_top5 = any(str(c.entity.id) in q.expected for c in cands)
        out.append(outcome)
    return out


def run_baseline(refs: Sequence[Ref], queries: Sequence[Query]) -> list[Outcome]:
    choices = [fold(r.name) for r in refs]
    out = []
    for q in queries:
        best = process.extractOne(fold(q.text), choices, scorer=fuzz.WRatio, score_cutoff=BASELINE_CUTOFF)
        if best is None:
            out.append(Outcome(None, None, None))
        else:
            ref = refs[best[2]]
            out.append(Outcome(ref.id, ref.name, best[1] / 100.0))
    return out


def tally(queries: Sequence[Query], results: dict[str, list[Outcome]]) -> dict[str, Tally]:
    """Per-row counts: "all", each script, each type."""
    rows: dict[str, Tally] = defaultdict(Tally)
    for i, q in enumerate(queries):
        labels = ["all", f"script: {q.script}", f"type: {q.type}"]
        if q.type == "place":
            labels.append("  countries" if q.is_country else "  other places")
        for row in labels:
            t = rows[row]
            t.n += 1
            for method, outcomes in results.items():
                o = outcomes[i]
                if o.got is not None and o.got in q.expected:
                    t.top1[method] += 1
                elif o.got is not None:
                    t.wrong[method] += 1
                if method == "namenorm" and o.in_top5:
                    t.top5 += 1
    return rows


def pct(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--show-misses", type=int, default=0, metavar="N",
                        help="print the first N misses of namenorm (query, expected, got, score)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--seed", type=int, default=SEED, help="seed for the left-out people")
    args = parser.parse_args(argv)

    nn = load_namenorm()
    if nn is None:
        print("bench_heldout needs namenorm (its built-in gazetteer is the data)", file=sys.stderr)
        return 2
    kept, left_out = split_entities(nn, args.seed)
    refs = make_refs(kept)
    positives, negatives, shared = make_queries(kept, left_out)
    queries = positives + negatives
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "heldout.csv"
        write_csv(refs, path)
        results = {"namenorm": run_namenorm(nn, path, queries), "baseline": run_baseline(refs, queries)}

    rows = tally(positives, results)
    order = ["all", *(f"script: {s}" for s in SCRIPTS), "type: person", "type: org", "type: place",
             "  countries", "  other places"]
    table = []
    for label in order:
        if label not in rows:
            continue
        t = rows[label]
        table.append([label, str(t.n), pct(t.top1["namenorm"], t.n), pct(t.top5, t.n),
                      pct(t.wrong["namenorm"], t.n), pct(t.top1["baseline"], t.n),
                      pct(t.wrong["baseline"], t.n)])
    n_neg = len(negatives)
    neg_fa = {m: sum(o.got is not None for o in results[m][len(positives):]) for m in results}
    table.append(["left-out people (negatives)", str(n_neg), "", "", pct(neg_fa["namenorm"], n_neg), "",
                  pct(neg_fa["baseline"], n_neg)])
    total = {m: rows["all"].wrong[m] + neg_fa[m] for m in results}
    table.append(["false accepts, all (wrong + left-out)", str(len(queries)), "", "",
                  f"{total['namenorm']} ({pct(total['namenorm'], len(queries))})", "",
                  f"{total['baseline']} ({pct(total['baseline'], len(queries))})"])
    header = ["queries", "n", "namenorm top-1", "namenorm top-5", "namenorm wrong entity",
              f"baseline top-1 (WRatio>={BASELINE_CUTOFF:.0f})", "baseline wrong entity"]
    print(render_table(header, table, markdown=args.markdown))
    print()
    by_type: dict[str, int] = defaultdict(int)
    for r in refs:
        by_type[r.type] += 1
    bullet = "- " if args.markdown else "* "
    print(f"{bullet}reference gazetteer: {len(refs)} entities, one name each "
          f"({', '.join(f'{k} {v}' for k, v in sorted(by_type.items()))}); "
          f"DEFAULT_THRESHOLD {nn.DEFAULT_THRESHOLD}.")
    print(f"{bullet}left out: {len(left_out)} people (seed {args.seed}); {n_neg} of their names are "
          f"negatives, {shared} more were skipped because a kept entity lists them too.")
    print(f"{bullet}'wrong entity' counts a returned entity that does not list the query; the "
          "rest of a row's misses returned nothing.")

    if args.show_misses:
        print()
        shown = 0
        # people first (their own misses, then left-out people resolved), then orgs, then places
        rank = {"person": 0, "org": 1, "place": 2}
        ordered = sorted(zip(queries, results["namenorm"], strict=True),
                         key=lambda qo: (rank.get(qo[0].type, 3), not qo[0].expected, qo[0].owner))
        for q, o in ordered:
            hit = o.got in q.expected if q.expected else o.got is None
            if hit:
                continue
            expected = f"{q.owner} {q.owner_name}" if q.expected else f"None (left out: {q.owner} {q.owner_name})"
            got = "None" if o.got is None else f"{o.got} {o.got_name}"
            score = "" if o.score is None else f" score={o.score:.3f}"
            print(f"MISS [{q.script}/{q.type}] {q.text!r}: expected {expected}; got {got}{score}")
            shown += 1
            if shown >= args.show_misses:
                break
    return 0


if __name__ == "__main__":
    sys.exit(main())
