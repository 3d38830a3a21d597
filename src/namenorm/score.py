"""Compare two names: align their parts, score each pair, combine into 0–1.

How a score is made
===================
1. Both names are parsed (:mod:`namenorm.parts`); identical folds score 1.
2. Every core part of one name is compared with every core part of the other.
   A pair's similarity is the best of

   - *spelling*: RapidFuzz's normalised Indel similarity of the folded parts;
   - *skeleton*: the same on the transliteration skeletons
     (:mod:`namenorm.keys`), in the best of its readings, times a
     confidence that grows with the skeleton's length (two consonants agree
     by chance far more often than five), less ``SPELLING_DOUBT`` times the
     spelling's distance (Sissi and Sochi share consonants, little else);
   - *sound*: the same on both parts spelled as they sound, vowels kept
     (:func:`namenorm.keys.sound_spelling`: Bay = Bai, Nodzima = Nojima,
     -vich = -witsch), times ``SOUND_FACTOR`` (0.97);
   - *arabic sound*: for a part romanised from Arabic script against one in
     another script, both sound spellings as Arabic script would write them
     (e = i, o = u, p = b, v = f: كونتي = Conte), times ``SOUND_FACTOR``; the
     skeleton's spelling doubt then counts from the better of the two;
   - *initial*: a one-letter part against a part starting with that letter.
3. Pairs are taken greedily, best first, until one name runs out of parts.
   When names have several pairs, a pair below ``AGREE`` (0.85) is evidence
   *against* a match and counts negatively, ``s - CONFLICT * (AGREE - s)``:
   "Saddam Haftar" is not "Khalifa Haftar", and "Raúl Castillo" is not
   "Raúl Castro", though the surnames look alike. A name of initials only
   ("N. N.") scores at most ``INITIALS_ONLY``.
4. The weighted mean of the pairs (short parts weigh less) is multiplied by
   ``1 - EXTRA`` for each part of the longer name left unpaired, down to
   ``1 - MAX_EXTRA``, or by ``1 - EXTRA_FRONT`` a part when the unpaired ones
   all come before the paired ones (given names left out: "Lavrov" is "Sergey
   Viktorovich Lavrov", with less certainty than "Sergey Lavrov" is) or all
   between them (a nasab or middle names: "Abdel Fattah Saeed Hussein Khalil
   el-Sisi" is "Abdel Fattah el-Sisi").
5. When the names have different numbers of parts, the concatenated names
   are compared as well ("SergeiLavrov", "Abdulhamid"), and the better
   result stands.
6. Names written mostly in different scripts that fold to the same letters
   score ``CROSS_SCRIPT`` (0.98), not 1: romanisation loses a little
   certainty, so "Khoms" is first the town that is written so, and then the
   Homs that Russian writes "Хомс". A name in a script namenorm has no
   romaniser of its own for (CJK, Indic, ...) is compared with names in other
   scripts by the spelling of Unidecode's reading alone, parts and written
   together, times ``ROUGH`` (0.95).

Every figure the explanation shows is one this computation used.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Indel

from namenorm.keys import skeletons, sound_spelling
from namenorm.normalize import _check_str
from namenorm.parts import ParsedName, Part, joined_keys, parse

__all__ = ["compare", "Comparison", "PairScore", "DEFAULT_THRESHOLD"]

#: The score at which a name is taken to match. Calibrated on OpenSanctions'
#: labelled pairs and on Arabic and Cyrillic transliteration pairs; see the
#: README's benchmark table.
DEFAULT_THRESHOLD = 0.80

AGREE = 0.85
CONFLICT = 1.5
EXTRA = 0.07
EXTRA_FRONT = 0.04
MAX_EXTRA = 0.25
JOINED_FACTOR = 0.95
INITIALS_ONLY = 0.6
# An acronym in capitals that spells the other name's initials (GNA, NATO).
ACRONYM = 0.9
SOUND_FACTOR = 0.97
# A match through romanisation is a little less certain than one in the same
# script: a Latin "Khoms" meets the Russian "Хомс" of Homs, but its own name first.
CROSS_SCRIPT = 0.98
# Unidecode's reading of a script namenorm has no romaniser for (CJK, Indic,
# ...) is compared with Latin names by spelling alone (no skeletons: the
# reading is too rough for them), and counts a little less.
ROUGH = 0.95
# Confidence in a skeleton match by the skeleton's length (index = length).
_SKELETON_CONFIDENCE = (0.0, 0.75, 0.92, 0.95, 0.97, 0.98)
# How much a skeleton match loses for each point of spelling difference: the
# same consonants with different letters throughout (Sissi, Sochi) are weak.
SPELLING_DOUBT = 0.2


@dataclass(frozen=True, slots=True)
class PairScore:
    """One aligned pair of name parts and how they matched."""

    a: str
    b: str
    score: float
    method: str  #: "exact", "spelling", "sound", "arabic sound", "skeleton", "initial"
    key: str = ""  #: the skeleton that matched, for "skeleton"


@dataclass(frozen=True, slots=True)
class Comparison:
    """The full result of comparing two names."""

    score: float
    method: str  #: "exact", "parts", "joined", "acronym" or "code"
    pairs: tuple[PairScore, ...] = ()
    extra: tuple[str, ...] = ()  #: unpaired parts of the longer name
    strict_extra: bool = False  #: the resolver charged the unpaired parts of a place or body
    note: str = ""  #: what else the resolver charged ("not a district")

    def explain(self) -> str:
        """A one-line, human-readable account of the score."""
        text = self._explain_parts()
        return f"{text}; {self.note}" if self.note else text

    def _explain_parts(self) -> str:
        if self.method == "exact":
            return "same normal form" if self.score == 1.0 else "same normal form, across scripts"
        if self.method == "acronym":
            return "acronym of the name's initials"
        if self.method == "code":
            return "a code, which matches only as written"
        if self.method == "joined":
            return f"names written together match ({self.pairs[0].method} {self.pairs[0].score:.2f})"
        bits = []
        for p in self.pairs:
            if p.method == "exact":
                bits.append(f"{p.a}={p.b}")
            elif p.method == "skeleton":
                bits.append(f"{p.a}~{p.b} skeleton {p.key} {p.score:.2f}")
            else:
                bits.append(f"{p.a}~{p.b} {p.method} {p.score:.2f}")
        if self.extra:
            charge = " (charged for a place or body)" if self.strict_extra else ""
            bits.append("unmatched " + " ".join(self.extra) + charge)
        return "; ".join(bits)


def _best_skeleton(ka: tuple[str, ...], kb: tuple[str, ...]) -> tuple[float, str]:
    """The best skeleton similarity over the readings, weighed by its length."""
    best, key = -1.0, ""
    done: set[tuple[str, str]] = set()  # readings often agree: score each pair once
    for x, y in zip(ka, kb):
        if (x, y) in done:
            continue
        done.add((x, y))
        if x == y:
            sim = _SKELETON_CONFIDENCE[min(len(x), 5)] if x else 0.0
        else:
            sim = Indel.normalized_similarity(x, y) * _SKELETON_CONFIDENCE[min(len(x), len(y), 5)]
        if sim > best:
            best, key = sim, x if x == y else f"{x}/{y}"
    return best, key


@lru_cache(maxsize=262144)
def _part_similarity(a: str, b: str) -> tuple[float, str, str]:
    if a == b:
        return 1.0, "exact", ""
    if len(a) == 1 or len(b) == 1:
        return (0.9 if a[0] == b[0] else 0.0), "initial", ""
    spelling = Indel.normalized_similarity(a, b)
    sound = Indel.normalized_similarity(sound_spelling(a), sound_spelling(b)) * SOUND_FACTOR
    skeleton, key = _best_skeleton(skeletons(a), skeletons(b))
    skeleton -= SPELLING_DOUBT * (1.0 - max(spelling, sound))
    if skeleton > spelling and skeleton >= sound:
        return skeleton, "skeleton", key
    if sound > spelling:
        return sound, "sound", ""
    return spelling, "spelling", ""


@lru_cache(maxsize=65536)
def _spelling_similarity(a: str, b: str) -> tuple[float, str, str]:
    if a == b:
        return 1.0, "exact", ""
    if len(a) == 1 or len(b) == 1:
        return (0.9 if a[0] == b[0] else 0.0), "initial", ""
    return Indel.normalized_similarity(a, b), "spelling", ""


# What Arabic script cannot tell apart: it writes no e or o (a name comes back
# with i and u: Conte = كونتي = kunti, Maio = مايو = mayu), no p and no v.
_ARABIC_VIEW = str.maketrans("eopv", "iubf")


@lru_cache(maxsize=65536)
def _arabic_similarity(a: str, b: str) -> tuple[float, str, str]:
    """:func:`_part_similarity` for a part romanised from Arabic script against one
    written in another script: the sound spellings are also compared as Arabic
    script would write both ("arabic sound"), and the skeleton's spelling doubt
    counts from the better of the two."""
    best = _part_similarity(a, b)
    if best[1] in ("exact", "initial"):
        return best
    sa, sb = sound_spelling(a).translate(_ARABIC_VIEW), sound_spelling(b).translate(_ARABIC_VIEW)
    view = Indel.normalized_similarity(sa, sb)
    if view * SOUND_FACTOR > best[0]:
        best = (view * SOUND_FACTOR, "arabic sound", "")
    skeleton, key = _best_skeleton(skeletons(a), skeletons(b))
    skeleton -= SPELLING_DOUBT * (1.0 - max(view, Indel.normalized_similarity(a, b)))
    if skeleton > best[0]:
        best = (skeleton, "skeleton", key)
    return best


_Similarity = Callable[[str, str], tuple[float, str, str]]


def part_similarity(pa: ParsedName, pb: ParsedName) -> _Similarity:
    """How parts of these two names are compared: ``f(a, b) -> (score, method, key)``."""
    if pa.rough != pb.rough:
        return _spelling_similarity
    if (pa.script == "arabic") != (pb.script == "arabic"):
        return _arabic_similarity
    return _part_similarity


def _align(ca: tuple[Part, ...], cb: tuple[Part, ...], sim: _Similarity = _part_similarity) -> Comparison:
    na, nb = len(ca), len(cb)
    if na == 1 or nb == 1:
        # One part against several: its best partner, first on ties.
        one, many, one_left = (ca[0], cb, True) if na == 1 else (cb[0], ca, False)
        best_k, best = 0, sim(one.text, many[0].text)
        for k in range(1, len(many)):
            r = sim(one.text, many[k].text)
            if r[0] > best[0]:
                best_k, best = k, r
        cells: list[tuple[float, int, int, tuple[float, str, str]]] = [
            (-best[0], 0, best_k, best) if one_left else (-best[0], best_k, 0, best)
        ]
    else:
        cells = []
        for i, pa in enumerate(ca):
            for j, pb in enumerate(cb):
                r = sim(pa.text, pb.text)
                cells.append((-r[0], i, j, r))
        cells.sort()  # best first; (i, j) breaks ties and is unique
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[PairScore] = []
    num = den = 0.0
    several = na > 1 and nb > 1
    initials = True
    for _, i, j, (score, method, key) in cells:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append(PairScore(ca[i].text, cb[j].text, score, method, key))
        initials = initials and method == "initial"
        w = (ca[i].weight + cb[j].weight) / 2
        s = score if score >= AGREE or not several else score - CONFLICT * (AGREE - score)
        num += w * s
        den += w
        if len(used_a) == na or len(used_b) == nb:
            break
    longer, used = (ca, used_a) if na > nb else (cb, used_b)
    extra = tuple(p.text for k, p in enumerate(longer) if k not in used)
    # Parts missing only in front of the matched ones are given names left out
    # ("Lavrov" for "Sergey Viktorovich Lavrov"): the usual way to name someone.
    unpaired = [k for k in range(len(longer)) if k not in used]
    # Parts left out in front (given names) or between the paired ones (a nasab,
    # middle names) are the usual ways to shorten a name; after them, less so.
    usual = bool(unpaired) and (max(unpaired) < min(used) or max(unpaired) < max(used) and min(unpaired) > min(used))
    penalty = min(MAX_EXTRA, (EXTRA_FRONT if usual else EXTRA) * len(extra))
    base = num / den if den else 0.0
    score = max(0.0, min(1.0, base * (1.0 - penalty)))
    if initials:
        score = min(score, INITIALS_ONLY)
    return Comparison(score, "parts", tuple(pairs), extra)


def _joined(pa: ParsedName, pb: ParsedName, to_beat: float, skeletons: bool = True) -> Comparison | None:
    """The concatenated names compared, or None when that cannot beat ``to_beat``."""
    a, b = pa.joined, pb.joined
    spelling = Indel.normalized_similarity(a, b)
    best_skeleton = _SKELETON_CONFIDENCE[-1] - SPELLING_DOUBT * (1.0 - spelling) if skeletons else 0.0
    if max(spelling, best_skeleton) * JOINED_FACTOR <= to_beat:
        return None
    skeleton, key = _best_skeleton(joined_keys(pa), joined_keys(pb))
    skeleton -= SPELLING_DOUBT * (1.0 - spelling)
    if skeleton > spelling:
        ps = PairScore(a, b, skeleton, "skeleton", key)
    else:
        ps = PairScore(a, b, spelling, "spelling")
    return Comparison(ps.score * JOINED_FACTOR, "joined", (ps,))


def _align_score(ca: tuple[Part, ...], cb: tuple[Part, ...], sim: _Similarity) -> tuple[float, int]:
    """:func:`_align`'s score and number of unpaired parts, without building its
    explanation (the resolver scores many candidates and explains one)."""
    na, nb = len(ca), len(cb)
    if na == 1 and nb == 1:
        score, method, _ = sim(ca[0].text, cb[0].text)
        score = max(0.0, min(1.0, score))
        return (min(score, INITIALS_ONLY) if method == "initial" else score), 0
    if na == 1 or nb == 1:
        one, many = (ca[0].text, cb) if na == 1 else (cb[0].text, ca)
        best_k, best = 0, sim(one, many[0].text)
        for k in range(1, len(many)):
            r = sim(one, many[k].text)
            if r[0] > best[0]:
                best_k, best = k, r
        extra = len(many) - 1
        penalty = min(MAX_EXTRA, (EXTRA_FRONT if best_k == extra else EXTRA) * extra)
        score = max(0.0, min(1.0, best[0] * (1.0 - penalty)))
        return (min(score, INITIALS_ONLY) if best[1] == "initial" else score), extra
    cells = sorted(
        ((-r[0], i, j, r) for i, pa in enumerate(ca) for j, pb in enumerate(cb) for r in (sim(pa.text, pb.text),))
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    num = den = 0.0
    initials = True
    for neg, i, j, r in cells:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        initials = initials and r[1] == "initial"
        w = (ca[i].weight + cb[j].weight) / 2
        score = -neg
        num += w * (score if score >= AGREE else score - CONFLICT * (AGREE - score))
        den += w
        if len(used_a) == na or len(used_b) == nb:
            break
    longer, used = (na, used_a) if na > nb else (nb, used_b)
    extra = longer - len(used)
    if extra:
        unpaired = [k for k in range(longer) if k not in used]
        usual = max(unpaired) < min(used) or max(unpaired) < max(used) and min(unpaired) > min(used)
        penalty = min(MAX_EXTRA, (EXTRA_FRONT if usual else EXTRA) * extra)
    else:
        penalty = 0.0
    score = max(0.0, min(1.0, (num / den if den else 0.0) * (1.0 - penalty)))
    return (min(score, INITIALS_ONLY) if initials else score), extra


def compare_score(pa: ParsedName, pb: ParsedName) -> tuple[float, int]:
    """:func:`compare_parsed`'s score and its number of unpaired parts (0 when
    the names matched written together), computed without the explanation."""
    if pa.folded > pb.folded:
        pa, pb = pb, pa
    rough = pa.rough != pb.rough
    factor = ROUGH if rough else 1.0 if pa.script == pb.script else CROSS_SCRIPT
    if pa.folded == pb.folded:
        return (factor if pa.folded else 0.0), 0
    if not pa.core or not pb.core:
        return 0.0, 0
    score, extra = _align_score(pa.core, pb.core, part_similarity(pa, pb))
    if (len(pa.core) != len(pb.core) or rough) and score < 1.0:
        joined = _joined(pa, pb, score, skeletons=not rough)
        if joined is not None and joined.score > score:
            score, extra = joined.score, 0
    return (score * ROUGH if rough else score), extra


def compare_parsed(pa: ParsedName, pb: ParsedName) -> Comparison:
    """Compare two parsed names (see :func:`compare`)."""
    if pa.folded > pb.folded:
        pa, pb = pb, pa  # one order, so that the score is symmetric
    rough = pa.rough != pb.rough
    factor = ROUGH if rough else 1.0 if pa.script == pb.script else CROSS_SCRIPT
    if pa.folded == pb.folded:
        return Comparison(factor if pa.folded else 0.0, "exact")
    if not pa.core or not pb.core:
        return Comparison(0.0, "parts")
    result = _align(pa.core, pb.core, part_similarity(pa, pb))
    if (len(pa.core) != len(pb.core) or rough) and result.score < 1.0:
        joined = _joined(pa, pb, result.score, skeletons=not rough)
        if joined is not None and joined.score > result.score:
            result = joined
    if rough:
        result = Comparison(result.score * ROUGH, result.method, result.pairs, result.extra)
    return result


def compare(a: str, b: str) -> float:
    """How alike two names are, from 0.0 (unrelated) to 1.0 (the same name).

    Works across scripts and transliterations: ``compare("Лавров", "Lavrov")``,
    ``compare("القذافي", "Gaddafi")`` and ``compare("Gawishoglu",
    "Mevlüt Çavuşoğlu")`` all clear :data:`DEFAULT_THRESHOLD`. Symmetric.

    Args:
        a: a name, in any script.
        b: another name.

    Returns:
        The similarity, on the same scale as ``Match.score``.

    Raises:
        TypeError: if either argument is not a ``str``.
    """
    _check_str(a)
    _check_str(b)
    pa, pb = parse(a), parse(b)
    if not pa.folded and not pb.folded:
        # Nothing to romanise (modifier letters, say): only identity is known.
        same = unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b)
        return 1.0 if same and any(c.isalpha() for c in a) else 0.0
    return round(compare_parsed(pa, pb).score, 4)


def explain_compare(a: str, b: str) -> Comparison:
    """The full :class:`Comparison` of two names, with its parts."""
    return compare_parsed(parse(_check_str(a)), parse(_check_str(b)))
