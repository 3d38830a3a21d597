"""cluster(): real spellings together, family members and chains apart, any order, any input; the CLI."""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import SEED, load_table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from namenorm import DEFAULT_THRESHOLD, Entity, Gazetteer, Resolver, compare
from namenorm.cluster import CLUSTER_THRESHOLD, Cluster, cluster, run_cluster_cli

SEED_TEXT = SEED.read_text(encoding="utf-8")
GADDAFI = ["Gaddafi", "Qaddafi", "Kadhafi", "القذافي", "Каддафи"]
# OFAC SDN entries (public domain), copied from ../shared/benchmarks/ofac_sdn_2021: "entry" rows are
# people the built-in gazetteer does not know, in families that share a surname; "chain" rows are
# a father and two sons whose names chain (see test_no_chaining_through_a_father).
OFAC = load_table("cluster_ofac.csv")


def groups(clusters: list[Cluster]) -> set[frozenset[str]]:
    return {frozenset(c.names) for c in clusters}


def by_entry(use: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for ent_num, _kind, name, row_use in OFAC:
        if row_use == use:
            out[ent_num].add(name)
    return out


# --- real spellings -------------------------------------------------------------------------------


@pytest.mark.parametrize("resolve", [True, False])
def test_gaddafi_in_latin_arabic_and_cyrillic_is_one_cluster(resolve: bool) -> None:
    clusters = cluster(GADDAFI, resolve=resolve)
    assert groups(clusters) == {frozenset(GADDAFI)}
    assert clusters[0].label == "Gaddafi"  # all once: most parts, then Latin, then code-point order
    if resolve:
        assert clusters[0].entity is not None and clusters[0].entity.name == "Muammar Gaddafi"
    else:
        assert clusters[0].entity is None


@pytest.mark.parametrize("resolve", [True, False])
def test_haftar_family_members_stay_apart(resolve: bool) -> None:
    family = ["Khalifa Haftar", "Saddam Haftar", "Khaled Haftar"]
    clusters = cluster(family, resolve=resolve)
    assert groups(clusters) == {frozenset([n]) for n in family}


def test_a_lone_family_name_goes_with_the_entity_it_resolves_to() -> None:
    clusters = cluster(["Khalifa Haftar", "Saddam Haftar", "Khaled Haftar", "Haftar"])
    assert frozenset(["Khalifa Haftar", "Haftar"]) in groups(clusters)
    assert len(clusters) == 3
    # Without the gazetteer "Haftar" could be any of them, so it joins none.
    assert frozenset(["Haftar"]) in groups(cluster(["Khalifa Haftar", "Saddam Haftar", "Haftar"], resolve=False))


@pytest.mark.parametrize("resolve", [True, False])
def test_ofac_entries_unknown_to_the_gazetteer_cluster_by_entry(resolve: bool) -> None:
    entries = by_entry("entry")
    names = [n for ns in entries.values() for n in ns]
    assert groups(cluster(names, resolve=resolve)) == {frozenset(ns) for ns in entries.values()}


def test_seed_article_gives_one_cluster_per_entity() -> None:
    expected: dict[str, set[str]] = defaultdict(set)
    for mention, entity in load_table("seed_mentions.csv"):
        expected[entity].add(mention)
    # A few more of the article's own spellings.
    for mention, entity in [("Haftar's", "Khalifa Haftar"), ("Lavrov's", "Sergey Lavrov")]:
        assert mention in SEED_TEXT
        expected[entity].add(mention)
    clusters = cluster([m for ms in expected.values() for m in ms])
    got = {c.entity.name if c.entity else None: set(c.names) for c in clusters}
    assert len(clusters) == len(expected)
    assert got == expected
    assert {"Al-Wattia", "Al-Watiyah"} in got.values()
    assert {"Mevlüt Çavuşoغلlu", "Gawishoglu"} in got.values()


# --- no chaining ----------------------------------------------------------------------------------


def test_no_chaining_through_a_shorter_name() -> None:
    a, b, c = "Mohamed Ali Hassan", "Mohamed Ali", "Mohamed Ali Omar"
    assert compare(a, b) >= DEFAULT_THRESHOLD and compare(b, c) >= DEFAULT_THRESHOLD
    assert compare(a, c) < DEFAULT_THRESHOLD
    clusters = cluster([a, b, c, "Mohamed Hassan Ali"], resolve=False)
    assert not any({a, c} <= set(cl.names) for cl in clusters)
    assert frozenset([a, "Mohamed Hassan Ali"]) in groups(clusters)  # the same parts in another order


def test_no_chaining_through_a_father() -> None:
    # OFAC 7878 is Sab'awi Ibrahim Hassan al-Tikriti; 9330 and 9331 are his sons Omar and Ayman,
    # whose names are his with their own given name in front.
    entries = by_entry("chain")
    father, omar, ayman = "AL-TAKRITI, Sabawi Ibrahim Hassan", "AL-TIKRITI, Omar Sabawi Ibrahim Hasan", (
        "AL-TIKRITI, Ayman Sabawi Ibrahim Hasan")
    assert compare(ayman, father) >= DEFAULT_THRESHOLD and compare(father, omar) >= DEFAULT_THRESHOLD
    names = [n for ns in entries.values() for n in ns]
    for resolve in (True, False):
        clusters = cluster(names, resolve=resolve)
        for c in clusters:
            assert not (set(c.names) & entries["9330"] and set(c.names) & entries["9331"]), c
        assert frozenset(entries["9330"]) in groups(clusters)
        assert frozenset(entries["9331"]) in groups(clusters)


# --- determinism, labels, contract -----------------------------------------------------------------


def _sample_names() -> list[str]:
    return [row[2] for row in OFAC] + GADDAFI + [m for m, _ in load_table("seed_mentions.csv")] + [
        "Haftar", "Gaddafi", "Gaddafi", "", "  ", "123", "李小龙"]


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_the_same_names_in_any_order_give_the_same_clusters(seed: int) -> None:
    names = _sample_names()
    expected = cluster(names)
    shuffled = list(names)
    random.Random(seed).shuffle(shuffled)
    assert cluster(shuffled) == expected
    assert cluster(reversed(shuffled)) == expected


def test_same_result_under_another_hash_seed() -> None:
    code = (
        "import json, sys; from namenorm.cluster import cluster; "
        "print(json.dumps([c.to_dict() for c in cluster(json.loads(sys.stdin.read()))], ensure_ascii=False))"
    )
    outs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        proc = subprocess.run([sys.executable, "-c", code], input=json.dumps(_sample_names()), env=env,
                              capture_output=True, text=True, encoding="utf-8", check=True)
        outs.append(proc.stdout)
    assert outs[0] == outs[1]


def test_label_is_the_most_frequent_spelling() -> None:
    clusters = cluster(["Qaddafi", "Kadhafi", "Qaddafi", "Gaddafi"])
    assert len(clusters) == 1 and clusters[0].label == "Qaddafi"
    assert clusters[0].names == ("Gaddafi", "Kadhafi", "Qaddafi")  # distinct, sorted


def test_every_string_is_in_exactly_one_cluster_and_clusters_are_sorted() -> None:
    names = _sample_names()
    clusters = cluster(names)
    flat = [n for c in clusters for n in c.names]
    assert sorted(flat) == sorted(set(names))
    assert clusters == sorted(clusters, key=lambda c: (c.label, c.names))
    assert all(list(c.names) == sorted(c.names) and c.label in c.names for c in clusters)
    assert cluster([]) == []


def test_cluster_is_a_frozen_value_with_a_dict_form() -> None:
    c = cluster(["Sergey Lavrov", "Лавров"])[0]
    assert c.to_dict() == {"label": "Sergey Lavrov", "id": "Q58217", "entity": "Sergey Lavrov", "type": "person",
                           "names": ["Sergey Lavrov", "Лавров"]}
    with pytest.raises(AttributeError):
        c.label = "x"  # type: ignore[misc]
    assert not hasattr(c, "__dict__")
    assert "Q58217" in repr(c)


def test_bad_input_is_refused_with_its_position() -> None:
    with pytest.raises(TypeError, match=r"names\[2\] must be a str, not int"):
        cluster(["a", "b", 3])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"names\[0\] must be a str, not bytes"):
        cluster([b"Gaddafi"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="not a single str"):
        cluster("Gaddafi")
    with pytest.raises(ValueError, match="threshold"):
        cluster(["a"], threshold=1.5)


def test_threshold_trades_recall_for_precision() -> None:
    names = ["Muammar Gaddafi", "Moammar Qadhafi", "Muammar al-Qadhafi"]
    assert len(cluster(names, resolve=False)) == 1
    assert len(cluster(names, threshold=1.0, resolve=False)) == 3
    assert CLUSTER_THRESHOLD == DEFAULT_THRESHOLD


def test_own_gazetteer_or_resolver() -> None:
    g = Gazetteer([Entity("x:1", "person", "Ada Lovelace", ("Ada Lovelace", "Lovelace", "Ада Лавлейс"))])
    names = ["Ada Lovelace", "Ада Лавлейс", "Lovelace", "Gaddafi"]
    for clusters in (cluster(names, gazetteer=g), cluster(names, resolver=Resolver(g))):
        ada = [c for c in clusters if c.entity is not None]
        assert len(ada) == 1 and ada[0].entity is not None and ada[0].entity.id == "x:1"
        assert set(ada[0].names) == {"Ada Lovelace", "Ада Лавлейс", "Lovelace"}
        assert [c.entity for c in clusters if "Gaddafi" in c.names] == [None]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(st.text(max_size=30), max_size=10), rnd=st.randoms(use_true_random=False))
