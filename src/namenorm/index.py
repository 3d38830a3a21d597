"""From matching keys to gazetteer names: candidate generation, saved to one file.

Every name of every entity is folded once, when the index is built, and
contributes blocking keys: its parts' folds and transliteration skeletons
(*close* keys), the first skeleton less one consonant and the jellyfish
Metaphone code (*loose* keys), the whole name's joined skeleton, and its
exact fold. A query makes the same keys; the names that share the most, the
rarest counting most, are the candidates that get a full score. Loose keys
count half, and are looked up only when the close ones find too few names or
none that shares most of the query's skeletons. No query scans every name.

Layout: keys are hashed with CRC-32 (stable across runs and platforms) into a
sorted array; each key's names are a slice of one postings array. A hash
collision can only add candidates, never hide one. Names keep their fold and
script; their parts are parsed again when a candidate is scored (a cached,
cheap step), so that a GeoNames-size index fits in a few hundred megabytes.

Saved indexes are one file: a JSON header (format, version, the gazetteer's
checksum, section sizes) and raw arrays. Loading checks every size and bound,
so a truncated, foreign, stale or crafted file raises :class:`IndexFileError`
and never gives wrong answers; nothing in it is executed.
"""

from __future__ import annotations

import bisect
import heapq
import json
import math
import multiprocessing
import os
import sys
import zlib
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, overload

from namenorm._config import MAX_CANDIDATES, MAX_TOKENS, NAMES_PER_CANDIDATE
from namenorm._gc import gc_paused, settle
from namenorm.gazetteer import Entity, Gazetteer
from namenorm.keys import first_skeleton, phonetic_key, skeletons, sound_spelling
from namenorm.normalize import fold
from namenorm.parts import ParsedName, initials, is_code, main_script, parse_folded

__all__ = ["Index", "IndexFileError", "name_keys"]

FORMAT = "namenorm-index"
VERSION = 2
_SCRIPTS = ("latin", "arabic", "cyrillic", "greek", "other")
_SCRIPT_CODE = {s: i for i, s in enumerate(_SCRIPTS)}
# Set in a name's script byte when the name is a code ("MRA"): it has no fuzzy keys.
_CODE = 0x80
# Keys carried by more than 0.5% of the names (at least 64, at most 500) say
# little; they are skipped when the query has rarer ones.
_COMMON_KEY_MIN = 64
_COMMON_KEY_MAX = 500
_MAX_HEADER = 1 << 16
# Gazetteers of this many names or more are built in worker processes by default,
# in at most this many (the build's memory grows with each).
_PARALLEL_NAMES = 50_000
_MAX_PROCESSES = 2

# An index of this many names or more ranks candidates with numpy.
_VECTOR_CANDIDATES = 50_000
# A saved index with more postings than this is checked with numpy when loaded.
_VECTOR_CHECKS = 1 << 20
# How many names of a common key a query reads when it has no rarer key.
_MAX_COMMON_SCAN = 2000
# Parsed candidate names kept between queries (cleared whole when full).
_PARSED_CACHE = 1 << 17


class IndexFileError(ValueError):
    """A saved index cannot be used: truncated, of another format or version,
    built from another gazetteer, or inconsistent."""


def _deletions(s: str) -> Iterable[str]:
    if len(s) >= 2:
        for i in range(len(s)):
            yield s[:i] + s[i + 1 :]


def _edit_keys(text: str) -> set[str]:
    """One letter dropped, added or changed ("Radomas" = "Radoma", "Esbo" ~ "Espo"),
    as SymSpell finds them: the part and its one-letter deletions."""
    if len(text) < 3:
        return set()
    return {"d:" + text, *("d:" + d for d in _deletions(text))}


