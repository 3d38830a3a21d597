"""Integrity of the whole built-in gazetteer, and its compiled file against gazetteer/."""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import ROOT, load_table

import namenorm
from namenorm import ENTITY_TYPES, Gazetteer
from namenorm.index import Index
from namenorm.normalize import fold, script_of
from namenorm.resolve import default_resolver

ENTITIES = list(Gazetteer.default())


def test_compiled_file_is_fresh() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_gazetteer
    finally:
        sys.path.pop(0)
    built = build_gazetteer.render(build_gazetteer.collect())
    current = (ROOT / "src" / "namenorm" / "data" / "gazetteer.jsonl").read_text(encoding="utf-8")
    assert built == current, "stale: run python tools/build_gazetteer.py"


def test_shipped_index_is_fresh(tmp_path: Path) -> None:
    """The index shipped beside the gazetteer is what building it now gives, byte for byte."""
    fresh = tmp_path / "fresh.nnidx"
    Index(Gazetteer.default()).save(fresh)
    shipped = ROOT / "src" / "namenorm" / "data" / "gazetteer.nnidx"
    assert fresh.read_bytes() == shipped.read_bytes(), "stale: run python tools/build_gazetteer.py"
    assert isinstance(default_resolver().index, Index)


def test_ids_types_names_sources() -> None:
    bad = []
    ids = set()
    for e in ENTITIES:
        if e.id in ids:
            bad.append(f"{e.id}: duplicate")
        ids.add(e.id)
        if not re.fullmatch(r"Q[1-9][0-9]*|nn:[a-z0-9][a-z0-9-]*|gn:[1-9][0-9]*", e.id):
            bad.append(f"{e.id}: malformed id")
        if e.type not in ENTITY_TYPES:
            bad.append(f"{e.id}: type {e.type}")
        if not e.names or e.names[0] != e.name:
            bad.append(f"{e.id}: names")
        if not e.sources:
            bad.append(f"{e.id}: no sources")
    assert bad == []


@pytest.mark.parametrize("etype,reference", load_table("coverage.csv"), ids=str)
def test_coverage_reference_name_resolves_to_its_entity(etype: str, reference: str) -> None:
    owners = [e for e in ENTITIES if reference in e.names and e.type == etype]
    assert owners, f"{reference} is not in the gazetteer"
    m = namenorm.resolve(reference, types=etype)
    assert m is not None and m.entity in owners and m.score == 1.0, m


def test_shared_names_are_marked_ambiguous() -> None:
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    by_id = {e.id: e for e in ENTITIES}
    for e in ENTITIES:
        for n in e.names:
            if n not in e.historic:
                owners[(e.type, fold(n))].add(e.id)
    unmarked = []
    for (etype, folded), ids in sorted(owners.items()):
        if len(ids) < 2 or not folded:
            continue
        for i in sorted(ids):
            if not any(fold(a) == folded for a in by_id[i].ambiguous):
                unmarked.append(f"{etype} {folded!r}: {sorted(ids)}")
                break
    assert unmarked == []


def _has_script(names: tuple[str, ...], script: str) -> bool:
    return any(any(script_of(c) == script for c in n) for n in names)


def test_arabic_and_cyrillic_on_nine_in_ten_curated_people_and_places() -> None:
    curated = [e for e in ENTITIES if e.type in ("person", "place") and not e.id.startswith("gn:")]
    arabic = sum(_has_script(e.names, "arabic") for e in curated) / len(curated)
    cyrillic = sum(_has_script(e.names, "cyrillic") for e in curated) / len(curated)
    assert arabic >= 0.9 and cyrillic >= 0.9, (arabic, cyrillic)
