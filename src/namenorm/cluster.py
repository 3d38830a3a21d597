"""Group the spellings of one person, place or organisation: :func:`cluster`.

::

    >>> from namenorm.cluster import cluster
    >>> [c.names for c in cluster(["Gaddafi", "Qaddafi", "Sergey Lavrov", "Лавров"])]
    [('Gaddafi', 'Qaddafi'), ('Sergey Lavrov', 'Лавров')]

How names are grouped
=====================
1. *Nodes.* Every distinct input string is parsed (:func:`namenorm.parts.parse`).
   Strings with the same folded form (and the same kind of script) are one
   node: "Лавров" and "Lavrov", "GADDAFI" and "Gaddafi". A string with no
   letters is a node of its own and stays alone. Nodes are numbered in sorted
   order, so nothing below depends on the order of the input.
2. *Entities* (``resolve=True``). Each node goes to :meth:`Resolver.resolve`.
   A resolution counts only when it explains the whole name
   (:func:`_explained`): every part paired with a part of the matched name at
   :data:`PAIR_MIN` or more and none left over, except that a lone family
   name may stand for a person ("Haftar") and a lone head word for a place or
   organisation ("Wagner"). Nodes of one entity start as one cluster ("القذافي"
   and "Gaddafi" meet through Muammar Gaddafi even where their spellings alone
   would not); clusters of two entities never merge. A name whose parts'
   transliteration skeletons are those of no gazetteer name could not be
   explained, so it is not sent to the resolver (:func:`_may_resolve`).
3. *Blocking.* Each node has the keys of :func:`namenorm.index.name_keys`
   plus one key per pair of its parts (the pair's transliteration skeletons,
   in either order: "HAMIEH, Jamil" and "Jamil Hamie" share one). A key
   shared by more than :data:`MAX_BLOCK` nodes is not a block: it says little
   and would cost much. Each node is scored against the :data:`NEIGHBOURS`
   nodes that share the most keys with it (a key of at most :data:`RARE_BLOCK`
   nodes counting twice); a node whose every key is over-common is scored
   against its alphabetical neighbours within its rarest key. No run scores
   all pairs.
4. *Pair scores.* :func:`namenorm.score.compare_parsed`, except that two names
   whose aligned parts include a clear mismatch (a part pair below
   :data:`PART_CONFLICT`) score 0: "Ayman Sabawi Ibrahim Hasan" and "Omar
   Sabawi Ibrahim Hasan" are brothers, though ``compare`` gives them 0.81.
5. *Edges.* A scored pair at or above the threshold is an edge, unless one
   name has parts the other lacks and the shorter is not specific: its parts
   are so common in the input that it would meet another name by chance
   (:func:`_specificity`). "Haftar" beside "Khalifa Haftar" and "Saddam
   Haftar" links to neither (only the gazetteer can say which it is).
6. *Linkage.* Edges are taken best first (ties in node order), and merge two
   clusters only when they agree as wholes: every cross pair scores at least
   ``threshold - FLOOR_MARGIN`` and the cross pairs' mean reaches the
   threshold (average linkage). So "Mohamed Ali Hassan" ~ "Mohamed Ali" ~
   "Mohamed Ali Omar" does not chain the first and the last. Clusters too big
   to check pair by pair are checked on an even sample of
   :data:`CROSS_SIDE` members each.
7. *Labels.* A cluster's label is its most frequent input spelling; ties go to
   the spelling with the most name parts, then Latin script, then not all
   upper-case, then code-point order. Clusters are sorted by label, then names.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import threading
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations, product
from typing import IO, TYPE_CHECKING, Any, TextIO
from weakref import WeakKeyDictionary

from namenorm.gazetteer import Entity, Gazetteer, GazetteerError
from namenorm.index import name_keys
from namenorm.parts import TITLES, ParsedName, joined_keys, parse
from namenorm.resolve import Resolver, default_resolver
from namenorm.score import compare_parsed

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

__all__ = ["Cluster", "cluster", "run_cluster_cli", "CLUSTER_THRESHOLD"]

#: The mean cross-pair score two clusters need to merge (average linkage).
CLUSTER_THRESHOLD = 0.80
#: No cross pair of a merge may score below ``threshold - FLOOR_MARGIN``.
FLOOR_MARGIN = 0.20
#: A cross pair whose aligned parts include one scoring below this is a clear conflict.
PART_CONFLICT = 0.6
#: Every aligned part of a resolution that counts scores at least this.
PAIR_MIN = 0.9
#: A resolution through the names written together counts from this score.
JOINED_MIN = 0.9
#: A name with parts left over links only if it is this specific (see _specificity).
SPEC_MARGIN = 0.0
#: Keys shared by more nodes than this are not used as blocks.
MAX_BLOCK = 100
#: Keys shared by at most this many nodes count double when ranking neighbours.
RARE_BLOCK = 10
#: A neighbour must share this much (a rare key counts 2, another 1).
MIN_SHARED = 2
#: How many candidate neighbours of each node get a full score.
NEIGHBOURS = 6
#: Window (each side) for nodes whose every key is over-common.
WINDOW = 8
#: Clusters whose cross pairs outnumber CROSS_SIDE² are checked on this many members each.
CROSS_SIDE = 16
#: Most core parts of one name that make pair keys (the first ones).
PAIR_PARTS = 6


@dataclass(frozen=True, slots=True, repr=False)
class Cluster:
    """The spellings of one person, place or organisation.

    Attributes:
        names: the distinct input spellings, sorted.
        entity: the gazetteer entity the cluster resolved to, or ``None``.
        label: a representative spelling: the most frequent one in the input.
    """

    names: tuple[str, ...]
    entity: Entity | None
    label: str

    def __repr__(self) -> str:
        entity = self.entity.id if self.entity else None
        return f"Cluster(label={self.label!r}, entity={entity!r}, names={self.names!r})"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: label, entity id, name and type (or ``None``), names."""
        e = self.entity
        return {
            "label": self.label,
            "id": e.id if e else None,
            "entity": e.name if e else None,
            "type": e.type if e else None,
            "names": list(self.names),
        }


