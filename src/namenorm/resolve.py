"""Resolver: index + score + priors → the entity a name means, with a reason."""

from __future__ import annotations

import math
import multiprocessing
import os
import re
import threading
import warnings
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from namenorm._config import MAX_CANDIDATES, RESULT_CACHE
from namenorm.gazetteer import ENTITY_TYPES, Entity, Gazetteer
from namenorm.index import Index, IndexFileError
from namenorm.normalize import _check_str, fold
from namenorm.parts import DESIGNATORS, KIND_WORDS, ParsedName, initials, is_acronym, main_script, parse
from namenorm.score import (
    ACRONYM,
    AGREE,
    CROSS_SCRIPT,
    DEFAULT_THRESHOLD,
    Comparison,
    compare_parsed,
    compare_score,
    part_similarity,
)

__all__ = ["Match", "Resolver", "IndexWarning", "resolve", "resolve_many", "candidates", "default_resolver"]

class IndexWarning(UserWarning):
    """A saved index could not be used or written; namenorm rebuilt it in memory."""


# What each unmatched part costs a place or a body, on top of the score.
PLACE_EXTRA = 0.1

# What a place or body loses when the query says what kind it is ("Derna District")
# and its name does not: enough to put the district before the town.
DESIGNATOR_MISS = 0.03


# What a person's name loses when the query's first part, its given name, pairs with
# none of it: "Khamis Muammar Qadhafi" is Khamis son of Muammar, not Muammar; with the
# given names-left-out discount this makes a missing first part cost more than a
# missing middle one (a father's name, a nasab).
GIVEN_NAME_MISSING = 0.94


def _given_name_missing(query: ParsedName, target: ParsedName) -> bool:
    if len(query.core) <= len(target.core):
        return False
    sim = part_similarity(query, target)
    lead = query.core[0].text
    return all(sim(lead, part.text)[0] < AGREE for part in target.core)


def _charge(
    query: ParsedName, target: ParsedName, kind: str, score: float, extra: int, explain: bool = False
) -> tuple[float, str]:
    """A comparison's score after what the resolver charges on top of it, and (when
    ``explain``) what it charged for: a place's or body's parts left over, a kind of
    place the query says and the name does not, a person's given name missing."""
    notes = []
    if kind != "person":
        if extra:
            score *= 1.0 - PLACE_EXTRA * extra
        missing = _missing_designator(query, target)
        if missing:
            score *= 1.0 - DESIGNATOR_MISS
            notes.append(f"not a {missing}")
    elif _given_name_missing(query, target):
        score *= GIVEN_NAME_MISSING
        if explain:
            notes.append(f"the query's given name {query.core[0].text!r} is not in this name")
    return score, "; ".join(notes)


def _kinds(p: ParsedName) -> set[str]:
    return {
        word for x in p.parts if x.optional and x.text in DESIGNATORS for word in KIND_WORDS.get(x.text, (x.text,))
    }


def _missing_designator(query: ParsedName, target: ParsedName) -> str:
    """The query's words for a kind of place or body ("district", "air base",
    "shabia") that the target's name does not say too ("" when it does, or the
    query has none)."""
    said = _kinds(query)
    return " ".join(sorted(said - _kinds(target))) if said else ""


# A qualified name ("Hude (Oldenburg)") matched by its head alone, the qualifier unchecked.
QUALIFIED = 0.97
_IN_PARENTHESES = re.compile(r"^\s*([^()]+?)\s*\(([^()]+)\)\s*$")


def _split_qualifier(name: str) -> tuple[str, str] | None:
    """(head, qualifier) of "Hude (Oldenburg)" or "Zawiya, Libya" (Latin or Arabic comma)."""
    m = _IN_PARENTHESES.match(name)
    if m:
        return m.group(1), m.group(2)
    for comma in (",", "\u060c"):
        if name.count(comma) == 1:
            head, qualifier = (x.strip() for x in name.split(comma))
            if head and qualifier:
                return head, qualifier
    return None


