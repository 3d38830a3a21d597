"""Compile the reviewed gazetteer source (gazetteer/*.toml) into the package data.

    python tools/build_gazetteer.py          # writes src/namenorm/data/gazetteer.jsonl and .nnidx
    python tools/build_gazetteer.py --check  # exit 1 if the compiled file is stale

Generated files (gazetteer/generated/*.toml) are read first; hand-curated files
(gazetteer/*.toml) are laid over them: an entry with the id, or the GeoNames
id, of a generated entity sets the fields it names and adds its names. Names
are NFC-normalised and deduplicated; entities are sorted by type and id, so
the output depends only on the source.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import tomllib

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "gazetteer"
TARGET = ROOT / "src" / "namenorm" / "data" / "gazetteer.jsonl"
INDEX = ROOT / "src" / "namenorm" / "data" / "gazetteer.nnidx"

TYPES = ("person", "place", "org")
ID_RE = re.compile(r"^(Q[1-9][0-9]*|nn:[a-z0-9][a-z0-9-]*|gn:[1-9][0-9]*)$")
LANG_RE = re.compile(r"^[a-z]{2}$")
SCALARS = ("kind", "country", "lat", "lon", "population", "geonames")
HEADER = "built from gazetteer/ by tools/build_gazetteer.py; do not edit"


class SourceError(ValueError):
    pass


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s.strip())


def _entry_names(e: dict[str, Any], where: str) -> list[tuple[str, str]]:
    names: list[tuple[str, str]] = []
    for key, value in e.items():
        if key in ("names", "ambiguous", "historic") or (key not in ("id",) and LANG_RE.match(key)):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SourceError(f"{where}: field '{key}' must be a list of strings")
            lang = key if LANG_RE.match(key) else ""
            names.extend((_nfc(v), lang) for v in value if v.strip())
    return names


def _check(e: dict[str, Any], where: str, overlay: bool) -> None:
    known = {"id", "type", "name", "sources", "names", "historic", "ambiguous", *SCALARS}
    for key in e:
        if key not in known and not LANG_RE.match(key):  # "id" is known, so never a language
            raise SourceError(f"{where}: unknown field '{key}'")
    if not isinstance(e.get("id"), str) or not ID_RE.match(e["id"]):
        raise SourceError(f"{where}: field 'id' must match Q<digits>, nn:<slug> or gn:<digits>, got {e.get('id')!r}")
    if overlay:
        return
    if e.get("type") not in TYPES:
        raise SourceError(f"{where}: field 'type' must be one of {TYPES}, got {e.get('type')!r}")
    if not isinstance(e.get("name"), str) or not e["name"].strip():
        raise SourceError(f"{where}: field 'name' is required")
    src = e.get("sources")
    if not isinstance(src, list) or not src or not all(isinstance(s, str) and s for s in src):
        raise SourceError(f"{where}: field 'sources' must be a non-empty list of strings")
    if "country" in e and not re.match(r"^[A-Z]{2}$", str(e["country"])):
        raise SourceError(f"{where}: field 'country' must be ISO 3166-1 alpha-2, got {e['country']!r}")
    for key, lo, hi in (("lat", -90, 90), ("lon", -180, 180)):
        if key in e and not (isinstance(e[key], (int, float)) and lo <= e[key] <= hi):
            raise SourceError(f"{where}: field '{key}' out of range: {e[key]!r}")


def _load_file(path: Path) -> list[dict[str, Any]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path.relative_to(ROOT)}: {exc}") from None
    entries = data.get("entity", [])
    if not isinstance(entries, list):
        raise SourceError(f"{path.relative_to(ROOT)}: expected [[entity]] tables")
    return entries


def collect(source: Path = SOURCE) -> list[dict[str, Any]]:
    """Read, check and merge every source file; return entity records."""
    merged: dict[str, dict[str, Any]] = {}
    by_geonames: dict[int, str] = {}
    generated = sorted((source / "generated").glob("*.toml"))
    curated = sorted(source.glob("*.toml"))
    for path in [*generated, *curated]:
        is_generated = path.parent.name == "generated"
        for n, e in enumerate(_load_file(path), start=1):
            where = f"{path.relative_to(source.parent)} entity {n} ({e.get('id', '?')})"
            target_id = e.get("id")
            if not is_generated and "geonames" in e and e["geonames"] in by_geonames:
                target_id = by_geonames[e["geonames"]]
            existing = merged.get(target_id) if isinstance(target_id, str) else None
            if existing is not None and is_generated:
                raise SourceError(f"{where}: duplicate id {target_id}")
            _check(e, where, overlay=existing is not None)
            names = _entry_names(e, where)
            if existing is None:
                rec: dict[str, Any] = {
                    "id": e["id"], "type": e["type"], "name": _nfc(e["name"]),
                    "names": [], "sources": [], "historic": [], "ambiguous": [],
                }
                merged[e["id"]] = rec
            else:
                rec = existing
                if e["id"] != rec["id"]:
                    # A curated entry with a QID takes over the generated gn: entity.
                    del merged[rec["id"]]
                    rec["id"] = e["id"]
                    merged[rec["id"]] = rec
                if "name" in e:
                    old = rec["name"]
                    rec["name"] = _nfc(e["name"])
                    rec["names"].append([old, ""])
                if "type" in e and e["type"] != rec["type"]:
                    raise SourceError(f"{where}: type {e['type']!r} differs from {rec['type']!r}")
            for key in SCALARS:
                if key in e:
                    rec[key] = e[key]
            if isinstance(rec.get("geonames"), int):
                by_geonames[rec["geonames"]] = rec["id"]
            for s in e.get("sources", []):
                if s not in rec["sources"]:
                    rec["sources"].append(s)
            for key in ("historic", "ambiguous"):
                for v in e.get(key, []):
                    if _nfc(v) not in rec[key]:
                        rec[key].append(_nfc(v))
            rec["names"].extend([n, lang] for n, lang in names)
    return [_finish(r) for r in merged.values()]


def _finish(rec: dict[str, Any]) -> dict[str, Any]:
    seen = {rec["name"]}
    names: list[Any] = []
    for n, lang in rec["names"]:
        if n and n not in seen:
            seen.add(n)
            names.append([n, lang] if lang else n)
    out: dict[str, Any] = {"id": rec["id"], "type": rec["type"], "name": rec["name"], "names": names}
    for key in SCALARS:
        if key in rec:
            out[key] = rec[key]
    out["sources"] = rec["sources"]
    for key in ("historic", "ambiguous"):
        if rec[key]:
            out[key] = sorted(rec[key])
    return out


def render(records: list[dict[str, Any]]) -> str:
    order = {t: i for i, t in enumerate(TYPES)}
    records = sorted(records, key=lambda r: (order[r["type"]], r["id"]))
    lines = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if the compiled file is stale")
    args = ap.parse_args(argv)
    try:
        text = render(collect())
    except SourceError as exc:
        print(f"build_gazetteer: {exc}", file=sys.stderr)
        return 2
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        fresh = INDEX.with_name(INDEX.name + ".check")
        write_index(fresh)
        same_index = INDEX.exists() and fresh.read_bytes() == INDEX.read_bytes()
        fresh.unlink()
        if current != text or not same_index:
            stale = TARGET.relative_to(ROOT)
            print(f"{stale} or its index is stale: run python tools/build_gazetteer.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}: {text.count(chr(10))} entities", file=sys.stderr)
    write_index()
    print(f"wrote {INDEX.relative_to(ROOT)}", file=sys.stderr)
    return 0


def write_index(path: Path | None = None) -> None:
    """Build the built-in gazetteer's index and save it beside it (the package loads it at start)."""
    sys.path.insert(0, str(ROOT / "src"))
    try:
        from namenorm.gazetteer import Gazetteer, _read_jsonl
        from namenorm.index import Index
    finally:
        sys.path.pop(0)
    with open(TARGET, "rb") as fh:
        g = Gazetteer(_read_jsonl(TARGET, False, [], stream=fh), source="built-in")
    Index(g).save(path or INDEX)


if __name__ == "__main__":
    sys.exit(main())