@lru_cache(maxsize=1 << 18)
def _part_keys(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(close keys, loose keys) of one folded part (cached: parts repeat across names)."""
    keys = skeletons(text)
    close = {"f:" + text, "v:" + sound_spelling(text), *("s:" + k for k in keys)}
    loose = {"s:" + d for d in _deletions(keys[0])} | _edit_keys(text)
    m = phonetic_key(text)
    if m:
        loose.add("m:" + m)
    return frozenset(close), frozenset(loose - close)


# CRC-32 of a key prefix: zlib.crc32(text, _S) == _hash("s:" + text).
_F, _S, _M, _V, _D = (zlib.crc32(prefix) for prefix in (b"f:", b"s:", b"m:", b"v:", b"d:"))


@lru_cache(maxsize=1 << 18)
def _part_hashes(text: str) -> tuple[int, ...]:
    """The hashes of :func:`_part_keys`' close and loose keys, for building (made
    directly: the build needs no key strings, nor their cache)."""
    keys = skeletons(text)
    out = {zlib.crc32(k.encode(), _S) for k in {*keys, *_deletions(keys[0])}}
    out.add(zlib.crc32(text.encode(), _F))
    out.add(zlib.crc32(sound_spelling(text).encode(), _V))
    if len(text) >= 3:  # as _edit_keys
        out.update(zlib.crc32(d.encode(), _D) for d in (text, *_deletions(text)))
    m = phonetic_key(text)
    if m:
        out.add(zlib.crc32(m.encode(), _M))
    return tuple(out)


def _written_together(p: ParsedName) -> set[str]:
    """The name written as one word, and its core parts alone written so ("Amphoe
    Bang Phae" is also "bangphae", "I-hsing-hsien" also "ihsing")."""
    out = {p.joined} if p.joined else set()
    core = "".join(x.text for x in p.core)
    if core:
        out.add(core)
    return out


def _keys(p: ParsedName) -> tuple[set[str], set[str]]:
    """(close keys, loose keys) of a parsed name. A name in a script without a
    romaniser of its own (rough) has its parts' folds, sounds, skeletons and one-letter edits
    and its joined fold."""
    close = {"g:" + w for w in _written_together(p)}
    if p.acronym and p.core:
        close.add("i:" + p.core[0].text)
    loose: set[str] = set()
    if p.rough:
        # Candidates by fold, sound, skeleton and one-letter edits; against other
        # scripts the score then goes by spelling alone.
        for part in p.core:
            if len(part.text) > 1:
                close.update(("f:" + part.text, "v:" + sound_spelling(part.text)))
                close.update("s:" + k for k in part.keys)
                loose |= _edit_keys(part.text)
        return close, loose - close
    for part in p.core:
        if len(part.text) > 1:
            c, lo = _part_keys(part.text)
            close |= c
            loose |= lo
    if len(p.core) > 1 or (p.core and p.joined != p.core[0].text):
        close.add("j:" + first_skeleton(p.joined))
    return close, loose - close


def name_keys(p: ParsedName) -> set[str]:
    """The blocking keys of a parsed name: its parts' folds and skeletons,
    the skeletons less one consonant, Metaphone codes, the joined skeleton."""
    close, loose = _keys(p)
    return close | loose


def _name_hashes(p: ParsedName, rough: bool) -> set[int]:
    """Every key of a parsed name, hashed, for building (same keys as :func:`_keys`;
    ``rough`` for a name in a script without a romaniser of its own)."""
    out = {_hash("x:" + p.folded), *(_hash("g:" + w) for w in _written_together(p))}
    acronym = initials(p)
    if acronym:
        out.add(_hash("i:" + acronym))
    if rough:
        for part in p.core:
            if len(part.text) > 1:
                out.update(_rough_part_hashes(part.text))
        return out
    for part in p.core:
        if len(part.text) > 1:
            out.update(_part_hashes(part.text))
    if len(p.core) > 1 or (p.core and p.joined != p.core[0].text):
        out.add(_hash("j:" + first_skeleton(p.joined)))
    return out


def _rough_part_hashes(text: str) -> set[int]:
    """The keys of a part of a name in a script without a romaniser of its own, hashed."""
    keys = {"f:" + text, "v:" + sound_spelling(text), *("s:" + k for k in skeletons(text)), *_edit_keys(text)}
    return {_hash(k) for k in keys}


def _folded_hashes(folded: str, rough: bool) -> tuple[int, set[int]] | None:
    """(core parts, key hashes) of a folded name, as :func:`_name_hashes` of its parse
    gives them; ``None`` if it has no core part."""
    if " " in folded or MAX_TOKENS < 1:
        pn = parse_folded(folded, plain=rough)
        return (len(pn.core), _name_hashes(pn, rough)) if pn.core else None
    # One word (most gazetteer names): its only core part, its joined form, no
    # initials; the same keys without making the parse.
    out = {_hash("x:" + folded), _hash("g:" + folded)}
    if len(folded) > 1:
        if rough:
            out.update(_rough_part_hashes(folded))
        else:
            out.update(_part_hashes(folded))
    return 1, out


def _hash(key: str) -> int:
    return zlib.crc32(key.encode())


class _Built:
    """The columns of the indexed names of some entities, and each name's key hashes
    (``counts[i]`` of them for name ``i``, one after another in ``hashes``)."""

    __slots__ = ("name_entity", "name_pos", "folded", "script", "core", "hashes", "counts")

    def __init__(self) -> None:
        self.name_entity = array("I")
        self.name_pos = array("I")
        self.folded: list[str] = []
        self.script = bytearray()
        self.core = bytearray()
        self.hashes = array("I")
        self.counts = array("I")


def _build_names(
    names: Sequence[Sequence[str]], first: int, progress: Callable[[int, int], None] | None = None
) -> _Built:
    """Fold, parse and key the names of entities ``first``, ``first + 1``, ... (``names[k]``
    are those of entity ``first + k``); a name whose fold the entity already has in the
    same script is skipped (in another script it is kept: an Arabic query meets the
    Arabic name, which scores above a Latin one that folds alike)."""
    out = _Built()
    total = len(names)
    with gc_paused():  # every name makes objects, none of them in cycles
        for k, ent_names in enumerate(names):
            seen: set[tuple[str, str]] = set()
            for pos, name in enumerate(ent_names):
                folded = fold(name)
                if not folded:
                    continue
                script = main_script(name)
                if (folded, script) in seen:
                    continue
                keyed = _folded_hashes(folded, script == "other")
                if keyed is None:
                    continue
                core, hashes = keyed
                code = is_code(name)
                if code:
                    hashes = {_hash("x:" + folded)}  # a code matches only as written: "Urai" is not "URA"
                seen.add((folded, script))
                out.name_entity.append(first + k)
                out.name_pos.append(pos)
                out.folded.append(folded)
                out.script.append(_SCRIPT_CODE[script] | (_CODE if code else 0))
                out.core.append(min(255, core))
                out.hashes.extend(hashes)
                out.counts.append(len(hashes))
            if progress is not None and (k % 2000 == 0 or k == total - 1):
                progress(k + 1, total)
    return out


def _extend(into: _Built, part: _Built) -> None:
    into.name_entity.extend(part.name_entity)
    into.name_pos.extend(part.name_pos)
    into.folded.extend(part.folded)
    into.script.extend(part.script)
    into.core.extend(part.core)
    into.hashes.extend(part.hashes)
    into.counts.extend(part.counts)


def _build_processes(names: Sequence[Sequence[str]]) -> int:
    """How many processes build by default: more than one only for a large gazetteer,
    where forking (no pickling of the names, no main-module guard needed) is possible."""
    if "fork" not in multiprocessing.get_all_start_methods() or sum(map(len, names)) < _PARALLEL_NAMES:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        cpus = os.cpu_count() or 1
    return max(1, min(_MAX_PROCESSES, cpus))


def _build_in_processes(
    names: Sequence[Sequence[str]], workers: int, progress: Callable[[int, int], None] | None
) -> _Built:
    """:func:`_build_names` over runs of entities in worker processes, joined in order."""
    total = len(names)
    # A few runs per worker, so that one slow run does not leave the others idle.
    step = max(1, -(-total // (workers * 4)))
    runs = [(lo, min(total, lo + step)) for lo in range(0, total, step)]
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    out = _Built()
    with ctx.Pool(workers, initializer=_init_build_worker, initargs=(names,)) as pool:
        for (_, hi), part in zip(runs, pool.imap(_build_run, runs)):
            _extend(out, part)
            if progress is not None:
                progress(hi, total)
    return out


_worker_names: Sequence[Sequence[str]] = ()


def _init_build_worker(names: Sequence[Sequence[str]]) -> None:
    global _worker_names
    _worker_names = names


def _build_run(run: tuple[int, int]) -> _Built:
    lo, hi = run
    return _build_names(_worker_names[lo:hi], lo)


def _postings(hashes: array[int], counts: array[int]) -> tuple[array[int], array[int], array[int]]:
    """The sorted key hashes, each key's start in the postings, and the postings (name
    positions, ascending within a key), from each name's hashes in name order.
    ``hashes`` is emptied."""
    # numpy sorts the (hash, name) pairs, tens of millions for GeoNames' cities500, in C:
    # a dict of Python lists per key took most of the build time and memory.
    import numpy as np

    if not hashes:
        return array("I"), array("I", [0]), array("I")
    word = np.uintc  # the C unsigned int of array("I")
    # In place where numpy allows, and the caller's hashes freed once copied: the
    # peak is about 16 bytes a pair (tens of millions of pairs for cities500).
    view = np.frombuffer(hashes, dtype=word)
    pairs = view.astype(np.uint64)
    del view
    del hashes[:]
    pairs <<= np.uint64(32)
    pairs |= np.repeat(np.arange(len(counts), dtype=word), np.frombuffer(counts, dtype=word))
    pairs.sort()
    postings = pairs.astype(word)  # the low 32 bits: the name
    pairs >>= np.uint64(32)
    key = pairs.astype(word)
    del pairs
    starts = np.flatnonzero(key[1:] != key[:-1]) + 1
    key_hash = key[np.concatenate(([0], starts))]
    key_start = np.concatenate(([0], starts, [len(key)])).astype(word)
    return _from_numpy(key_hash), _from_numpy(key_start), _from_numpy(postings)


def _from_numpy(a: Any) -> array[int]:
    out = array("I")
    out.frombytes(a.tobytes())  # a is of dtype uintc
    return out


class _Parsed(Sequence[ParsedName]):
    """The parsed form of every indexed name, made on demand."""

    def __init__(self, index: Index) -> None:
        self._index = index

    def __len__(self) -> int:
        return len(self._index._folded)

    @overload
    def __getitem__(self, i: int) -> ParsedName: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[ParsedName]: ...
    def __getitem__(self, i: int | slice) -> ParsedName | Sequence[ParsedName]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        return self._index.parsed_name(i)


class _Names(Sequence[tuple[int, str]]):
    """(entity position, name) of every indexed name."""

    def __init__(self, index: Index) -> None:
        self._index = index

    def __len__(self) -> int:
        return len(self._index._folded)

    @overload
    def __getitem__(self, i: int) -> tuple[int, str]: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[tuple[int, str]]: ...
    def __getitem__(self, i: int | slice) -> tuple[int, str] | Sequence[tuple[int, str]]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        ix = self._index
        ei = ix._name_entity[i]
        return ei, ix.entities[ei].names[ix._name_pos[i]]


class Index:
    """Keys → gazetteer names → entities.

    Args:
        gazetteer: the entities to index.
        progress: called as ``progress(done, total)`` while building, if given.
        processes: how many worker processes fold and key the names (forked where
            the platform allows); 1 builds in this process. By default 1 for fewer
            than 50,000 names or where processes cannot be forked, else up to 2,
            as the CPUs this process may use allow; always 1 in a daemonic process
            (a multiprocessing or Dask worker). The index is the same either way.
    """

    def __init__(
        self,
        gazetteer: Gazetteer,
        *,
        progress: Callable[[int, int], None] | None = None,
        processes: int | None = None,
    ) -> None:
        self.gazetteer = gazetteer
        self.entities: list[Entity] = list(gazetteer)
        names = [ent.names for ent in self.entities]
        workers = _build_processes(names) if processes is None else max(1, processes)
        if workers > 1 and not multiprocessing.current_process().daemon:  # daemons may not start processes
            built = _build_in_processes(names, workers, progress)
        else:
            built = _build_names(names, 0, progress)
        self._name_entity = built.name_entity
        self._name_pos = built.name_pos
        self._folded: list[str] = built.folded
        self._script = built.script
        self._core = built.core
        self._key_hash, self._key_start, self._postings = _postings(built.hashes, built.counts)
        self._finish()

    # -- derived state ----------------------------------------------------

    def _finish(self) -> None:
        n = max(1, len(self._folded))
        self._total = n
        self._common = max(_COMMON_KEY_MIN, min(_COMMON_KEY_MAX, n // 200))
        self._idf = [0.0] + [math.log(1 + n / k) for k in range(1, self._common + 1)]
        self._parsed_cache: dict[int, ParsedName] = {}
        self._vec: tuple[Any, Any] | None = None
        self.names: Sequence[tuple[int, str]] = _Names(self)
        self.parsed: Sequence[ParsedName] = _Parsed(self)
        settle(len(self._folded))  # a GeoNames-size index: out of the collector's way

    def __len__(self) -> int:
        return len(self._folded)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_vec"] = None  # views of this process's arrays: made again where needed
        return state

    def _span(self, key: str) -> tuple[int, int]:
        """Where a key's names lie in the postings array (an empty span if none)."""
        h = _hash(key)
        i = bisect.bisect_left(self._key_hash, h)
        if i < len(self._key_hash) and self._key_hash[i] == h:
            return self._key_start[i], self._key_start[i + 1]
        return 0, 0

    def _posting(self, key: str) -> Sequence[int]:
        start, end = self._span(key)
        return self._postings[start:end]

    def parsed_name(self, ni: int) -> ParsedName:
        """The parsed form of name ``ni`` (parsed again from its fold, and kept a while)."""
        pn = self._parsed_cache.get(ni)
        if pn is None:
            code = self._script[ni]
            script = _SCRIPTS[code & ~_CODE]
            pn = parse_folded(self._folded[ni], plain=script == "other")
            if script != "latin":
                pn = replace(pn, script=script, rough=script == "other")
            if code & _CODE:
                pn = replace(pn, acronym=True)
            if len(self._parsed_cache) >= _PARSED_CACHE:
                self._parsed_cache.clear()
            self._parsed_cache[ni] = pn
        return pn

    def acronym(self, letters: str) -> list[int]:
        """Positions of the names whose initials are ``letters`` (maybe a few more: hashed)."""
        return [ni for ni in self._posting("i:" + letters) if initials(self.parsed_name(ni)) == letters]

    def exact(self, folded: str) -> list[int]:
        """Positions of the names whose fold is exactly ``folded``."""
        return [ni for ni in self._posting("x:" + folded) if self._folded[ni] == folded]

    def candidates(
        self, query: ParsedName, *, limit: int = MAX_CANDIDATES, allow: Callable[[int], bool] | None = None
    ) -> list[int]:
        """Positions of the names most likely to match ``query``.

        Args:
            query: the parsed query.
            limit: how many entities at most (each with up to ``NAMES_PER_CANDIDATE`` names).
            allow: keep only the name positions for which this is true.

        Returns:
            Name positions, best first; deterministic.
        """
        close, loose = _keys(query)
        # A key of the whole name written together ("Izumi-Sano" = "Izumisano")
        # stands for every part: it counts once a part.
        whole = float(max(1, len(query.core)))
        spans, wanted = self._key_spans([(k, whole if k[0] in "gj" else 1.0) for k in sorted(close)])
        vectors = self._vectors() if allow is None else None
        if vectors is not None:
            return self._candidates_vectors(vectors, query, spans, wanted, sorted(loose), limit)
        weight: dict[int, float] = defaultdict(float)
        self._accumulate(spans, weight)
        # Widen to one-consonant edits and Metaphone (counting half) when the
        # exact keys find too few names, or none that shares most of the
        # query's skeletons: then a consonant was dropped or changed.
        if len(weight) < limit or max(weight.values(), default=0.0) < 0.6 * wanted:
            self._accumulate(self._key_spans([(k, 0.5) for k in sorted(loose)])[0], weight)
        if not weight:
            return []
        # Parts the query lacks cost, as in the score: "Haftar" is nearer the
        # alias "Haftar" than "Belgassem Haftar".
        n = len(query.core)
        sizes = self._core
        head = limit * NAMES_PER_CANDIDATE * 8
        scored = [
            (-w / (1.0 + 0.3 * abs(sizes[ni] - n)), ni) for ni, w in weight.items() if allow is None or allow(ni)
        ]
        # The best few hundred are nearly always enough; sort them all only when not.
        ranked = heapq.nsmallest(head, scored) if len(scored) > 4 * head else sorted(scored)
        chosen = self._choose(ranked, limit)
        if len(chosen) < limit and len(ranked) < len(scored):
            chosen = self._choose(sorted(scored), limit)
        return [ni for names in chosen.values() for ni in names]

    def _vectors(self) -> tuple[Any, Any] | None:
        """numpy views of the postings and the names' part counts, for a large index
        (where ranking candidates in C pays for numpy's call overhead); else None."""
        if len(self._folded) < _VECTOR_CANDIDATES:
            return None
        if self._vec is None:
            import numpy as np

            self._vec = (np.frombuffer(self._postings, dtype=np.uintc), np.frombuffer(bytes(self._core), np.uint8))
        return self._vec

    def _candidates_vectors(
        self,
        vectors: tuple[Any, Any],
        query: ParsedName,
        spans: list[tuple[int, int, float]],
        wanted: float,
        loose: list[str],
        limit: int,
    ) -> list[int]:
        """:meth:`candidates` in numpy: the same weights, summed in the same order, and
        the same ranking (every name ranked, where the other way ranks the best few hundred)."""
        import numpy as np

        postings, sizes = vectors

        def weigh(spans: list[tuple[int, int, float]]) -> tuple[Any, Any]:
            if not spans:
                return np.empty(0, np.uintc), np.empty(0)
            names = np.concatenate([postings[s:e] for s, e, _ in spans])
            weights = np.repeat([w for _, _, w in spans], [e - s for s, e, _ in spans])
            unique, where = np.unique(names, return_inverse=True)
            return unique, np.bincount(where, weights)

        unique, sums = weigh(spans)
        if len(unique) < limit or (sums.max() if len(sums) else 0.0) < 0.6 * wanted:
            unique, sums = weigh(spans + self._key_spans([(k, 0.5) for k in loose])[0])
        if not len(unique):
            return []
        n = len(query.core)
        score = -sums / (1.0 + 0.3 * np.abs(sizes[unique].astype(np.int64) - n))
        head = limit * NAMES_PER_CANDIDATE * 8

        def choose(pick: Any) -> dict[int, list[int]]:
            # _choose, with the entities picked in C: the first `limit` entities in
            # rank order, then each one's best names.
            names = unique[pick][np.lexsort((unique[pick], score[pick]))]
            entities = name_entity[names]
            _, first = np.unique(entities, return_index=True)
            keep = np.isin(entities, entities[np.sort(first)[:limit]])
            chosen: dict[int, list[int]] = {}
            for ni, ei in zip(names[keep].tolist(), entities[keep].tolist()):
                got = chosen.setdefault(ei, [])
                if len(got) < NAMES_PER_CANDIDATE:
                    got.append(ni)
            return chosen

        name_entity = np.frombuffer(self._name_entity, dtype=np.uintc)
        if len(unique) > 4 * head:  # as the other way: the best few hundred only when many
            best = np.argpartition(score, head - 1)[:head]
            # Names tied with the last one taken are all taken, as a full sort would rank them.
            best = np.flatnonzero(score <= score[best].max())
        else:
            best = np.arange(len(unique))
        chosen = choose(best)
        if len(chosen) < limit and len(best) < len(unique):
            chosen = choose(np.arange(len(unique)))
        return [ni for names in chosen.values() for ni in names]

    def _choose(self, ranked: list[tuple[float, int]], limit: int) -> dict[int, list[int]]:
        # The best entities by their best name; then up to NAMES_PER_CANDIDATE of each
        # one's names, so that the right entity is scored by its right name.
        chosen: dict[int, list[int]] = {}
        full = 0
        name_entity = self._name_entity
        for _, ni in ranked:
            ei = name_entity[ni]
            names = chosen.get(ei)
            if names is None:
                if len(chosen) >= limit:
                    continue
                names = chosen[ei] = []
            if len(names) < NAMES_PER_CANDIDATE:
                names.append(ni)
                if len(names) == NAMES_PER_CANDIDATE:
                    full += 1
                    if full == limit:
                        break  # every chosen entity has all the names it may have
        return chosen

    def entity_of(self, ni: int) -> int:
        """The position (in :attr:`entities`) of the entity name ``ni`` belongs to."""
        return self._name_entity[ni]

    def first_name(self, ei: int) -> int:
        """The position of entity ``ei``'s first (canonical) name: names are indexed
        entity by entity, the first of each always."""
        return bisect.bisect_left(self._name_entity, ei)

    def _key_spans(self, keys: list[tuple[str, float]]) -> tuple[list[tuple[int, int, float]], float]:
        """(start, end, weight) of the postings to read for these (key, factor) pairs,
        weight = factor times the key's rarity; and the rarity summed over the keys
        other than folds (what a name sharing all of them would weigh)."""
        spans: list[tuple[int, int, int, float]] = []
        wanted = 0.0
        idf, common = self._idf, self._common
        for k, f in keys:
            start, end = self._span(k)
            if k[0] != "f":
                wanted += idf[min(end - start or 1, common)]
            if end > start:
                spans.append((end - start, start, end, f))
        rare = [sp for sp in spans if sp[0] <= common]
        if not rare and spans:
            # Only common keys ("Ali", "San"): the rarest one, read no further
            # than a bounded number of names, so that no query scans them all.
            n, start, end, f = min(spans)
            rare = [(n, start, min(end, start + _MAX_COMMON_SCAN), f)]
        return [(start, end, f * idf[min(n, common)]) for n, start, end, f in rare], wanted

    def _accumulate(self, spans: list[tuple[int, int, float]], weight: dict[int, float]) -> None:
        """Add each span's weight to the names it holds."""
        postings = self._postings
        for start, end, w in spans:
            for ni in postings[start:end]:
                weight[ni] += w

    # -- saving and loading -------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Write the index to one file (see the module docstring for the format).

        Args:
            path: where to write; the file is replaced atomically.
        """
        folded = "\n".join(self._folded).encode("ascii")
        sections: list[tuple[str, bytes]] = [
            ("name_entity", self._name_entity.tobytes()),
            ("name_pos", self._name_pos.tobytes()),
            ("script", bytes(self._script)),
            ("core", bytes(self._core)),
            ("folded", folded),
            ("key_hash", self._key_hash.tobytes()),
            ("key_start", self._key_start.tobytes()),
            ("postings", self._postings.tobytes()),
        ]
        header = {
            "format": FORMAT,
            "version": VERSION,
            "gazetteer": self.gazetteer.checksum,
            "entities": len(self.entities),
            "names": len(self._folded),
            "keys": len(self._key_hash),
            "byteorder": sys.byteorder,
            "itemsize": self._postings.itemsize,
            "sections": [[name, len(data)] for name, data in sections],
        }
        p = Path(path)
        tmp = p.with_name(p.name + ".tmp")
        with open(tmp, "wb") as fh:
            fh.write(json.dumps(header).encode() + b"\n")
            for _, data in sections:
                fh.write(data)
        tmp.replace(p)

    @classmethod
    def load(cls, path: str | Path, gazetteer: Gazetteer) -> Index:
        """Read a saved index for ``gazetteer``.

        Raises:
            IndexFileError: if the file is not a namenorm index of this
                version, was built from another gazetteer, or is damaged.
            OSError: if it cannot be read.
        """
        p = Path(path)
        with open(p, "rb") as fh:
            return cls.read(fh, gazetteer, p)

    @classmethod
    def read(cls, fh: IO[bytes], gazetteer: Gazetteer, label: Path | str = "<index>") -> Index:
        """Read a saved index for ``gazetteer`` from an open binary file (see :meth:`load`)."""
        p = Path(label)
        header = _read_header(fh, p)
        if header.get("gazetteer") != gazetteer.checksum:
            raise IndexFileError(f"{p}: built from another gazetteer (checksum differs): rebuild it")
        data = _read_sections(fh, p, header)
        self = cls.__new__(cls)
        self.gazetteer = gazetteer
        self.entities = list(gazetteer)
        try:
            self._name_entity = _array("I", data["name_entity"])
            self._name_pos = _array("I", data["name_pos"])
            self._script = bytearray(data["script"])
            self._core = bytearray(data["core"])
            self._folded = data["folded"].decode("ascii").split("\n") if data["folded"] else []
            self._key_hash = _array("I", data["key_hash"])
            self._key_start = _array("I", data["key_start"])
            self._postings = _array("I", data["postings"])
        except (ValueError, UnicodeDecodeError) as exc:
            raise IndexFileError(f"{p}: damaged section: {exc}") from None
        self._validate(p, header)
        self._finish()
        return self

    def _validate(self, p: Path, header: dict[str, Any]) -> None:
        m, k, e = len(self._folded), len(self._key_hash), len(self.entities)

        def bad(what: str) -> IndexFileError:
            return IndexFileError(f"{p}: inconsistent index ({what}): rebuild it")

        if header.get("names") != m or header.get("keys") != k or header.get("entities") != e:
            raise bad("counts")
        if not (len(self._name_entity) == len(self._name_pos) == len(self._script) == len(self._core) == m):
            raise bad("name arrays")
        if len(self._key_start) != k + 1 or self._key_start[0] != 0 or self._key_start[-1] != len(self._postings):
            raise bad("key offsets")
        if len(self._postings) > _VECTOR_CHECKS:
            self._validate_vectors(bad)
            return
        if any(map(int.__gt__, self._key_start[:-1], self._key_start[1:])):
            raise bad("key offsets not ordered")
        if any(map(int.__ge__, self._key_hash[:-1], self._key_hash[1:])):
            raise bad("keys not sorted")
        if m and (max(self._postings, default=0) >= m or max(self._name_entity) >= e):
            raise bad("positions out of range")
        if any(b & ~_CODE >= len(_SCRIPTS) for b in set(self._script)):
            raise bad("scripts")
        names = [len(ent.names) for ent in self.entities]
        if any(pos >= names[ei] for ei, pos in zip(self._name_entity, self._name_pos)):
            raise bad("name positions")

    def _validate_vectors(self, bad: Callable[[str], IndexFileError]) -> None:
        """The checks of :meth:`_validate` on a large index, in numpy (the same checks)."""
        import numpy as np

        m, e = len(self._folded), len(self.entities)
        start = np.frombuffer(self._key_start, dtype=np.uint32)
        if np.any(start[:-1] > start[1:]):
            raise bad("key offsets not ordered")
        hashes = np.frombuffer(self._key_hash, dtype=np.uint32)
        if np.any(hashes[:-1] >= hashes[1:]):
            raise bad("keys not sorted")
        entity = np.frombuffer(self._name_entity, dtype=np.uint32)
        if m and (int(np.frombuffer(self._postings, dtype=np.uint32).max()) >= m or int(entity.max()) >= e):
            raise bad("positions out of range")
        if int((np.frombuffer(bytes(self._script), dtype=np.uint8) & (0xFF ^ _CODE)).max(initial=0)) >= len(_SCRIPTS):
            raise bad("scripts")
        names = np.array([len(ent.names) for ent in self.entities], dtype=np.int64)
        if m and np.any(np.frombuffer(self._name_pos, dtype=np.uint32) >= names[entity]):
            raise bad("name positions")


def _array(code: str, data: bytes) -> array[int]:
    a = array(code)
    if len(data) % a.itemsize:
        raise ValueError(f"{len(data)} bytes is not a whole number of items")
    a.frombytes(data)
    return a


def _read_header(fh: IO[bytes], p: Path) -> dict[str, Any]:
    line = fh.readline(_MAX_HEADER)
    if not line.endswith(b"\n"):
        raise IndexFileError(f"{p}: not a namenorm index (no header)")
    try:
        header = json.loads(line)
    except ValueError:
        raise IndexFileError(f"{p}: not a namenorm index (unreadable header)") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise IndexFileError(f"{p}: not a namenorm index")
    if header.get("version") != VERSION:
        raise IndexFileError(f"{p}: index format version {header.get('version')!r}, this namenorm reads {VERSION}")
    if header.get("byteorder") != sys.byteorder or header.get("itemsize") != array("I").itemsize:
        raise IndexFileError(f"{p}: index written on a machine of another byte order or word size: rebuild it")
    return header


_SECTIONS = ("name_entity", "name_pos", "script", "core", "folded", "key_hash", "key_start", "postings")


def _read_sections(fh: IO[bytes], p: Path, header: dict[str, Any]) -> dict[str, bytes]:
    sections = header.get("sections")
    if (
        not isinstance(sections, list)
        or [s[0] if isinstance(s, list) and s else None for s in sections] != list(_SECTIONS)
        or not all(isinstance(s[1], int) and s[1] >= 0 for s in sections)
    ):
        raise IndexFileError(f"{p}: index header lists unexpected sections")
    data: dict[str, bytes] = {}
    for name, size in sections:
        chunk = fh.read(size)
        if len(chunk) != size:
            raise IndexFileError(f"{p}: truncated index (section {name!r})")
        data[name] = chunk
    if fh.read(1):
        raise IndexFileError(f"{p}: trailing bytes after the index")
    return data
