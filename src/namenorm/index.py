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

import math
from collections import defaultdict
from collections.abc import Iterable

from namenorm._config import MAX_CANDIDATES
from namenorm.gazetteer import Entity, Gazetteer
from namenorm.keys import phonetic_key
from namenorm.parts import ParsedName, parse

__all__ = ["Index"]

# Keys carried by more names than this say little; they are skipped when the
# query has rarer ones.
_COMMON_KEY = 5000


def _deletions(s: str) -> Iterable[str]:
    if len(s) >= 3:
        for i in range(len(s)):
            yield s[:i] + s[i + 1 :]


def name_keys(p: ParsedName) -> set[str]:
    """The blocking keys of a parsed name."""
    keys: set[str] = set()
    for part in p.core:
        if len(part.text) == 1:
            continue
        for k in part.keys:
            keys.add("s:" + k)
        for d in _deletions(part.keys[0]):
            keys.add("s:" + d)
        keys.add("f:" + part.text)
        m = phonetic_key(part.text)
        if m:
            keys.add("m:" + m)
    if len(p.core) > 1 or (p.core and p.joined != p.core[0].text):
        keys.add("j:" + p.joined_keys[0])
    return keys


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
                for key in name_keys(pn):
                    postings[key].append(ni)
        self.postings: dict[str, list[int]] = dict(postings)
        self._total = max(1, len(self.names))

    def candidates(self, query: ParsedName, *, limit: int = MAX_CANDIDATES) -> list[int]:
        """Positions (in :attr:`names`) of the names most likely to match ``query``.

        Args:
            query: the parsed query.
            limit: how many to return at most.

        Returns:
            Name positions, best first; deterministic.
        """
        keys = sorted(name_keys(query))
        found = [(k, self.postings[k]) for k in keys if k in self.postings]
        if not found:
            return []
        rare = [kp for kp in found if len(kp[1]) <= _COMMON_KEY]
        if rare:
            found = rare
        weight: dict[int, float] = defaultdict(float)
        for _key, plist in found:
            idf = math.log(1 + self._total / len(plist))
            for ni in plist:
                weight[ni] += idf
        ranked = sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))
        return [ni for ni, _ in ranked[:limit]]
