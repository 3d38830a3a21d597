"""Benchmark ``namenorm.compare`` and ``namenorm.resolve`` against public data and baselines.

Prints one table; every baseline is computed in the same run:

a. Pairwise names, nomenklatura ``name_bench`` (``cases.csv``): precision, recall and F1 at
   ``namenorm.DEFAULT_THRESHOLD`` on Person pairs and on all pairs, beside OpenSanctions
   logic-v2 (its frozen scores, a match at score >= 0.7) and a naive baseline:
   ``fuzz.WRatio(unidecode(a).lower(), unidecode(b).lower()) / 100 >= 0.7``, also shown at its own
   best (oracle, tuned on this test set) threshold.
b. Cross-script tokens. Arabic->English (Google ``ar2en.tsv``) and Cyrillic->Latin (Wikidata
   ``wd_russian_variant_clusters_min2.tsv``): recall on the true pairs and false-accept rate on
   hard negatives (for each native token, the other Latin token that looks most like its true
   spelling by ``fuzz.ratio``), for namenorm and for the naive
   ``fuzz.ratio(unidecode(a).lower(), b.lower()) / 100 >= 0.7``.
c. Speed on one core: ``compare`` pairs/s over the name_bench pairs (cold: ``reset_caches()``
   before each pass; warm), beside rapidfuzz ``WRatio`` alone; ``resolve`` queries/s on the
   built-in gazetteer (its names perturbed: lower-cased, diacritics stripped, a letter dropped);
   cold start (fresh interpreter: import + one resolve) and import time, median of 3.

Run from the repository root::

    python benchmarks/bench_compare.py              # plain-text table
    python benchmarks/bench_compare.py --markdown   # the same table in Markdown, for the README
    python benchmarks/bench_compare.py --max-positives 5000   # sample the cross-script sets

The data is read from ``../shared/benchmarks`` (override with ``NAMENORM_SHARED``). If namenorm
is not importable, its columns show n/a and the baselines still run.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType

from _common import (
    BENCH_DATA,
    fold,
    load_namenorm,
    pin_one_core,
    prf,
    print_report,
    render_table,
    strip_diacritics,
)
from rapidfuzz import fuzz, process

SEED = 20240601
LOGICV2_THRESHOLD = 0.7
NAIVE_THRESHOLD = 0.7
MIN_SECONDS = 2.0  # each timed measurement runs at least this long
TARGETS = {
    "person_f1": 0.80,
    "arabic_recall": 0.85,
    "cyrillic_recall": 0.90,
    "false_accept": 0.05,
    "compare_per_s": 50_000.0,
    "resolve_per_s": 20_000.0,
}
NA = "n/a"


# ---------------------------------------------------------------------------------------------
# a. nomenklatura name_bench
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    """One labelled pair of cases.csv, with logic-v2's frozen score where it has one."""

    schema: str
    name1: str
    name2: str
    is_match: bool
    logicv2: float | None