_Rank = tuple[int, int, bool, bool, str]


@dataclass(slots=True)
class _Node:
    strings: list[str]
    parsed: ParsedName | None  # None: no letters, never linked
    ranks: list[_Rank]  # each string's place in the label order, best first


def _count(names: Iterable[str]) -> Counter[str]:
    if isinstance(names, str):
        raise TypeError("names must be an iterable of str, not a single str")
    counts: Counter[str] = Counter()
    for i, name in enumerate(names):
        if not isinstance(name, str):
            raise TypeError(f"names[{i}] must be a str, not {type(name).__name__}")
        counts[name] += 1
    return counts


def _nodes(counts: Counter[str]) -> list[_Node]:
    """Group the distinct strings into nodes, in sorted order."""
    by_key: dict[tuple[str, bool], _Node] = {}
    alone: list[_Node] = []
    for s in sorted(counts):
        p = parse(s)
        # The label order: most frequent, most parts, Latin script, not all upper-case, code points.
        rank = (-counts[s], -len(p.core), p.script != "latin", s.isupper(), s)
        if not p.core:
            alone.append(_Node([s], None, [rank]))
            continue
        key = (p.folded, p.rough)
        node = by_key.get(key)
        if node is None:
            by_key[key] = _Node([s], p, [rank])
        else:
            node.strings.append(s)
            node.ranks.append(rank)
    nodes = [by_key[k] for k in sorted(by_key)] + alone
    for node in nodes:
        node.ranks.sort()
    return nodes


def _pair_keys(p: ParsedName) -> set[str]:
    parts = [q for q in p.core if len(q.text) > 1][:PAIR_PARTS]
    keys: set[str] = set()
    for a, b in combinations(parts, 2):
        for ka, kb in zip(a.keys, b.keys):
            if ka and kb:
                keys.add("p:" + (f"{ka}+{kb}" if ka <= kb else f"{kb}+{ka}"))
    return keys