def test_never_raises_and_is_deterministic(names: list[str], rnd: random.Random) -> None:
    clusters = cluster(names)
    shuffled = list(names)
    rnd.shuffle(shuffled)
    assert cluster(shuffled) == clusters
    assert sorted(n for c in clusters for n in c.names) == sorted(set(names))


# --- command line ---------------------------------------------------------------------------------


def cli(argv: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_cluster_cli(argv, stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_one_cluster_a_line(tmp_path: Path) -> None:
    f = tmp_path / "names.txt"
    f.write_text("Gaddafi\nQaddafi\n\nSergey Lavrov\nЛавров\nXqzvbw Plorkt\n", encoding="utf-8")
    code, out, err = cli([str(f)])
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Gaddafi\tQ19878\tGaddafi | Qaddafi",
        "Sergey Lavrov\tQ58217\tSergey Lavrov | Лавров",
        "Xqzvbw Plorkt\t-\tXqzvbw Plorkt",
    ]


def test_cli_json_and_stdin() -> None:
    code, out, _ = cli(["--json", "-"], "Kadhafi\nКаддафи\n".encode())
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows == [{"label": "Kadhafi", "id": "Q19878", "entity": "Muammar Gaddafi", "type": "person",
                     "names": ["Kadhafi", "Каддафи"]}]


def test_cli_bad_utf8_line_is_reported_and_the_rest_clustered() -> None:
    code, out, err = cli(["--no-resolve"], b"Gaddafi\n\xff\xfe broken\nQaddafi\n")
    assert code == 1
    assert "line 2" in err and "invalid UTF-8" in err and "Traceback" not in err
    assert out == "Gaddafi\t-\tGaddafi | Qaddafi\n"


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    code, out, err = cli([str(tmp_path / "missing.txt")])
    assert code == 2 and out == "" and "cannot read" in err and "missing.txt" in err
    code, _, err = cli(["--threshold", "abc"])
    assert code == 2 and "Traceback" not in err
    code, _, err = cli(["--threshold", "2"])
    assert code == 2 and "between 0 and 1" in err
    code, out, _ = cli(["--help"])
    assert code == 0 and out.startswith("usage: namenorm cluster")