def load_cases() -> tuple[list[Case], list[str]]:
    """Load cases.csv and join logic-v2's frozen scores onto it.

    The frozen file was made from an older revision of cases.csv: some case groups were renamed
    and a few labels changed since, and the newest rows have no score. So scores are joined on
    the pair of names (logic-v2's score depends on the names only: every pair listed more than
    once carries the same score), and the labels always come from cases.csv.

    Returns:
        The cases, in file order, and notes on the join for the report.
    """
    folder = BENCH_DATA / "nomenklatura_name_bench"
    with open(folder / "logicv2-frozen.csv", newline="", encoding="utf-8") as fh:
        frozen = list(csv.DictReader(fh))
    scores: dict[tuple[str, str], float] = {}
    frozen_labels: dict[tuple[str, str, str], str] = {}
    for row in frozen:
        key = (row["name1"], row["name2"])
        score = float(row["score"])
        if key in scores and scores[key] != score:
            raise ValueError(f"logic-v2 scores the pair {key} twice, differently")
        scores[key] = score
        frozen_labels[(row["schema"], *key)] = row["is_match"]
    cases: list[Case] = []
    relabelled = 0
    with open(folder / "cases.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            key = (row["name1"], row["name2"])
            old = frozen_labels.get((row["schema"], *key))
            relabelled += old is not None and old != row["is_match"]
            cases.append(Case(row["schema"], *key, row["is_match"] == "true", scores.get(key)))
    missing = sum(c.logicv2 is None for c in cases)
    # logic-v2 on the frozen file's own rows and labels: the figure its harness reports
    own = [r for r in frozen if r["schema"] == "Person"]
    _, _, own_f1 = prf([float(r["score"]) >= LOGICV2_THRESHOLD for r in own],
                       [r["is_match"] == "true" for r in own])
    notes = [
        f"name_bench: {len(cases)} pairs in cases.csv, {len(frozen)} rows in logicv2-frozen.csv; "
        f"joined on (name1, name2) with labels from cases.csv; {missing} pairs have no logic-v2 "
        f"score and are left out of every column of the pairwise rows; {relabelled} joined pairs "
        "carry a different label in the frozen file (the cases.csv label is used).",
        f"logic-v2 on the frozen file's own {len(own)} Person rows and labels: F1 {own_f1:.3f} "
        "(its harness's figure; the table's is on the cases.csv rows and labels).",
    ]
    return cases, notes


def naive_pair_score(a: str, b: str) -> float:
    """The naive pairwise baseline: unidecode, lower-case, rapidfuzz WRatio, scaled to 0-1."""
    return fuzz.WRatio(fold(a), fold(b)) / 100.0


def best_threshold(scores: Sequence[float], truth: Sequence[bool]) -> tuple[float, float]:
    """The threshold (among the scores seen) with the best F1; ties go to the lower threshold.

    Returns:
        (threshold, F1 at it).
    """
    best = (0.0, -1.0)
    for t in sorted(set(scores)):
        f1 = prf([s >= t for s in scores], truth)[2]
        if f1 > best[1]:
            best = (t, f1)
    return best


@dataclass(slots=True)
class PairResult:
    """Precision/recall/F1 of every method on one subset of name_bench."""

    label: str
    n: int
    namenorm: tuple[float, float, float] | None
    logicv2: tuple[float, float, float]
    naive: tuple[float, float, float]
    naive_best: tuple[float, float, float, float]  # threshold, precision, recall, F1
    namenorm_best: tuple[float, float] | None  # threshold, F1 (for the notes)


def evaluate_pairs(cases: Sequence[Case], label: str, nn: ModuleType | None) -> PairResult:
    """Score one subset of cases with namenorm, logic-v2 and the naive baseline."""
    truth = [c.is_match for c in cases]
    lv2 = prf([(c.logicv2 or 0.0) >= LOGICV2_THRESHOLD for c in cases], truth)
    naive_scores = [naive_pair_score(c.name1, c.name2) for c in cases]
    naive = prf([s >= NAIVE_THRESHOLD for s in naive_scores], truth)
    t, _ = best_threshold(naive_scores, truth)
    naive_best = (t, *prf([s >= t for s in naive_scores], truth))
    nn_prf: tuple[float, float, float] | None = None
    nn_best: tuple[float, float] | None = None
    if nn is not None:
        nn_scores = [nn.compare(c.name1, c.name2) for c in cases]
        nn_prf = prf([s >= nn.DEFAULT_THRESHOLD for s in nn_scores], truth)
        nn_best = best_threshold(nn_scores, truth)
    return PairResult(label, len(cases), nn_prf, lv2, naive, naive_best, nn_best)


# ---------------------------------------------------------------------------------------------
# b. cross-script tokens
# ---------------------------------------------------------------------------------------------

Pair = tuple[str, str]


@dataclass(slots=True)
class CrossScriptSet:
    """Positive and hard-negative (native, Latin) token pairs of one language."""

    language: str
    positives: list[Pair]
    negatives: list[Pair]
    natives: int  # distinct native tokens in the full file
    sampled: bool
    hardness: float  # median fuzz.ratio (0-1) of each negative to the true spelling it stands in for


# A negative must not itself be a spelling of the true name: any Latin token within
# this fuzz.ratio of one of the true spellings is left out (that drops one-letter
# variants such as "heinrich" for хинрих, filed under another native token).
NEGATIVE_CAP = 70.0


def hard_negative(true: str, excluded: set[str], choices: Sequence[str]) -> str:
    """The choice most like ``true`` by ``fuzz.ratio`` that is not a spelling of it.

    Not in ``excluded`` (the listed spellings), and below ``NEGATIVE_CAP`` against each of
    them. Ties go to the alphabetically first choice. This construction reproduces the
    issue's naive-baseline figures (false accepts 0.002 Arabic, 0.02-0.05 Cyrillic).
    """
    top = process.extract(true, choices, scorer=fuzz.ratio, limit=400)
    for choice, _score, _ in sorted(top, key=lambda t: (-round(t[1], 6), t[0])):
        if choice in excluded or any(fuzz.ratio(choice, e) >= NEGATIVE_CAP for e in excluded):
            continue
        return choice
    return min(top, key=lambda t: (t[1], t[0]))[0]


def build_cross_script(
    language: str,
    spellings: dict[str, list[str]],
    choices: Sequence[str],
    max_positives: int | None,
) -> CrossScriptSet:
    """Make positives (native, each spelling) and one hard negative per native token.

    Args:
        language: label for the report.
        spellings: native token -> its Latin spellings, the reference (true) spelling first.
        choices: the Latin tokens a negative is drawn from.
        max_positives: sample at most this many positives (fixed seed); None keeps all.
    """
    positives = [(native, latin) for native, latins in spellings.items() for latin in latins]
    sampled = max_positives is not None and len(positives) > max_positives
    if sampled:
        assert max_positives is not None
        positives = sorted(random.Random(SEED).sample(positives, max_positives))
    natives = sorted({native for native, _ in positives})
    ordered = sorted(set(choices))
    negatives = [(n, hard_negative(spellings[n][0], set(spellings[n]), ordered)) for n in natives]
    hardness = statistics.median(fuzz.ratio(spellings[n][0], latin) / 100.0 for n, latin in negatives)
    return CrossScriptSet(language, positives, negatives, len(spellings), sampled, hardness)


def load_arabic(max_positives: int | None) -> CrossScriptSet:
    """ar2en.tsv: every (Arabic, English) row is a positive; the first listed spelling is the
    reference one; negatives come from the file's whole English column."""
    spellings: dict[str, list[str]] = defaultdict(list)
    english: list[str] = []
    path = BENCH_DATA / "google_transliteration_ar2en" / "ar2en.tsv"
    with open(path, encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            arabic, latin = line.rstrip("\n").split("\t")
            english.append(latin)
            if latin not in spellings[arabic]:  # one row of the file is duplicated
                spellings[arabic].append(latin)
    return build_cross_script("Arabic->English", spellings, english, max_positives)


def load_cyrillic(max_positives: int | None) -> CrossScriptSet:
    """Russian variant clusters (min2): every Latin variant of a cluster is a positive; the most
    frequent is the reference; negatives come from the other clusters' variants."""
    spellings: dict[str, list[str]] = {}
    path = BENCH_DATA / "wikidata_netransliteration_coling2018" / "wd_russian_variant_clusters_min2.tsv"
    with open(path, encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            native, _, variants = line.rstrip("\n").split("\t")
            # "spelling:count|..." sorted by count; a spelling may itself hold a colon (de':15)
            spellings[native] = [v.rsplit(":", 1)[0] for v in variants.split("|")]
    latin = [v for vs in spellings.values() for v in vs]
    return build_cross_script("Cyrillic->Latin", spellings, latin, max_positives)


def naive_token_match(native: str, latin: str) -> bool:
    """The naive cross-script baseline."""
    return fuzz.ratio(fold(native), latin.lower()) / 100.0 >= NAIVE_THRESHOLD


def rates(pairs: Sequence[Pair], accept: Callable[[str, str], bool]) -> float:
    """Share of pairs accepted."""
    return sum(accept(a, b) for a, b in pairs) / len(pairs) if pairs else 0.0


# ---------------------------------------------------------------------------------------------
# c. speed
# ---------------------------------------------------------------------------------------------


def per_second(items: Sequence[Pair] | Sequence[str], run: Callable[[], None],
               before_pass: Callable[[], None] | None = None) -> float:
    """Items per second of ``run`` (one pass over ``items``), repeated for >= MIN_SECONDS.

    ``before_pass`` runs untimed before each pass (e.g. ``reset_caches`` for cold figures).
    """
    elapsed, passes = 0.0, 0
    while elapsed < MIN_SECONDS:
        if before_pass is not None:
            before_pass()
        start = time.perf_counter()
        run()
        elapsed += time.perf_counter() - start
        passes += 1
    return passes * len(items) / elapsed


def calls_per_second(items: Sequence[str], call: Callable[[str], object], chunk: int = 200) -> tuple[float, int]:
    """Calls per second of ``call`` over ``items`` in order, in timed chunks, for >= MIN_SECONDS.

    Stops as soon as MIN_SECONDS have passed, so that a slow engine is not run over the whole
    list; it starts the list again (now cache-warm) only if it runs out first.

    Returns:
        (calls per second, how many calls were timed).
    """
    elapsed, done = 0.0, 0
    while elapsed < MIN_SECONDS:
        batch = [items[(done + i) % len(items)] for i in range(chunk)]
        start = time.perf_counter()
        for item in batch:
            call(item)
        elapsed += time.perf_counter() - start
        done += chunk
    return done / elapsed, done


def perturb(name: str, rng: random.Random, how: int) -> str:
    """One deterministic typo-like change: 0 lower-case, 1 strip diacritics, 2 drop a letter."""
    if how == 0:
        return name.lower()
    if how == 1:
        return strip_diacritics(name)
    letters = [i for i, c in enumerate(name) if c.isalpha()][1:]  # keep the first letter
    if not letters:
        return name
    i = rng.choice(letters)
    return name[:i] + name[i + 1:]


def resolve_queries(nn: ModuleType, limit: int = 20_000) -> list[str]:
    """Perturbed names of the built-in gazetteer's entities: each name lower-cased, stripped of
    diacritics and with a letter dropped; distinct, shuffled with a fixed seed, at most ``limit``."""
    rng = random.Random(SEED)
    queries: dict[str, None] = {}
    for entity in nn.Gazetteer.default():
        for name in dict.fromkeys(entity.names):
            for how in range(3):
                queries[perturb(name, rng, how)] = None
    shuffled = list(queries)
    rng.shuffle(shuffled)
    return shuffled[:limit]


def subprocess_seconds(code: str, repeat: int = 3) -> float:
    """Median wall time of ``python -c code`` in a fresh interpreter."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@dataclass(slots=True)
class Speed:
    """Speed figures; None where namenorm is unavailable."""

    compare_cold: float | None
    compare_warm: float | None
    wratio: float
    naive_pipeline: float
    resolve_warm: float | None
    resolve_queries: int  # distinct queries available
    resolve_calls: int  # calls timed (more than resolve_queries: the list was repeated, cache-warm)
    resolve_spelled: float | None  # of them, queries that fold to a gazetteer name
    resolve_misspelled: float | None  # and those that do not
    cold_start: float | None
    import_time: float | None
    bare_python: float


def measure_speed(nn: ModuleType | None, pairs: Sequence[Pair], errors: list[str]) -> Speed:
    """Run the speed measurements (the caller has pinned the process to one core).

    A failing ``reset_caches`` is appended to ``errors`` and leaves the cold figure out.
    """
    def wratio() -> None:
        for a, b in pairs:
            fuzz.WRatio(a, b)

    def naive() -> None:
        for a, b in pairs:
            naive_pair_score(a, b)

    wratio_rate = per_second(pairs, wratio)
    naive_rate = per_second(pairs, naive)
    bare = subprocess_seconds("pass")
    if nn is None:
        return Speed(None, None, wratio_rate, naive_rate, None, 0, 0, None, None, None, None, bare)

    def compare_all() -> None:
        for a, b in pairs:
            nn.compare(a, b)

    cold: float | None = None
    try:
        nn.reset_caches()
    except Exception as exc:  # report it in the table's notes rather than lose every figure
        errors.append(f"namenorm.reset_caches() failed ({type(exc).__name__}: {exc}); no cold figure.")
    else:
        cold = per_second(pairs, compare_all, before_pass=nn.reset_caches)
        nn.reset_caches()
    compare_all()  # warm-up pass
    warm = per_second(pairs, compare_all)

    queries = resolve_queries(nn)
    resolve_rate: float | None = None
    resolve_calls = 0
    if queries:
        nn.resolve("Gawishoglu")  # warm-up: loads the gazetteer and builds the index
        resolve_rate, resolve_calls = calls_per_second(queries, nn.resolve)
        # The two kinds apart, each query new to the resolver (its result cache emptied first).
        known = {nn.normalize(name) for entity in nn.Gazetteer.default() for name in entity.names}
        spelled_q = [q for q in queries if nn.normalize(q) in known]
        misspelled_q = [q for q in queries if nn.normalize(q) not in known]
        nn.reset_caches()
        nn.resolve("Gawishoglu")
        spelled = calls_per_second(spelled_q, nn.resolve)[0] if spelled_q else None
        misspelled = calls_per_second(misspelled_q, nn.resolve)[0] if misspelled_q else None
    cold_start = subprocess_seconds("import namenorm; namenorm.resolve('Gawishoglu')")
    import_time = subprocess_seconds("import namenorm")
    return Speed(cold, warm, wratio_rate, naive_rate, resolve_rate, len(queries), resolve_calls,
                 spelled, misspelled, cold_start, import_time, bare)


# ---------------------------------------------------------------------------------------------
# the table
# ---------------------------------------------------------------------------------------------


def f3(x: float | None) -> str:
    return NA if x is None else f"{x:.3f}"


def rate(x: float | None) -> str:
    return NA if x is None else f"{x:,.0f}"


def secs(x: float | None) -> str:
    return NA if x is None else f"{x * 1000:,.0f} ms"


def build_rows(pair_results: Sequence[PairResult], cross: Sequence[tuple[CrossScriptSet, float | None,
               float | None, float, float]], speed: Speed, threshold: float | None) -> list[list[str]]:
    """Rows: benchmark, metric, namenorm, logic-v2, naive @0.7, naive @ best threshold, target."""
    rows: list[list[str]] = []
    for res in pair_results:
        bench = f"name_bench {res.label} ({res.n} pairs)"
        t = res.naive_best[0]
        for i, metric in enumerate(("precision", "recall", "F1")):
            target = f">= {TARGETS['person_f1']:.2f}" if metric == "F1" and res.label == "Person" else ""
            rows.append([
                bench if i == 0 else "",
                metric,
                NA if res.namenorm is None else f3(res.namenorm[i]),
                f3(res.logicv2[i]),
                f3(res.naive[i]),
                f"{res.naive_best[i + 1]:.3f} (t={t:.2f})",
                target,
            ])
    for cs, nn_recall, nn_fa, naive_recall, naive_fa in cross:
        bench = f"{cs.language} ({len(cs.positives):,} +, {len(cs.negatives):,} -)"
        key = "arabic_recall" if cs.language.startswith("Arabic") else "cyrillic_recall"
        rows.append([bench, "recall", f3(nn_recall), "", f3(naive_recall), "", f">= {TARGETS[key]:.2f}"])
        rows.append(["", "false-accept rate", f3(nn_fa), "", f3(naive_fa), "",
                     f"<= {TARGETS['false_accept']:.2f}"])
    target_cmp = f">= {TARGETS['compare_per_s']:,.0f}"
    rows += [
        ["speed, one core", "compare pairs/s, cold", rate(speed.compare_cold), "",
         f"{rate(speed.wratio)} (WRatio alone)", "", target_cmp],
        ["", "compare pairs/s, warm", rate(speed.compare_warm), "",
         f"{rate(speed.naive_pipeline)} (unidecode+WRatio)", "", target_cmp],
        ["", "resolve queries/s, index built", rate(speed.resolve_warm),
         "", "", "", f">= {TARGETS['resolve_per_s']:,.0f}"],
        ["", "  of them, folding to a gazetteer name", rate(speed.resolve_spelled), "", "", "", ""],
        ["", "  of them, misspelled (a letter dropped)", rate(speed.resolve_misspelled), "", "", "", ""],
        ["", "cold start: import + 1 resolve (median of 3)", secs(speed.cold_start), "", "", "", ""],
        ["", f"import time (median of 3; bare python {secs(speed.bare_python)})",
         secs(speed.import_time), "", "", "", ""],
    ]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--max-positives", type=int, default=None, metavar="N",
                        help="sample at most N cross-script positives per language (fixed seed)")
    args = parser.parse_args(argv)

    cpu = pin_one_core()
    nn = load_namenorm()
    threshold: float | None = None if nn is None else float(nn.DEFAULT_THRESHOLD)

    cases, notes = load_cases()
    joined = [c for c in cases if c.logicv2 is not None]
    pair_results = [
        evaluate_pairs([c for c in joined if c.schema == "Person"], "Person", nn),
        evaluate_pairs(joined, "all", nn),
    ]
    if nn is not None:
        all_826 = evaluate_pairs(cases, "all", nn)
        assert all_826.namenorm is not None
        notes.append(
            f"namenorm on all {len(cases)} cases (incl. those without a logic-v2 score): "
            f"P {all_826.namenorm[0]:.3f}, R {all_826.namenorm[1]:.3f}, F1 {all_826.namenorm[2]:.3f}."
        )
        for res in pair_results:
            if res.namenorm_best is not None:
                notes.append(f"namenorm's own best threshold on {res.label} (oracle): "
                             f"F1 {res.namenorm_best[1]:.3f} at t={res.namenorm_best[0]:.2f}.")

    cross = []
    for cs in (load_arabic(args.max_positives), load_cyrillic(args.max_positives)):
        nn_recall = nn_fa = None
        if nn is not None:
            def accept(a: str, b: str, nn: ModuleType = nn) -> bool:
                return bool(nn.compare(a, b) >= nn.DEFAULT_THRESHOLD)
            nn_recall, nn_fa = rates(cs.positives, accept), rates(cs.negatives, accept)
        cross.append((cs, nn_recall, nn_fa, rates(cs.positives, naive_token_match),
                      rates(cs.negatives, naive_token_match)))
        size = "a fixed-seed sample" if cs.sampled else "all rows"
        notes.append(f"{cs.language}: {size}: {len(cs.positives):,} positives, "
                     f"{len(cs.negatives):,} hard negatives ({cs.natives:,} native tokens in the file); "
                     f"median fuzz.ratio of a negative to the true spelling: {cs.hardness:.2f}.")

    speed = measure_speed(nn, [(c.name1, c.name2) for c in cases], notes)
    notes.append(f"speed: pinned to CPU {cpu}; compare over the {len(cases)} name_bench pairs, passes "
                 f"repeated for >= {MIN_SECONDS:.0f} s (cold: reset_caches() before each pass); resolve: "
                 f"{speed.resolve_calls:,} calls timed over {speed.resolve_queries:,} distinct perturbed "
                 "names of the built-in gazetteer" + (" (the list was repeated, so partly cache-warm)"
                 if speed.resolve_calls > speed.resolve_queries else " (each query seen once)") + ".")

    header = ["benchmark", "metric",
              "namenorm" + ("" if threshold is None else f" (t={threshold:.2f})"),
              f"logic-v2 (t={LOGICV2_THRESHOLD})", f"naive (t={NAIVE_THRESHOLD})",
              "naive, best t (oracle)", "target"]
    table = render_table(header, build_rows(pair_results, cross, speed, threshold), markdown=args.markdown)
    print_report(table, notes, markdown=args.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
