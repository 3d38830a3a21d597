"""Entities and gazetteers: the built-in one, and loading your own.

Formats
=======
CSV (``.csv``, ``.tsv``; optionally ``.gz``), with a header. Required
columns: ``id``, ``type``, ``name``; one row per name, and the first row of
an id gives its canonical name. Optional columns, used where present:
``lang``, ``country``, ``population``, ``lat``, ``lon``, ``source``, ``kind``.

JSON Lines (``.jsonl``, ``.ndjson``; optionally ``.gz``): one entity a line,
``{"id": ..., "type": ..., "name": ..., "names": [...]}`` with optional
``country``, ``population``, ``lat``, ``lon``, ``kind``, ``sources``,
``geonames``, ``historic`` and ``ambiguous``. ``names`` holds strings, or
``[name, lang]`` pairs. The built-in gazetteer is in this format.

Types are ``person``, ``place`` and ``org``; common synonyms (``PER``,
``LOC``, ``organization``, ``city``, ...) are accepted.

Errors raise :class:`GazetteerError` naming the file, line and field; with
``skip_bad=True`` the good records load and the bad ones are listed in
:attr:`Gazetteer.errors`.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import math
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import IO, Any

from namenorm._gc import gc_paused

__all__ = ["Entity", "Gazetteer", "GazetteerError", "ENTITY_TYPES"]

ENTITY_TYPES = ("person", "place", "org")
_TYPE_SYNONYMS = {
    "person": "person", "per": "person", "people": "person", "individual": "person",
    "human": "person",
    "place": "place", "loc": "place", "location": "place", "gpe": "place", "city": "place",
    "town": "place", "country": "place", "geo": "place", "fac": "place", "facility": "place",
    "org": "org", "organization": "org", "organisation": "org", "entity": "org",
    "company": "org", "group": "org", "norp": "org",
}


class GazetteerError(ValueError):
    """A gazetteer file or record is invalid; the message names file, line and field."""

    def __init__(self, message: str, *, path: str = "", line: int = 0, field: str = "") -> None:
        where = ", ".join(
            bit for bit in (path or "", f"line {line}" if line else "", f"field '{field}'" if field else "") if bit
        )
        super().__init__(f"{where}: {message}" if where else message)
        self.path = path
        self.line = line
        self.field = field


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, place or organisation and every name it goes by.

    Attributes:
        id: stable identifier (a Wikidata QID, ``nn:…``, ``gn:…`` or the user's own).
        type: ``"person"``, ``"place"`` or ``"org"``.
        name: the canonical name.
        names: every name, canonical first, no duplicates.
        langs: the language of each name in ``names`` (``""`` when unknown).
        country: ISO 3166-1 alpha-2 code, or ``""``.
        population: for places, else 0.
        lat, lon: coordinates, or ``None``.
        kind: finer class (``"city"``, ``"airbase"``, ...), or ``""``.
        sources: where the names came from.
        geonames: GeoNames id, or 0.
        historic: the names in ``names`` that are historic.
        ambiguous: names knowingly shared with another entity of the same type.
    """

    id: str
    type: str
    name: str
    names: tuple[str, ...]
    langs: tuple[str, ...] = ()
    country: str = ""
    population: int = 0
    lat: float | None = None
    lon: float | None = None
    kind: str = ""
    sources: tuple[str, ...] = ()
    geonames: int = 0
    historic: frozenset[str] = field(default_factory=frozenset)
    ambiguous: frozenset[str] = field(default_factory=frozenset)

    def lang_of(self, name: str) -> str:
        """The language tag of one of this entity's names (``""`` if unknown)."""
        try:
            return self.langs[self.names.index(name)] if self.langs else ""
        except ValueError:
            return ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict in the JSON Lines gazetteer format."""
        d: dict[str, Any] = {"id": self.id, "type": self.type, "name": self.name}
        d["names"] = [[n, lang] if lang else n for n, lang in zip(self.names, self.langs or [""] * len(self.names))]
        for key in ("kind", "country"):
            if getattr(self, key):
                d[key] = getattr(self, key)
        if self.population:
            d["population"] = self.population
        if self.lat is not None and self.lon is not None:
            d["lat"], d["lon"] = self.lat, self.lon
        if self.geonames:
            d["geonames"] = self.geonames
        if self.sources:
            d["sources"] = list(self.sources)
        if self.historic:
            d["historic"] = sorted(self.historic)
        if self.ambiguous:
            d["ambiguous"] = sorted(self.ambiguous)
        return d


def _norm_type(value: object, ctx: _Ctx) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ctx.error("missing entity type", "type")
    t = _TYPE_SYNONYMS.get(value.strip().lower())
    if t is None:
        raise ctx.error(f"unknown entity type {value!r} (expected one of {', '.join(ENTITY_TYPES)})", "type")
    return t


@dataclass
class _Ctx:
    path: str
    line: int = 0

    def error(self, message: str, field: str = "") -> GazetteerError:
        return GazetteerError(message, path=self.path, line=self.line, field=field)


def _text(value: object, ctx: _Ctx, name: str, required: bool = False) -> str:
    if value is None or value == "":
        if required:
            raise ctx.error("missing value", name)
        return ""
    if not isinstance(value, str):
        raise ctx.error(f"expected text, got {type(value).__name__}", name)
    text = value.strip()
    if "\x00" in text:
        raise ctx.error("NUL character in value", name)
    if required and not text:
        raise ctx.error("empty value", name)
    return text


def _number(value: object, ctx: _Ctx, name: str, kind: type) -> Any:
    if value is None or value == "":
        return None
    try:
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise TypeError
        n = int(float(value)) if kind is int else float(value)
    except (TypeError, ValueError):
        raise ctx.error(f"not a number: {value!r}", name) from None
    if isinstance(n, float) and not math.isfinite(n):
        raise ctx.error(f"not a finite number: {value!r}", name)
    return n


class _Builder:
    """Accumulates the names of one entity while reading rows."""

    __slots__ = ("id", "type", "name", "names", "langs", "seen", "country", "population",
                 "lat", "lon", "kind", "sources", "geonames", "historic", "ambiguous")

    def __init__(self, id: str, type: str, name: str) -> None:
        self.id, self.type, self.name = id, type, name
        self.names: list[str] = []
        self.langs: list[str] = []
        self.seen: set[str] = set()
        self.country = ""
        self.population = 0
        self.lat: float | None = None
        self.lon: float | None = None
        self.kind = ""
        self.sources: list[str] = []
        self.geonames = 0
        self.historic: set[str] = set()
        self.ambiguous: set[str] = set()

    def add_name(self, name: str, lang: str = "") -> None:
        if name and name not in self.seen:
            self.seen.add(name)
            self.names.append(name)
            self.langs.append(lang)

    def build(self) -> Entity:
        return Entity(
            id=self.id, type=self.type, name=self.name, names=tuple(self.names),
            langs=tuple(self.langs), country=self.country, population=self.population,
            lat=self.lat, lon=self.lon, kind=self.kind, sources=tuple(self.sources),
            geonames=self.geonames, historic=frozenset(self.historic),
            ambiguous=frozenset(self.ambiguous),
        )


def _open_binary(path: Path) -> IO[bytes]:
    # Bytes, decoded line by line, so that bad bytes are reported with their line.
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")  # type: ignore[return-value]


def _country(value: object, ctx: _Ctx) -> str:
    c = _text(value, ctx, "country").upper()
    if c and not (len(c) == 2 and c.isalpha()):
        raise ctx.error(f"expected an ISO 3166-1 alpha-2 code, got {value!r}", "country")
    return c


def _apply_fields(b: _Builder, row: dict[str, Any], ctx: _Ctx) -> None:
    if row.get("country"):
        b.country = _country(row["country"], ctx)
    pop = _number(row.get("population"), ctx, "population", int)
    if pop is not None:
        if pop < 0:
            raise ctx.error("population must not be negative", "population")
        b.population = max(b.population, pop)
    lat = _number(row.get("lat"), ctx, "lat", float)
    lon = _number(row.get("lon"), ctx, "lon", float)
    if lat is not None:
        if not -90 <= lat <= 90:
            raise ctx.error(f"latitude out of range: {lat}", "lat")
        b.lat = lat
    if lon is not None:
        if not -180 <= lon <= 180:
            raise ctx.error(f"longitude out of range: {lon}", "lon")
        b.lon = lon
    if row.get("kind"):
        b.kind = _text(row["kind"], ctx, "kind")
    gn = _number(row.get("geonames"), ctx, "geonames", int)
    if gn:
        b.geonames = gn


def _read_csv(path: Path, skip_bad: bool, errors: list[GazetteerError]) -> list[Entity]:
    ctx = _Ctx(str(path))
    builders: dict[str, _Builder] = {}
    delimiter = "\t" if ".tsv" in path.suffixes else ","
    with _open_binary(path) as fh:
        lines = _safe_lines(fh, ctx, errors, skip_bad)
        header_line = next(lines, None)
        if header_line is None:
            raise ctx.error("empty file: expected a header with id, type, name")
        header = [h.strip().lower() for h in next(csv.reader([header_line[1]], delimiter=delimiter))]
        ctx.line = header_line[0]
        for col in ("id", "type", "name"):
            if col not in header:
                raise ctx.error(f"header lacks the required column '{col}' (has: {', '.join(header)})", col)
        for lineno, text in lines:
            ctx.line = lineno
            if not text.strip():
                continue
            try:
                cells = next(csv.reader([text], delimiter=delimiter))
                if len(cells) > len(header):
                    raise ctx.error(f"{len(cells)} cells, header has {len(header)}", header[-1])
                row = dict(zip(header, cells))
                _csv_row(row, ctx, builders)
            except GazetteerError as exc:
                if not skip_bad:
                    raise
                errors.append(exc)
            except csv.Error as exc:
                err = ctx.error(f"bad CSV: {exc}")
                if not skip_bad:
                    raise err from None
                errors.append(err)
    return [b.build() for b in builders.values()]


def _safe_lines(raw: IO[bytes], ctx: _Ctx, errors: list[GazetteerError], skip_bad: bool) -> Iterator[tuple[int, str]]:
    """Lines with their numbers; a line that is not UTF-8 is an error of its own."""
    for lineno, line in enumerate(raw, start=1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            err = GazetteerError(f"invalid UTF-8 at byte {exc.start}", path=ctx.path, line=lineno)
            if not skip_bad:
                raise err from None
            errors.append(err)
            continue
        if lineno == 1:
            text = text.lstrip("\ufeff")
        yield lineno, text.rstrip("\r\n")


def _csv_row(row: dict[str, str], ctx: _Ctx, builders: dict[str, _Builder]) -> None:
    eid = _text(row.get("id"), ctx, "id", required=True)
    etype = _norm_type(row.get("type"), ctx)
    name = _text(row.get("name"), ctx, "name", required=True)
    b = builders.get(eid)
    if b is None:
        b = builders[eid] = _Builder(eid, etype, name)
    elif b.type != etype:
        raise ctx.error(f"id {eid!r} was given type {b.type!r} on an earlier line", "type")
    lang = _text(row.get("lang"), ctx, "lang")
    _apply_fields(b, row, ctx)
    source = _text(row.get("source"), ctx, "source")
    if source and source not in b.sources:
        b.sources.append(source)
    b.add_name(name, lang)


def _names_field(value: object, ctx: _Ctx, b: _Builder) -> None:
    if value is None:
        return
    if not isinstance(value, list):
        raise ctx.error("expected a list of names", "names")
    for item in value:
        if isinstance(item, str):
            b.add_name(_text(item, ctx, "names"))
        elif isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item):
            b.add_name(_text(item[0], ctx, "names"), item[1])
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            b.add_name(_text(item["name"], ctx, "names"), str(item.get("lang") or ""))
        else:
            raise ctx.error(f"bad name entry {item!r}", "names")


def entity_from_dict(d: object, ctx: _Ctx) -> Entity:
    """Build an Entity from one JSON Lines record."""
    if not isinstance(d, dict):
        raise ctx.error("expected a JSON object")
    eid = _text(d.get("id"), ctx, "id", required=True)
    etype = _norm_type(d.get("type"), ctx)
    name = _text(d.get("name"), ctx, "name", required=True)
    b = _Builder(eid, etype, name)
    b.add_name(name)
    _names_field(d.get("names"), ctx, b)
    _apply_fields(b, d, ctx)
    # Most records have none of these lists: only those present are checked.
    lists = {key: d[key] for key in ("sources", "historic", "ambiguous") if key in d}
    for key, val in lists.items():
        if not isinstance(val, list) or not all(isinstance(x, str) for x in val):
            raise ctx.error("expected a list of strings", key)
    b.sources = list(lists.get("sources", ()))
    historic = lists.get("historic", ())
    b.historic = set(historic)
    b.ambiguous = set(lists.get("ambiguous", ()))
    for h in historic:  # in the file's order: names (and the checksum) must not vary between runs
        b.add_name(h)
    return b.build()


def _read_jsonl(
    path: Path, skip_bad: bool, errors: list[GazetteerError], stream: IO[bytes] | None = None
) -> list[Entity]:
    ctx = _Ctx(str(path))
    entities: list[Entity] = []
    seen: set[str] = set()
    with stream if stream is not None else _open_binary(path) as fh:
        for lineno, text in _safe_lines(fh, ctx, errors, skip_bad):
            ctx.line = lineno
            if not text.strip():
                continue
            try:
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise ctx.error(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
                ent = entity_from_dict(record, ctx)
                if ent.id in seen:
                    raise ctx.error(f"duplicate id {ent.id!r}", "id")
                seen.add(ent.id)
                entities.append(ent)
            except GazetteerError as exc:
                if not skip_bad:
                    raise
                errors.append(exc)
    return entities


class Gazetteer:
    """A collection of entities to resolve names against.

    Iterable over :class:`Entity`, sized, and searchable by id with
    :meth:`get`. Build one with :meth:`load`, :meth:`default` or from your
    own entities.

    Args:
        entities: the entities; ids must be unique.
        source: a label for messages (a path, or ``"built-in"``).
    """

    def __init__(self, entities: Iterable[Entity], *, source: str = "<memory>") -> None:
        self._entities: tuple[Entity, ...] = tuple(entities)
        self._by_id: dict[str, Entity] = {}
        for e in self._entities:
            if e.id in self._by_id:
                raise GazetteerError(f"duplicate id {e.id!r}", path=source, field="id")
            self._by_id[e.id] = e
        self.source = source
        #: Bad records skipped when loaded with ``skip_bad=True``.
        self.errors: tuple[GazetteerError, ...] = ()
        self._checksum: str | None = None

    @classmethod
    def load(cls, path: str | Path, *, skip_bad: bool = False) -> Gazetteer:
        """Load a gazetteer from a CSV/TSV or JSON Lines file (optionally gzipped).

        Args:
            path: the file; its extension picks the format.
            skip_bad: load the good records and keep the bad ones' errors in
                :attr:`errors`, rather than raising on the first.

        Returns:
            The gazetteer.

        Raises:
            GazetteerError: on a bad record (unless ``skip_bad``), or a file
                that cannot be read at all.
        """
        p = Path(path)
        if not p.is_file():
            raise GazetteerError("no such file", path=str(p))
        suffixes = [s.lower() for s in p.suffixes if s.lower() != ".gz"]
        ext = suffixes[-1] if suffixes else ""
        errors: list[GazetteerError] = []
        try:
            with gc_paused():
                if ext in (".csv", ".tsv", ".txt"):
                    entities = _read_csv(p, skip_bad, errors)
                elif ext in (".jsonl", ".ndjson", ".json"):
                    entities = _read_jsonl(p, skip_bad, errors)
                else:
                    raise GazetteerError(
                        f"unknown gazetteer format {ext or '(no extension)'!r}: use .csv, .tsv or .jsonl", path=str(p)
                    )
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise GazetteerError(f"cannot read: {exc}", path=str(p)) from None
        g = cls(entities, source=str(p))
        g.errors = tuple(errors)
        return g

    @classmethod
    def default(cls) -> Gazetteer:
        """The built-in gazetteer (loaded once, on first use, thread-safely)."""
        return _default_gazetteer()

    def __iter__(self) -> Iterator[Entity]:
        return iter(self._entities)

    def __len__(self) -> int:
        return len(self._entities)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._by_id

    def __repr__(self) -> str:
        return f"Gazetteer({self.source!r}, {len(self)} entities)"

    def get(self, entity_id: str) -> Entity | None:
        """The entity with this id, or ``None``."""
        return self._by_id.get(entity_id)

    @property
    def checksum(self) -> str:
        """A SHA-256 of the entities' content: what a saved index is tied to."""
        if self._checksum is None:
            h = hashlib.sha256()
            for e in self._entities:
                # Every field, in a fixed order, with separators no name holds.
                fields = (
                    e.id, e.type, e.name, "\x1f".join(e.names), "\x1f".join(e.langs), e.country,
                    str(e.population), repr(e.lat), repr(e.lon), e.kind, "\x1f".join(e.sources),
                    str(e.geonames), "\x1f".join(sorted(e.historic)), "\x1f".join(sorted(e.ambiguous)),
                )
                h.update("\x1e".join(fields).encode("utf-8", "surrogatepass"))
                h.update(b"\x1d")
            self._checksum = h.hexdigest()
        return self._checksum


_default_lock = threading.Lock()
_default: Gazetteer | None = None


def _default_gazetteer() -> Gazetteer:
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                resource = files("namenorm.data").joinpath("gazetteer.jsonl")
                with resource.open("rb") as fh, gc_paused():
                    entities = _read_jsonl(Path("built-in gazetteer"), False, [], stream=fh)
                _default = Gazetteer(entities, source="built-in")
    return _default


def _reset_default() -> None:
    global _default
    with _default_lock:
        _default = None