def _join_note(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b


# Two candidates closer than this are a tie that population, then gazetteer order, decide.
_TIE = 0.02


@dataclass(frozen=True, slots=True)
class Match:
    """A gazetteer entity that a query name resolved to.

    Attributes:
        query: the name that was resolved.
        entity: the entity it means.
        score: 0.0–1.0, the same scale as :func:`namenorm.compare`.
        name: the entity's name that matched best.
        why: a readable account of the score.
    """

    query: str
    entity: Entity
    score: float
    name: str
    why: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON Lines record the command line prints."""
        return {
            "query": self.query,
            "id": self.entity.id,
            "name": self.entity.name,
            "type": self.entity.type,
            "score": self.score,
            "matched": self.name,
            "why": self.why,
        }


def check_types(types: str | Collection[str] | None) -> frozenset[str] | None:
    """The ``types=`` argument as a set (``None`` for all), or ValueError for an unknown type."""
    if types is None:
        return None
    wanted = frozenset([types] if isinstance(types, str) else types)
    bad = wanted - set(ENTITY_TYPES)
    if bad:
        raise ValueError(f"unknown type(s) {', '.join(sorted(bad))}: use {', '.join(ENTITY_TYPES)}")
    return wanted


_SETTLEMENTS = frozenset({"city", "town", "village", "capital", "country"})


def _settlement_last(e: Entity) -> int:
    """0 for a town or country, 1 for a district, base or site: a bare name
    more often means the town ("Kufra" the oasis town, not Kufra District)."""
    kind = e.kind.lower()
    return 0 if any(word in _SETTLEMENTS for word in kind.split()) or kind.startswith("ppl") else 1


def _prior(e: Entity) -> float:
    return min(1.0, math.log10(e.population + 1) / 8) if e.population else 0.0


class Resolver:
    """Resolves names against one gazetteer. Safe to share between threads.

    Args:
        gazetteer: what to resolve against; the built-in one when omitted.
        threshold: the score a match needs; :data:`DEFAULT_THRESHOLD` by default.
        index_path: a saved index to use. Loaded when it was built from this
            gazetteer; built and saved there when it is missing; rebuilt (with
            a warning) when it is stale, foreign or damaged.
    """

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        index_path: str | Path | None = None,
    ) -> None:
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.default()
        self.threshold = threshold
        self.index_path = Path(index_path) if index_path is not None else None
        self._index: Index | None = None
        self._lock = threading.Lock()
        # Names repeat in real text: the best match of each is kept a while.
        self._best = lru_cache(maxsize=RESULT_CACHE)(self._best_uncached)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]  # a lock and a cache cannot cross to a worker process
        del state["_best"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._best = lru_cache(maxsize=RESULT_CACHE)(self._best_uncached)

    @property
    def index(self) -> Index:
        """The candidate index, loaded or built on first use."""
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._index = self._load_or_build()
        return self._index

    def _load_or_build(self) -> Index:
        path = self.index_path
        if path is not None and path.exists():
            try:
                return Index.load(path, self.gazetteer)
            except (IndexFileError, OSError) as exc:
                warnings.warn(f"{exc}; rebuilding the index", IndexWarning, stacklevel=4)
        index = Index(self.gazetteer)
        if path is not None:
            try:
                index.save(path)
            except OSError as exc:
                warnings.warn(f"cannot save the index to {path}: {exc}", IndexWarning, stacklevel=4)
        return index

    def score_name(self, query: ParsedName, ni: int) -> Comparison:
        """Score a parsed query against indexed name ``ni``: :func:`namenorm.compare`'s
        score, less ``PLACE_EXTRA`` for each part left over when the name is a place's
        or a body's (a surname alone names a person; "Art" is not "Art Khwajah", and
        "the Libyan government" is not "the Libyan Wefaq government"). A query in
        capitals that spells the initials of a place's or body's name scores
        ``ACRONYM`` (0.9). A gazetteer name that is a code ("MRA", see
        :func:`namenorm.parts.is_code`) matches only a query written the same."""
        target, kind = self._target(ni)
        special = self._special(query, target, ni, kind)
        if special is not None:
            return special
        comp = compare_parsed(query, target)
        score, note = _charge(query, target, kind, comp.score, len(comp.extra), explain=True)
        if score == comp.score:
            return comp
        return replace(comp, score=score, strict_extra=bool(comp.extra) and kind != "person", note=note)

    def _target(self, ni: int) -> tuple[ParsedName, str]:
        index = self.index
        return index.parsed_name(ni), index.entities[index.entity_of(ni)].type

    def _special(self, query: ParsedName, target: ParsedName, ni: int, kind: str) -> Comparison | None:
        """The comparisons that no spelling makes: a code, an acronym."""
        if target.acronym and target.folded != query.folded:
            return Comparison(0.0, "code")  # a code ("MRA") matches only as written
        if kind != "person" and self._acronym_of(query, target, ni):
            # "GNA" for the Government of National Accord; not for people, whose
            # names written in capitals ("ALI") are no acronyms.
            return Comparison(ACRONYM, "acronym")
        return None

    def _acronym_of(self, query: ParsedName, target: ParsedName, ni: int) -> bool:
        """One name is the acronym of the other: the query in capitals spells the
        initials of the indexed name ("GNA"), or the indexed name is written in
        capitals and the query's initials spell it ("North Atlantic Treaty
        Organization" for "NATO")."""
        if query.acronym:
            return len(query.core) == 1 and query.core[0].text == initials(target)
        if len(target.core) != 1 or len(query.core) < 2:
            return False
        if initials(query) != target.folded:
            return False
        ei, written = self.index.names[ni]
        return is_acronym(written)

    def _score(self, query: ParsedName, ni: int) -> float:
        """:meth:`score_name`'s score alone, without its explanation (the hot path)."""
        target, kind = self._target(ni)
        special = self._special(query, target, ni, kind)
        if special is not None:
            return special.score
        score, extra = compare_score(query, target)
        return _charge(query, target, kind, score, extra)[0]

    def with_threshold(self, threshold: float) -> Resolver:
        """This resolver with another threshold, sharing its gazetteer and index."""
        other = Resolver(self.gazetteer, threshold=threshold, index_path=self.index_path)
        other._index = self.index
        return other

    def save_index(self, path: str | Path) -> None:
        """Save this resolver's index to one file, for ``Resolver(g, index_path=path)``."""
        self.index.save(path)

    def candidates(
        self,
        name: str,
        *,
        limit: int = 5,
        types: str | Collection[str] | None = None,
        country: str | None = None,
        score_cutoff: float = 0.0,
    ) -> list[Match]:
        """The best entities for a name, best first, one Match per entity.

        Args:
            name: the name, in any script.
            limit: how many at most.
            types: keep only these types (``"person"``, ``"place"``, ``"org"``).
            country: keep only entities of this ISO 3166-1 alpha-2 country.
            score_cutoff: leave out matches scoring below this.

        Returns:
            Matches, best first.

        Raises:
            TypeError: if ``name`` is not a ``str``.
            ValueError: for an unknown type.
        """
        _check_str(name)
        wanted = check_types(types)
        want_country = country.upper() if country else None
        folded = fold(name)
        if not folded:
            return []
        index = self.index

        def allowed(ni: int) -> bool:
            ent = index.entities[index.entity_of(ni)]
            return (wanted is None or ent.type in wanted) and (not want_country or ent.country == want_country)

        # Entity -> (score, name, explanation if known): candidates are scored
        # without one, and only those returned are explained.
        best: dict[int, tuple[float, int, Comparison | None]] = {}

        def consider(ni: int, score: float, comp: Comparison | None = None) -> None:
            ei = index.entity_of(ni)
            old = best.get(ei)
            if old is None or score > old[0]:
                best[ei] = (score, ni, comp)

        # A name that folds to the query exactly cannot be beaten: for the best
        # match alone those are all the candidates there are, and they need no
        # parsing of the query.
        exact = [ni for ni in index.exact(folded) if allowed(ni)]
        script = main_script(name)
        for ni in exact:
            target = index.parsed_name(ni)
            if (target.script == "other") == (script == "other"):
                comp = Comparison(1.0 if target.script == script else CROSS_SCRIPT, "exact")
                consider(ni, comp.score, comp)
        query: ParsedName | None = None
        if not best or limit > 1:
            query = parse(name)
            filtered = allowed if wanted is not None or want_country else None
            pool = index.candidates(query, limit=MAX_CANDIDATES, allow=filtered)
            if query.acronym and query.core:
                pool += [ni for ni in index.acronym(query.core[0].text) if allowed(ni)]
            elif len(query.core) > 1:
                spelled = initials(query)  # a name written as these initials ("NATO")
                pool += [ni for ni in index.exact(spelled) if allowed(ni)] if len(spelled) > 1 else []
            for ni in pool:
                consider(ni, self._score(query, ni))
            qualified = _split_qualifier(name)
            if qualified is not None:
                for ni, comp in self._qualified(*qualified, allowed):
                    consider(ni, comp.score, comp)
        if query is not None:
            self._full_name_decides(query, best)
        # By score; equal scores by how many names the gazetteer knows an entity
        # by (the more prominent), then gazetteer order.
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], -len(index.entities[kv[0]].names), kv[0]))
        if len(ranked) > 1 and index.entities[ranked[0][0]].type == "place":
            # Places within _TIE of the best: population decides ("Tripoli").
            top = ranked[0][1][0]
            near = [kv for kv in ranked if top - kv[1][0] < _TIE and index.entities[kv[0]].type == "place"]
            if len(near) > 1:
                near.sort(
                    key=lambda kv: (
                        -(kv[1][0] + _TIE * _prior(index.entities[kv[0]])),
                        _settlement_last(index.entities[kv[0]]),
                        kv[0],
                    )
                )
                chosen = {ei for ei, _ in near}
                ranked = near + [kv for kv in ranked if kv[0] not in chosen]
        out: list[Match] = []
        for pos, (ei, (score, ni, known)) in enumerate(ranked[:limit]):
            if score < score_cutoff:
                continue
            ent = index.entities[ei]
            matched = index.names[ni][1]
            comp = known if known is not None else self.score_name(query or parse(name), ni)
            out.append(Match(name, ent, round(score, 4), matched, self._why(ent, matched, comp, ranked, pos)))
        return out

    def _full_name_decides(self, query: ParsedName, best: dict[int, tuple[float, int, Comparison | None]]) -> None:
        """A person matched by a shorter name of theirs than the query ("Haftar" for
        "Ali Haftar") whose full name rejects the query (scores below the threshold)
        gets the full name's score: the parts the short name leaves out must not
        contradict it ("Ali" is not "Khalifa", so "Ali Haftar" is not Khalifa Haftar)."""
        index = self.index
        for ei, (score, ni, comp) in list(best.items()):
            if comp is not None or index.entities[ei].type != "person":
                continue  # an exact fold, or not a person
            if len(query.core) <= len(index.parsed_name(ni).core):
                continue
            first = index.first_name(ei)
            if first != ni:
                full = self._score(query, first)
                if full < min(score, self.threshold):  # the full name rejects the query
                    best[ei] = (full, first, None)

    def _qualified(self, head: str, qualifier: str, allowed: Callable[[int], bool]) -> list[tuple[int, Comparison]]:
        """Places and bodies named by the head of a qualified name ("Zawiya, Libya",
        "Hude (Oldenburg)", "دايرزبورغ، تينيسي"), scored by the head alone: in full
        when the qualifier is the place's country or the place itself, else
        ``QUALIFIED`` times (the qualifier was not checked)."""
        hp = parse(head)
        if not hp.core:
            return []
        index = self.index
        where = self._best(qualifier, frozenset({"place"}), None)
        if where is not None and where.score < self.threshold:
            where = None
        out = []
        for ni in dict.fromkeys(index.exact(fold(head)) + index.candidates(hp, limit=MAX_CANDIDATES)):
            ent = index.entities[index.entity_of(ni)]
            if ent.type == "person" or not allowed(ni):
                continue  # "HAFTAR, Khalifa" is a surname first, not a qualified place
            comp = self.score_name(hp, ni)
            if where is not None and (where.entity is ent or (where.entity.country or "?") == ent.country):
                comp = replace(comp, note=_join_note(comp.note, f"in {where.entity.name}"))
            else:
                note = _join_note(comp.note, f"{qualifier!r} not checked")
                comp = replace(comp, score=comp.score * QUALIFIED, note=note)
            out.append((ni, comp))
        return out

    def _why(self, ent: Entity, matched: str, comp: Comparison, ranked: list[Any], pos: int) -> str:
        lang = ent.lang_of(matched)
        head = f"matched {matched!r}" + (f" [{lang}]" if lang else "")
        if matched in ent.historic:
            head += " (historic name)"
        bits = [head, comp.explain(), f"score {comp.score:.2f}"]
        if pos == 0 and len(ranked) > 1:
            other_ei, (other_score, _, _) = ranked[1]
            if comp.score - other_score < _TIE:
                other = self.index.entities[other_ei]
                if ent.population != other.population and ent.population and other.population:
                    bits.append(f"ahead of {other.name!r} ({other.country or '?'}) by population")
                else:
                    bits.append(f"tied with {other.name!r}")
        return "; ".join(bits)

    def resolve(
        self,
        name: str,
        *,
        types: str | Collection[str] | None = None,
        country: str | None = None,
        threshold: float | None = None,
    ) -> Match | None:
        """The entity a name means, or ``None`` when nothing scores the threshold.

        Args:
            name: the name, in any script.
            types: keep only these types (``"person"``, ``"place"``, ``"org"``).
            country: keep only entities of this ISO 3166-1 alpha-2 country.
            threshold: the score needed; this resolver's threshold by default.

        Returns:
            The best Match, or ``None``.
        """
        _check_str(name)
        cut = self.threshold if threshold is None else threshold
        best = self._best(name, check_types(types), country.upper() if country else None)
        return best if best is not None and best.score >= cut else None

    def _best_uncached(self, name: str, types: frozenset[str] | None, country: str | None) -> Match | None:
        found = self.candidates(name, limit=1, types=types, country=country)
        return found[0] if found else None

    def resolve_many(
        self,
        names: Iterable[str],
        *,
        processes: int = 1,
        chunk_size: int = 256,
        types: str | Collection[str] | None = None,
        country: str | None = None,
        threshold: float | None = None,
    ) -> Iterator[Match | None]:
        """Resolve many names, yielding results in input order as they come.

        Args:
            names: the names (any iterable; it is read lazily).
            processes: worker processes; 1 resolves in this process. Workers
                start from a copy of this resolver (forked where the platform
                allows, so the index is not rebuilt).
            chunk_size: names sent to a worker at a time.
            types: keep only these types.
            country: keep only entities of this country.
            threshold: the score needed; this resolver's threshold by default.

        Yields:
            A Match or ``None`` for each name, in input order.
        """
        options: dict[str, Any] = {"types": types, "country": country, "threshold": threshold}
        if processes <= 1:
            for name in names:
                yield self.resolve(name, **options)
            return
        _ = self.index  # build once here, so that forked workers inherit it
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with ctx.Pool(processes, initializer=_init_worker, initargs=(self, options)) as pool:
            yield from pool.imap(_work, names, chunksize=max(1, chunk_size))