def _node_keys(p: ParsedName) -> set[str]:
    return name_keys(p) | _pair_keys(p)


def _candidate_pairs(keys: list[set[str]]) -> set[tuple[int, int]]:
    """Pairs of node positions worth a full score (i < j), from shared keys."""
    postings: dict[str, list[int]] = defaultdict(list)
    for i, ks in enumerate(keys):
        for k in ks:
            postings[k].append(i)
    pairs: set[tuple[int, int]] = set()
    for i, ks in enumerate(keys):
        # Each shared key counts once, a rare one twice. Integer counts and sorted keys keep ties
        # (broken by first appearance) the same from run to run.
        bag: list[int] = []
        rarest: list[int] | None = None
        for k in sorted(ks):
            plist = postings[k]
            df = len(plist)
            if df > MAX_BLOCK:
                if rarest is None or df < len(rarest):
                    rarest = plist
            elif df > 1:
                bag += plist
                if df <= RARE_BLOCK:
                    bag += plist
        counts = Counter(bag)
        del counts[i]
        if counts:
            for j, c in counts.most_common(NEIGHBOURS):
                if c < MIN_SHARED:
                    break
                pairs.add((i, j) if i < j else (j, i))
        elif rarest is not None:
            # Every key is over-common: the alphabetical neighbours within the rarest one.
            pos = bisect_left(rarest, i)
            for j in rarest[max(0, pos - WINDOW) : pos + WINDOW + 1]:
                if j != i:
                    pairs.add((i, j) if i < j else (j, i))
    return pairs


def _explained(query: ParsedName, entity: Entity, matched: str) -> bool:
    """Whether a resolution explains the whole query (see the module docstring)."""
    target = parse(matched)
    comp = compare_parsed(query, target)
    if comp.method == "exact":
        return True
    if comp.method == "joined":
        return comp.score >= JOINED_MIN
    if comp.method != "parts":
        return False
    if any(ps.method == "initial" or ps.score < PAIR_MIN for ps in comp.pairs):
        return False
    if entity.type != "person" and any(p.optional and p.text in TITLES for p in query.parts):
        return False  # "King Sam" is not a place called Sam
    if not comp.extra:
        return True
    if len(query.core) != 1:
        return False  # some part of one name is not in the other
    # A lone part: a person's family (last) name, or the head (first) word of a place or org.
    text = query.core[0].text
    head = target.core[-1].text if entity.type == "person" else target.core[0].text
    return any({ps.a, ps.b} <= {text, head} for ps in comp.pairs)


_VOCABULARIES: WeakKeyDictionary[Resolver, frozenset[str]] = WeakKeyDictionary()
_VOCABULARY_LOCK = threading.Lock()
# Most combinations of readings tried for one name's signature.
_MAX_SIGNATURES = 64


def _signatures(p: ParsedName, lone: bool) -> set[str]:
    """What a name must share with a gazetteer name for :func:`_explained` to accept it.

    That is the multiset of its parts' transliteration skeletons (any reading
    of each part), or its joined skeleton; for a lone part (``lone``), the
    skeleton of any one part.
    """
    out = {"j:" + k for k in joined_keys(p)}
    if lone:
        out.update("1:" + k for part in p.core for k in part.keys)
        return out
    combos = 1
    for part in p.core:
        combos *= len(set(part.keys))
    if combos <= _MAX_SIGNATURES:
        for combo in product(*(sorted(set(part.keys)) for part in p.core)):
            out.add("n:" + "+".join(sorted(combo)))
    return out


def _vocabulary(resolver: Resolver) -> frozenset[str]:
    """The signatures of every name in a resolver's index (built once per resolver)."""
    with _VOCABULARY_LOCK:
        vocab = _VOCABULARIES.get(resolver)
        if vocab is None:
            index = resolver.index
            sigs: set[str] = set()
            for ni in range(len(index)):
                p = index.parsed[ni]
                sigs |= _signatures(p, lone=True) | _signatures(p, lone=False)
            vocab = _VOCABULARIES[resolver] = frozenset(sigs)
    return vocab


