"""From matching keys to gazetteer names: candidate generation.

Every name of every entity is parsed once, when the index is built. Each core
part contributes blocking keys: its two transliteration skeletons and the
skeletons with one consonant deleted (so that one consonant added, dropped or
changed still meets), its jellyfish Metaphone code, and the whole name's
joined skeleton. A query makes the same keys; the names that share the most
(rarest first) are the candidates that get a full score. No query ever scans
every name.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Iterable

from namenorm._config import MAX_CANDIDATES
from namenorm.gazetteer import Entity, Gazetteer
from namenorm.keys import phonetic_key
from namenorm.parts import ParsedName, parse

__all__ = ["Index"]

# Keys carried by more than 0.5% of the names (and at least this many) say
# little; they are skipped when the query has rarer ones.
_COMMON_KEY_MIN = 32


def _deletions(s: str) -> Iterable[str]:
    if len(s) >= 3:
        for i in range(len(s)):
            yield s[:i] + s[i + 1 :]


def _keys(p: ParsedName) -> tuple[set[str], set[str]]:
    """(close keys, loose keys): exact forms first, then one-consonant edits and Metaphone."""
    close: set[str] = set()
    loose: set[str] = set()
    for part in p.core:
        if len(part.text) == 1:
            continue
        close.add("f:" + part.text)
        for k in part.keys:
            close.add("s:" + k)
        for d in _deletions(part.keys[0]):
            loose.add("s:" + d)
        m = phonetic_key(part.text)
        if m:
            loose.add("m:" + m)
    if len(p.core) > 1 or (p.core and p.joined != p.core[0].text):
        close.add("j:" + p.joined_keys[0])
    return close, loose - close


def name_keys(p: ParsedName) -> set[str]:
    """The blocking keys of a parsed name: its parts' folds and skeletons,
    the skeletons less one consonant, Metaphone codes, the joined skeleton."""
    close, loose = _keys(p)
    return close | loose


class Index:
    """Keys → gazetteer names → entities.

    Args:
        gazetteer: the entities to index.
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.entities: list[Entity] = list(gazetteer)
        #: (entity position, name) for every indexed name
        self.names: list[tuple[int, str]] = []
        self.parsed: list[ParsedName] = []
        postings: dict[str, list[int]] = defaultdict(list)
        for ei, ent in enumerate(self.entities):
            seen: set[str] = set()
            for name in ent.names:
                pn = parse(name)
                if not pn.core or pn.folded in seen:
                    continue
                seen.add(pn.folded)
                ni = len(self.names)
                self.names.append((ei, name))
                self.parsed.append(pn)
                if pn.rough:
                    continue  # matched only by its exact fold (see score.py)
                for key in name_keys(pn):
                    postings[key].append(ni)
        self.postings: dict[str, list[int]] = dict(postings)
        self._total = max(1, len(self.names))
        #: folded name -> positions of the names that fold to it
        self.by_fold: dict[str, list[int]] = defaultdict(list)
        for ni, pn in enumerate(self.parsed):
            self.by_fold[pn.folded].append(ni)
        self.by_fold = dict(self.by_fold)
        self._common = max(_COMMON_KEY_MIN, self._total // 200)
        longest = max((len(p) for p in self.postings.values()), default=1)
        # idf by posting length, computed once
        self._idf = [0.0] + [math.log(1 + self._total / k) for k in range(1, longest + 1)]
        #: number of core parts of each name
        self.core_sizes: list[int] = [len(pn.core) for pn in self.parsed]

    def _accumulate(self, keys: list[str], weight: dict[int, float]) -> None:
        postings = self.postings
        found = [postings[k] for k in keys if k in postings]
        rare = [plist for plist in found if len(plist) <= self._common]
        idf = self._idf
        for plist in rare or found:
            w = idf[len(plist)]
            for ni in plist:
                weight[ni] += w

    def candidates(
        self, query: ParsedName, *, limit: int = MAX_CANDIDATES, allow: Callable[[int], bool] | None = None
    ) -> list[int]:
        """Positions (in :attr:`names`) of the names most likely to match ``query``.

        Args:
            query: the parsed query.
            limit: how many entities at most (with up to two names each).
            allow: keep only the name positions for which this is true.

        Returns:
            Name positions, best first; deterministic.
        """
        close, loose = _keys(query)
        weight: dict[int, float] = defaultdict(float)
        self._accumulate(sorted(close), weight)
        if len(weight) < limit:
            # Too few by exact keys: widen to one-consonant edits and Metaphone.
            self._accumulate(sorted(loose), weight)
        if not weight:
            return []
        # Parts the query lacks cost, as in the score: "Haftar" is nearer the
        # alias "Haftar" than "Belgassem Haftar".
        n = len(query.core)
        size = self.core_sizes
        ranked = heapq.nsmallest(
            limit * 4,
            ((-w / (1.0 + 0.3 * abs(size[ni] - n)), ni) for ni, w in weight.items() if allow is None or allow(ni)),
        )
        # At most two names of one entity, so that one entity's many aliases
        # do not crowd out the others.
        out: list[int] = []
        per_entity: dict[int, int] = {}
        entities = 0
        for _, ni in ranked:
            ei = self.names[ni][0]
            seen = per_entity.get(ei, 0)
            if seen >= 2:
                continue
            if not seen:
                entities += 1
                if entities > limit:
                    break
            per_entity[ei] = seen + 1
            out.append(ni)
        return out