_worker: tuple[Resolver, dict[str, Any]] | None = None


def _init_worker(resolver: Resolver, options: dict[str, Any]) -> None:
    global _worker
    _worker = (resolver, options)


def _work(name: str) -> Match | None:
    assert _worker is not None
    resolver, options = _worker
    return resolver.resolve(name, **options)


_lock = threading.Lock()
_default: Resolver | None = None


def default_resolver() -> Resolver:
    """The resolver behind :func:`resolve` and the command line (made once, thread-safely).

    The built-in gazetteer, unless the environment names another:
    ``NAMENORM_GAZETTEER`` (a CSV/TSV/JSON Lines file) and, optionally,
    ``NAMENORM_INDEX`` (its saved index: loaded, or built and saved there).
    """
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                path = os.environ.get("NAMENORM_GAZETTEER")
                if path:
                    _default = Resolver(Gazetteer.load(path), index_path=os.environ.get("NAMENORM_INDEX") or None)
                else:
                    r = Resolver(Gazetteer.default())
                    r._index = _builtin_index(r.gazetteer)
                    _default = r
    return _default


def _builtin_index(gazetteer: Gazetteer) -> Index:
    """The built-in gazetteer's index, shipped beside it; built here if it is stale."""
    try:
        with files("namenorm.data").joinpath("gazetteer.nnidx").open("rb") as fh:
            return Index.read(fh, gazetteer, "built-in index")
    except (OSError, IndexFileError):
        return Index(gazetteer)  # a development tree whose index was not rebuilt