def _may_resolve(q: ParsedName, vocab: frozenset[str]) -> bool:
    """Whether a name shares a signature with some gazetteer name; if not, the resolver is not asked."""
    return not vocab.isdisjoint(_signatures(q, lone=len(q.core) == 1))


def _resolve_nodes(nodes: list[_Node], resolver: Resolver) -> list[Entity | None]:
    """The entity each node resolves to and that explains it, or ``None``."""
    vocab = _vocabulary(resolver)
    out: list[Entity | None] = []
    for node in nodes:
        q = node.parsed
        entity = None
        if q is not None and _may_resolve(q, vocab):
            match = resolver.resolve(node.strings[0])
            if match is not None and _explained(q, match.entity, match.name):
                entity = match.entity
        out.append(entity)
    return out


def _link_score(pa: ParsedName, pb: ParsedName) -> tuple[float, bool]:
    """The score of two names (0.0 when two aligned parts clearly disagree), and whether parts were left over."""
    comp = compare_parsed(pa, pb)
    if comp.method == "parts" and any(ps.score < PART_CONFLICT for ps in comp.pairs):
        return 0.0, bool(comp.extra)
    return comp.score, bool(comp.extra)


def _spread(members: list[int], k: int) -> list[int]:
    """At most ``k`` members, evenly spread over the list."""
    if len(members) <= k:
        return members
    return [members[t * len(members) // k] for t in range(k)]


class _Linkage:
    """Union-find over nodes, merging whole clusters only when they agree."""

    def __init__(self, parsed: list[ParsedName | None], entities: list[Entity | None], threshold: float) -> None:
        self.parsed = parsed
        self.parent = list(range(len(parsed)))
        self.members: dict[int, list[int]] = {i: [i] for i in range(len(parsed))}
        self.entity: dict[int, Entity | None] = dict(enumerate(entities))
        self.threshold = threshold
        self.floor = threshold - FLOOR_MARGIN
        self.scores: dict[tuple[int, int], float] = {}
        self.partial: set[tuple[int, int]] = set()

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def score(self, i: int, j: int) -> float:
        key = (i, j) if i < j else (j, i)
        s = self.scores.get(key)
        if s is None:
            pa, pb = self.parsed[i], self.parsed[j]
            s, extra = _link_score(pa, pb) if pa is not None and pb is not None else (0.0, False)
            self.scores[key] = s
            if extra:
                self.partial.add(key)
        return s

    def union(self, ra: int, rb: int) -> int:
        if ra > rb:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        entity = self.entity.pop(rb)
        if self.entity[ra] is None:
            self.entity[ra] = entity
        return ra

    def agree(self, ra: int, rb: int) -> bool:
        """Whether two clusters may merge: no clear conflict, and a mean cross score at the threshold.

        Clusters of two different entities never agree. Large clusters are checked on an evenly
        spread sample of their members.
        """
        ea, eb = self.entity[ra], self.entity[rb]
        if ea is not None and eb is not None and ea.id != eb.id:
            return False
        ma, mb = self.members[ra], self.members[rb]
        if len(ma) * len(mb) > CROSS_SIDE * CROSS_SIDE:
            ma, mb = _spread(ma, CROSS_SIDE), _spread(mb, CROSS_SIDE)
        total = 0.0
        n = 0
        for a in ma:
            for b in mb:
                s = self.score(a, b)
                if s < self.floor:
                    return False
                total += s
                n += 1
        return total >= self.threshold * n

    def link(self, edges: list[tuple[float, int, int]]) -> None:
        """Merge along edges, best first, where the whole clusters agree."""
        for _s, i, j in edges:
            ra, rb = self.find(i), self.find(j)
            if ra != rb and self.agree(ra, rb):
                self.union(ra, rb)


def _specificity(nodes: list[_Node]) -> list[float]:
    """How unlikely each name is to match another by chance: sum of -ln(part frequency), less ln(N)."""
    df: Counter[str] = Counter()
    for node in nodes:
        if node.parsed is not None:
            df.update({p.keys[0] for p in node.parsed.core if len(p.text) > 1})
    n = max(2, len(nodes))
    out = []
    for node in nodes:
        if node.parsed is None:
            out.append(0.0)
            continue
        bits = sum(math.log(n / df[p.keys[0]]) for p in node.parsed.core if len(p.text) > 1)
        out.append(bits - math.log(n))
    return out


def _edges(link: _Linkage, nodes: list[_Node], keys: list[set[str]]) -> list[tuple[float, int, int]]:
    """Scored candidate pairs at or above the threshold, best first, ties in node order."""
    spec = _specificity(nodes)
    edges = []
    for i, j in _candidate_pairs(keys):
        s = link.score(i, j)
        if s < link.threshold:
            continue
        if (i, j) in link.partial:
            # Parts left over: only a name specific enough may stand for a longer one.
            a, b = link.parsed[i], link.parsed[j]
            short = i if a is not None and b is not None and len(a.core) < len(b.core) else j
            if spec[short] < SPEC_MARGIN:
                continue
        edges.append((-s, i, j))
    edges.sort()
    return [(-s, i, j) for s, i, j in edges]


def cluster(
    names: Iterable[str],
    *,
    threshold: float | None = None,
    resolver: Resolver | None = None,
    gazetteer: Gazetteer | None = None,
    resolve: bool = True,
) -> list[Cluster]:
    """Group names that are spellings of one person, place or organisation.

    Works whether or not the gazetteer knows the entity; a cluster that
    resolves to a gazetteer entity carries it. The result does not depend on
    the order of ``names``. See the module docstring for how it works.

    Args:
        names: the names, in any script; repeats count towards the label.
        threshold: the mean cross-pair score two groups need to merge;
            :data:`CLUSTER_THRESHOLD` by default. Higher gives smaller,
            purer clusters.
        resolver: resolve against this resolver's gazetteer.
        gazetteer: resolve against this gazetteer (ignored with ``resolver``);
            the built-in one when neither is given.
        resolve: ``False`` to skip the gazetteer: every ``entity`` is ``None``.

    Returns:
        One :class:`Cluster` per group, every distinct input string in
        exactly one, sorted by label then names.

    Raises:
        TypeError: if ``names`` is a ``str`` or holds anything but ``str``
            (the message names the position).
        ValueError: if ``threshold`` is not between 0 and 1.
    """
    counts = _count(names)
    thr = CLUSTER_THRESHOLD if threshold is None else float(threshold)
    if not 0.0 <= thr <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
    nodes = _nodes(counts)
    keys = [_node_keys(n.parsed) if n.parsed is not None else set() for n in nodes]
    entities: list[Entity | None] = [None] * len(nodes)
    if resolve:
        if resolver is None:
            resolver = Resolver(gazetteer) if gazetteer is not None else default_resolver()
        entities = _resolve_nodes(nodes, resolver)
    link = _Linkage([n.parsed for n in nodes], entities, thr)
    # Nodes that resolve to one entity go together from the start.
    first: dict[str, int] = {}
    for i, entity in enumerate(entities):
        if entity is not None:
            if entity.id in first:
                link.union(link.find(first[entity.id]), link.find(i))
            else:
                first[entity.id] = i
    link.link(_edges(link, nodes, keys))
    out = []
    for root, members in link.members.items():
        label = min(nodes[m].ranks[0] for m in members)[-1]
        strings = sorted(s for m in members for s in nodes[m].strings)
        out.append(Cluster(tuple(strings), link.entity[root], label))
    out.sort(key=lambda c: (c.label, c.names))
    return out


# ---------------------------------------------------------------------------------------------
# Command line: ``namenorm cluster FILE``
# ---------------------------------------------------------------------------------------------

_PROG = "namenorm cluster"


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def __init__(self, out: TextIO, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.out = out

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message}")

    def print_help(self, file: SupportsWrite[str] | None = None) -> None:
        super().print_help(file if file is not None else self.out)


def _parser(out: TextIO) -> argparse.ArgumentParser:
    ap = _Parser(
        out,
        prog=_PROG,
        description="Group the spellings of one person, place or organisation. "
        "Reads one name a line; prints one cluster a line: label, entity id (or -), names.",
    )
    ap.add_argument("file", nargs="?", default="-", metavar="FILE", help="names, one a line ('-' or omitted: stdin)")
    ap.add_argument("--json", action="store_true", help="JSON Lines output: label, id, entity, type, names")
    ap.add_argument("--threshold", type=float, default=None, help=f"merge threshold (default {CLUSTER_THRESHOLD})")
    ap.add_argument("--no-resolve", action="store_true", help="do not look names up in the gazetteer")
    ap.add_argument("-g", "--gazetteer", metavar="PATH", help="a CSV/TSV/JSONL gazetteer instead of the built-in one")
    return ap


def _read_lines(stream: IO[bytes], label: str, err: TextIO) -> tuple[list[str], bool]:
    """The names of a byte stream, and whether a bad line was reported."""
    names: list[str] = []
    bad = False
    for lineno, raw in enumerate(stream, start=1):
        raw = raw.rstrip(b"\r\n")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            print(f"{_PROG}: {label}: line {lineno}: invalid UTF-8 at byte {exc.start}", file=err)
            bad = True
            continue
        if lineno == 1:
            text = text.lstrip("\ufeff")
        text = text.strip()
        if text:
            names.append(text)
    return names, bad


def _format(c: Cluster) -> str:
    return f"{c.label}\t{c.entity.id if c.entity else '-'}\t{' | '.join(c.names)}"


def run_cluster_cli(
    argv: list[str],
    *,
    stdin: IO[bytes] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run ``namenorm cluster``: one name a line in, one cluster a line out.

    Text output is ``label<TAB>entity id or -<TAB>name | name | ...``;
    ``--json`` prints :meth:`Cluster.to_dict` as JSON Lines.

    Args:
        argv: the arguments after ``cluster``.
        stdin: the byte stream read for ``-`` (``sys.stdin.buffer`` by default).
        stdout: where clusters go (``sys.stdout`` by default).
        stderr: where messages go (``sys.stderr`` by default).

    Returns:
        0 on success, 1 when some line was not valid UTF-8 (the others are
        still clustered), 2 on a usage error or a file that cannot be read.
    """
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    try:
        args = _parser(out).parse_args(argv)
    except _UsageError as exc:
        print(exc, file=err)
        print(f"usage: {_PROG} [--json] [--threshold T] [FILE]   ({_PROG} --help for more)", file=err)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        print(f"{_PROG}: --threshold must be between 0 and 1", file=err)
        return 2
    try:
        gazetteer = Gazetteer.load(args.gazetteer) if args.gazetteer else None
    except GazetteerError as exc:
        print(f"{_PROG}: {exc}", file=err)
        return 2
    try:
        if args.file == "-":
            names, bad = _read_lines(stdin if stdin is not None else sys.stdin.buffer, "<stdin>", err)
        else:
            with open(args.file, "rb") as fh:
                names, bad = _read_lines(fh, args.file, err)
    except OSError as exc:
        print(f"{_PROG}: cannot read {args.file}: {exc.strerror or exc}", file=err)
        return 2
    clusters = cluster(names, threshold=args.threshold, gazetteer=gazetteer, resolve=not args.no_resolve)
    try:
        for line in _lines_out(clusters, args.json):
            print(line, file=out)
    except BrokenPipeError:
        return 0
    return 1 if bad else 0


def _lines_out(clusters: list[Cluster], as_json: bool) -> Iterator[str]:
    for c in clusters:
        yield json.dumps(c.to_dict(), ensure_ascii=False) if as_json else _format(c)