def _reset_default() -> None:
    global _default
    with _lock:
        _default = None


def resolve(
    name: str,
    *,
    types: str | Collection[str] | None = None,
    country: str | None = None,
    threshold: float | None = None,
) -> Match | None:
    """Resolve a name against the built-in gazetteer.

    >>> resolve("Gawishoglu").entity.name
    'Mevlüt Çavuşoğlu'

    See :meth:`Resolver.resolve` for the arguments.
    """
    return default_resolver().resolve(name, types=types, country=country, threshold=threshold)


def candidates(
    name: str,
    *,
    limit: int = 5,
    types: str | Collection[str] | None = None,
    country: str | None = None,
) -> list[Match]:
    """The best candidates for a name in the built-in gazetteer, best first.

    See :meth:`Resolver.candidates` for the arguments.
    """
    return default_resolver().candidates(name, limit=limit, types=types, country=country)


def resolve_many(
    names: Iterable[str],
    *,
    processes: int = 1,
    types: str | Collection[str] | None = None,
    country: str | None = None,
    threshold: float | None = None,
) -> Iterator[Match | None]:
    """Resolve many names against the built-in gazetteer, in input order.

    See :meth:`Resolver.resolve_many` for the arguments.
    """
    return default_resolver().resolve_many(
        names, processes=processes, types=types, country=country, threshold=threshold
    )
