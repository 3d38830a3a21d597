"""Find the names in running text and say who or where each one means.

::

    >>> import namenorm
    >>> [(m.text, m.match.entity.name) for m in namenorm.scan("Turkish Recep Tayyip Erdogan met Haftar's envoy.")]
    [('Recep Tayyip Erdogan', 'Recep Tayyip Erdoğan'), ('Haftar', 'Khalifa Haftar')]

How text becomes mentions
=========================
1. **Cased scripts** (Latin, Cyrillic, Greek). Candidate spans are runs of
   capitalised words, with lower-case particles inside them (``al``, ``el``,
   ``bin``, ``ibn``, ``de``, ``of``, ``the``...; ``al-``/``el-``/``d'`` glued to a
   capitalised word, as in "al-Sarraj"), joined by spaces, one line break or
   hyphens between capitalised words. A possessive ``'s`` ends a span and is
   left out of it. One regular expression finds them all.
2. Each span is cut into mentions greedily, left to right, longest first: the
   longest run of words that the resolver accepts wins, so "Khalifa Haftar" is
   one mention, not "Khalifa" and "Haftar". A run is only resolved when its
   first and last words *could* be part of a gazetteer name (their fold or
   transliteration skeleton occurs in one): that keeps the resolver, the slow
   part, off most words. Titles, ranks and demonyms in front of a name
   ("retired Major General", "Turkish Foreign Minister") are resolved with it
   but left out of its offsets.
3. The resolver is fuzzy, so a mention must also be *structurally* sound: every
   aligned word pair agrees (same word, a close spelling, or an equal
   transliteration skeleton of three or more consonants), a one-word mention
   must cover a whole gazetteer name ("Sergey" alone is not Sergey Lavrov, but
   "Lavrov" is, being one of his names), and a span may not carry words the
   name lacks. Common words (a built-in list of English function words, days,
   months, sentence adverbs, titles and generic nouns) are never one-word
   mentions.
4. Words that resolve to nothing are reported with ``match=None`` when they look
   like a name: not a common word, not a title or generic noun on its own, not
   a capitalised word that the same text also writes in lower case
   ("Mercenaries" as a heading), and not a lone capitalised word at the start of
   a sentence unless the text also capitalises it mid-sentence.
5. **Caseless scripts** (Arabic, Persian, Urdu, Hebrew...) have no capitals: the
   candidates there are word n-grams (up to four words) whose end words could
   be part of a gazetteer name, accepted only with a score of at least
   :data:`CASELESS_THRESHOLD` and the same structural checks. A one-letter
   proclitic (و ب ل ف ك: and, with, for, so, as) is split off a word that is not
   a name by itself. Unknown names are not reported in these scripts: nothing
   marks a word as a name.
6. **Known lower-case names.** Gazetteer names with lower-case words
   ("reconciliation government", "Jufra airbase", "Turkish military") are found
   by exact (folded) phrase lookup around their lower-case words. Such a phrase
   replaces the mentions it contains, except a person's name ("Haftar's forces"
   stays Haftar) or a mention of the same entity ("Al-Wefaq government" stays
   "Al-Wefaq").

Demonyms
========
"Turkish", "Russians" or "Libyan" are adjectives, not mentions, by default:
"Turkish Foreign Minister" mentions a minister, not Turkey. With
``demonyms=True`` each demonym (from a built-in English table of about 90
countries) is reported and linked to its country, when the gazetteer has that
country (``kind == "country"``), with score 1.0 and ``why`` saying it was a
demonym. A demonym that is part of a gazetteer name ("Libyan National Army",
"Turkish military") is always part of that mention.

Speed
=====
Every distinct span string is resolved once per resolver and remembered (news
repeats its names), so the cost grows with the number of distinct names, not
with the length of the text. See ``benchmarks/bench_scan.py``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import weakref
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import IO, Any, TextIO

from rapidfuzz.distance import Indel

from namenorm.gazetteer import ENTITY_TYPES, Entity, Gazetteer, GazetteerError
from namenorm.normalize import fold
from namenorm.parts import TITLES, parse
from namenorm.resolve import Match, Resolver, default_resolver
from namenorm.score import DEFAULT_THRESHOLD, explain_compare

__all__ = ["Mention", "scan", "run_scan_cli", "CASELESS_THRESHOLD"]

#: The score a word n-gram in a caseless script (Arabic...) needs to be a mention.
CASELESS_THRESHOLD = 0.90
# Most words one mention may span (the longest gazetteer names have about nine).
_MAX_WORDS = 8
# Most words of an n-gram in a caseless script.
_MAX_CASELESS_WORDS = 4
# A pair of name parts agrees when its spelling similarity reaches this...
_SPELLING_AGREE = 0.80
# ...or when their transliteration skeletons are equal and at least this long.
_SKELETON_MIN = 3
# Per-resolver caches are cleared when they grow beyond this many entries.
_CACHE_LIMIT = 200_000

# --- Word lists ---------------------------------------------------------------

# English function words and pronouns.
_STOPWORDS = frozenset(
    """
    a about above across after afterwards again against all almost alone along already also although
    always am among amongst amid amidst an and another any anyone anything anyway anywhere are around as
    at be became because become becomes been before beforehand behind being below beside besides between
    beyond both but by can cannot could did do does doing done down during each either else elsewhere
    enough even ever every everyone everything everywhere except few for from further had has have having
    he hence her here hers herself him himself his how however i if in indeed instead into is it its
    itself just last latter least less many may me meanwhile might mine more moreover most mostly much
    must my myself namely neither never nevertheless next no nobody none nor not nothing now nowhere of
    off often on once one only onto or other others otherwise our ours ourselves out over own per perhaps
    please rather same several she should since so some somehow someone something sometime sometimes
    somewhere still such than that the their theirs them themselves then thence there thereafter thereby
    therefore therein these they this those though through throughout thus to together too toward towards
    under unless until up upon us very via was we well were what whatever when whenever where whereas
    wherever whether which while who whoever whole whom whose why will with within without would yet you
    your yours yourself yourselves let lets yes oh ok okay dear new old many said says say according
    """.split()
)
# Days, months and other time words.
_TIME_WORDS = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
    january february march april may june july august september october november december jan feb mar
    apr jun jul aug sep sept oct nov dec today yesterday tomorrow tonight morning evening afternoon
    night week weekend month year years decade century spring summer autumn fall winter
    """.split()
)
# Sentence adverbs and connectives, often capitalised at the start of a sentence.
_DISCOURSE = frozenset(
    """
    additionally accordingly alternatively apparently allegedly certainly clearly consequently conversely
    currently despite diplomatically earlier economically especially eventually finally first firstly
    following furthermore generally initially later likewise meantime militarily nearby nonetheless
    notably officially overall particularly politically previously recently regarding reportedly second
    secondly separately similarly specifically subsequently third thirdly typically ultimately unlike
    usually legally historically traditionally fortunately unfortunately importantly interestingly
    """.split()
)
# Generic nouns that news capitalises in headings but that are never a name alone.
_GENERIC = frozenset(
    """
    source sources official officials report reports witness witnesses resident residents troops
    fighters militants rebels mercenaries statement talks meeting meetings conference agreement ceasefire
    truce war conflict crisis attack attacks clashes fighting news update updates analysis opinion
    editorial comment photo photos video videos breaking exclusive live read related advertisement share
    follow subscribe home world politics economy business sport sports culture section page chapter
    introduction conclusion summary background note notes table figure
    """.split()
)
# Nouns that end the name of an organisation: kept with the words before them in an
# unknown name ("Russian Foreign Ministry"), never a mention alone.
_ORG_NOUNS = frozenset(
    """
    ministry ministries council army forces force agency office committee party front brigade brigades
    battalion company bank corporation court parliament assembly union organization organisation
    government group airport port base university department command navy guard police service services
    authority commission mission movement coalition alliance league federation institute foundation
    association centre center network channel times post media
    """.split()
)
# Lower-case words allowed inside a capitalised span (never at its edges).
_PARTICLES = frozenset(
    """
    al el il ul ar as ash ad an at az ath adh bin ibn ben bint ould abu abd abdel abdul de da di del della
    dei degli der den van von le la du des dos do das of the y e i and und et
    """.split()
)
# Demonym (singular and plural) -> ISO 3166-1 alpha-2 code of the country.
_DEMONYM_TABLE = """
turkish:TR turk:TR turks:TR russian:RU russians:RU libyan:LY libyans:LY egyptian:EG egyptians:EG
american:US americans:US french:FR frenchman:FR italian:IT italians:IT german:DE germans:DE syrian:SY
syrians:SY qatari:QA qataris:QA emirati:AE emiratis:AE algerian:DZ algerians:DZ tunisian:TN
tunisians:TN chadian:TD chadians:TD sudanese:SD nigerien:NE nigeriens:NE greek:GR greeks:GR british:GB
briton:GB britons:GB iranian:IR iranians:IR iraqi:IQ iraqis:IQ saudi:SA saudis:SA jordanian:JO
jordanians:JO lebanese:LB moroccan:MA moroccans:MA malian:ML malians:ML israeli:IL israelis:IL
palestinian:PS palestinians:PS chinese:CN ukrainian:UA ukrainians:UA spanish:ES spaniard:ES
spaniards:ES maltese:MT cypriot:CY cypriots:CY yemeni:YE yemenis:YE kuwaiti:KW kuwaitis:KW bahraini:BH
bahrainis:BH omani:OM omanis:OM mauritanian:MR mauritanians:MR nigerian:NG nigerians:NG ethiopian:ET
ethiopians:ET somali:SO somalis:SO eritrean:ER eritreans:ER japanese:JP indian:IN indians:IN
pakistani:PK pakistanis:PK afghan:AF afghans:AF belgian:BE belgians:BE dutch:NL swiss:CH austrian:AT
austrians:AT polish:PL canadian:CA canadians:CA australian:AU australians:AU brazilian:BR
brazilians:BR bulgarian:BG bulgarians:BG romanian:RO romanians:RO serbian:RS serbians:RS serb:RS
serbs:RS hungarian:HU hungarians:HU czech:CZ swedish:SE norwegian:NO danish:DK finnish:FI
portuguese:PT irish:IE azerbaijani:AZ azerbaijanis:AZ armenian:AM armenians:AM georgian:GE
georgians:GE belarusian:BY kazakh:KZ senegalese:SN kenyan:KE kenyans:KE ugandan:UG rwandan:RW
cameroonian:CM burkinabe:BF sahrawi:EH mexican:MX mexicans:MX argentine:AR argentinian:AR
"""
_DEMONYMS: dict[str, str] = dict(item.split(":") for item in _DEMONYM_TABLE.split())  # type: ignore[misc]
# Adjectives without a single country: not mentions either.
_NATIONALITY_WORDS = frozenset("arab arabs arabic european europeans african africans western eastern".split())
_TITLES = frozenset(TITLES) - {"us", "u", "s", "eu"}
_TITLE_LIKE = _TITLES | frozenset(_DEMONYMS) | _NATIONALITY_WORDS
# Never a one-word mention, whatever the resolver says.
_LEXICON = _STOPWORDS | _TIME_WORDS | _DISCOURSE | _GENERIC | _ORG_NOUNS | _TITLE_LIKE | {"al", "el"}
# Trimmed off the edges of a name nobody knows.
_EDGE_WORDS = _STOPWORDS | _TIME_WORDS | _DISCOURSE | _GENERIC
# Left out of the front of a name unless the name itself has them.
_FRONT_WORDS = _TITLE_LIKE | _EDGE_WORDS

# --- Patterns -----------------------------------------------------------------


def _char_class(ranges: tuple[tuple[int, int], ...], want_upper: bool) -> str:
    chars = []
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            if (ch.isupper() or ch.istitle()) if want_upper else ch.islower():
                chars.append(re.escape(ch))
    return "".join(chars)


_CASED_RANGES = ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x370, 0x3FF), (0x400, 0x52F), (0x1E00, 0x1FFF))
_UP = _char_class(_CASED_RANGES, True)
_LETTER = r"[^\W\d_]"
# al-Sarraj, el-Sisi, d'Ivoire, l'Atlantique: a lower-case particle glued to a capitalised word.
_GLUED = r"(?:(?:a[lnrstdz]|ash|adh|ath|e[lnr]|[dl])[-‐'’])"
_CAPWORD = (
    rf"(?:{_GLUED}?[{_UP}](?:{_LETTER}|[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed])*"
    rf"(?:['’]{_LETTER}+)*"
    rf"(?:[-‐](?:{_GLUED}?[{_UP}]{_LETTER}*(?:['’]{_LETTER}+)*))*)"
)
_ABBREV = rf"(?:[{_UP}]\.(?:[{_UP}]\.)+)"
_SEP = r"(?:[ \t\u00a0]+|[ \t\u00a0]*\r?\n[ \t\u00a0]*)"
_PARTICLE_RE = "|".join(sorted(_PARTICLES, key=len, reverse=True))
_SPAN = re.compile(
    rf"(?<![\w'’])(?:{_ABBREV}|{_CAPWORD})"
    rf"(?:{_SEP}(?:(?:{_PARTICLE_RE}){_SEP})*(?:{_ABBREV}|{_CAPWORD}))*(?!\w)"
)
# A word inside a span: letters with inner apostrophes; hyphens separate words, except
# after a glued particle (Al-Wefaq is one word).
_WORD = re.compile(
    rf"(?:{_GLUED}|(?:[Aa][lnrstdz]|[Ee]l)[-‐](?=[{_UP}]))?"
    rf"(?:[{_UP}]\.(?:[{_UP}]\.)+|(?:{_LETTER}|[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed])+(?:['’]{_LETTER}+)*)"
)
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
# Letters (and marks) of the caseless scripts handled by the n-gram pass.
_CASELESS_LETTERS = (
    "\u0610-\u061a\u0620-\u065f\u066e-\u06d3\u06d5-\u06ed\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff"
    "\ufb50-\ufdff\ufe70-\ufefc\u05d0-\u05ea\u05f0-\u05f2\u0591-\u05c7"
)
_CASELESS_WORD = re.compile(rf"(?<!\w)[{_CASELESS_LETTERS}]+(?![\w\u0610-\u061a\u064b-\u065f])")
_CASELESS_GAP = re.compile(r"[ \t\u00a0\u200c]+")
_PROCLITICS = frozenset("وبلفك")
_ARABIC_NISBA = ("ية", "ي", "يون", "يين")
_ANY_WORD = re.compile(r"[^\W\d_]+")
_INITIAL_SKIP = frozenset(" \t\u00a0\"'“”‘’«»„‚([{—–-*•·")
_SENTENCE_END = frozenset(".!?:;…")
_PHRASE_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_PHRASE_BREAK = re.compile(r"[.,;:!?()\[\]\"“”«»]|\n[ \t]*\n")


@dataclass(frozen=True, slots=True)
class Mention:
    """One name found in a text.

    Attributes:
        start: offset of the name's first character in the text.
        end: offset just past its last character: ``text[start:end]`` is the name.
        text: the name as written (without a title before it or a possessive ``'s``).
        match: the entity it means, or ``None`` for a name the gazetteer lacks.
    """

    start: int
    end: int
    text: str
    match: Match | None

    def to_dict(self) -> dict[str, Any]:
        """The JSON Lines record ``namenorm scan --json`` prints (``None`` fields when unknown)."""
        m = self.match
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "id": m.entity.id if m else None,
            "name": m.entity.name if m else None,
            "type": m.entity.type if m else None,
            "score": m.score if m else None,
            "matched": m.name if m else None,
            "why": m.why if m else None,
        }


# --- Pieces of a span -----------------------------------------------------------

_NAME, _DEMONYM, _UNKNOWN = 0, 1, 2


@dataclass(frozen=True, slots=True)
class _Piece:
    """A part of a span: relative offsets, what it is, and (for names) its match."""

    start: int
    end: int
    kind: int
    match: Match | None = None
    word: str = ""  #: the demonym, or a lone unknown word (checked against the text)


@dataclass(frozen=True, slots=True)
class _Tok:
    start: int
    end: int
    text: str
    low: str  #: lower-cased, possessive dropped
    particle: bool  #: a lower-case particle (never at the edge of a mention)
    possessive: bool  #: the word had a possessive 's (a mention ends here)
    upper: bool  #: written in capitals (an acronym: the common-word list does not apply)


def _make_tok(m: re.Match[str], base: int = 0) -> _Tok:
    raw = m.group()
    start, end = base + m.start(), base + m.end()
    possessive = bool(_POSSESSIVE.search(raw)) and len(raw) > 3
    if possessive:
        raw = raw[:-2]
        end -= 2
    low = raw.lower()
    particle = raw[:1].islower() and low in _PARTICLES
    upper = len(raw) > 1 and raw.isupper()
    return _Tok(start, end, raw, low, particle, possessive, upper)


def _is_common(tok: _Tok) -> bool:
    return not tok.upper and tok.low in _LEXICON


class _Scanner:
    """What scanning needs of one resolver, built once, and the per-span caches."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._lock = threading.Lock()
        self._built = False
        self._folds: set[str] = set()
        self._skeletons: set[str] = set()
        self._phrases: dict[str, int] = {}  #: folded lower-case name -> word count
        self._anchors: dict[str, list[tuple[int, int]]] = {}  #: raw lower-case word -> (index, length)
        self._anchor_words: tuple[str, ...] = ()
        self._countries: dict[str, Entity] = {}
        self._plausible: dict[str, bool] = {}
        self._best: dict[str, Match | None] = {}
        self._segments: dict[tuple[str, float], tuple[_Piece, ...]] = {}
        self._demonym_matches: dict[str, Match | None] = {}

    # -- one-time preparation ------------------------------------------------------

    def _build(self) -> None:
        if self._built:
            return
        with self._lock:
            if self._built:
                return
            index = self.resolver.index
            anchors: dict[str, list[tuple[int, int]]] = {}
            for (_ei, name), parsed in zip(index.names, index.parsed):
                for part in parsed.core:
                    self._folds.add(part.text)
                    self._skeletons.update(k for k in part.keys if len(k) >= 2)
                self._add_phrase(name, parsed.folded, anchors)
            for ent in index.entities:
                if ent.kind == "country" and ent.country and ent.country not in self._countries:
                    self._countries[ent.country] = ent
            self._anchors = anchors
            self._anchor_words = tuple(sorted(anchors, key=len, reverse=True))
            self._built = True

    def _add_phrase(self, name: str, folded: str, anchors: dict[str, list[tuple[int, int]]]) -> None:
        words = _PHRASE_WORD.findall(name)
        if len(words) < 2 or len(words) > _MAX_WORDS or not any(w[:1].isupper() or w[:1].islower() for w in words):
            return
        lower = [i for i, w in enumerate(words) if w[:1].islower() and w.lower() not in _PARTICLES and len(w) > 2]
        if not lower:
            return
        if fold(" ".join(words)) != folded:
            return  # the name's words do not line up with its fold: leave it to the resolver
        self._phrases[folded] = len(words)
        for i in lower:
            spots = anchors.setdefault(words[i].lower(), [])
            if (i, len(words)) not in spots:
                spots.append((i, len(words)))

    # -- resolving one candidate string ------------------------------------------

    def plausible(self, word: str) -> bool:
        """Could this word be part of a gazetteer name (its fold or skeleton occurs in one)?"""
        known = self._plausible.get(word)
        if known is None:
            known = False
            for part in parse(word).core:
                if part.text in self._folds or any(k in self._skeletons for k in part.keys):
                    known = True
                    break
            if len(self._plausible) > _CACHE_LIMIT:
                self._plausible.clear()
            self._plausible[word] = known
        return known

    def best(self, span: str) -> Match | None:
        """The resolver's best match for a span, when it is structurally sound (any score)."""
        if span in self._best:
            return self._best[span]
        found = self.resolver.candidates(span, limit=1)
        m = found[0] if found and _sound(span, found[0]) else None
        if len(self._best) > _CACHE_LIMIT:
            self._best.clear()
        self._best[span] = m
        return m

    def demonym_match(self, word: str) -> Match | None:
        """The country a demonym names, as a Match, or ``None``."""
        low = word.lower()
        if low in self._demonym_matches:
            return self._demonym_matches[low]
        ent = self._countries.get(_DEMONYMS.get(low, ""))
        m = Match(word, ent, 1.0, ent.name, f"demonym {low!r} of {ent.name!r}") if ent else None
        self._demonym_matches[low] = m
        return m

    # -- cased scripts ---------------------------------------------------------------

    def segment(self, span: str, cut: float) -> tuple[_Piece, ...]:
        """Cut one capitalised span into names, demonyms and unknown names."""
        key = (span, cut)
        done = self._segments.get(key)
        if done is not None:
            return done
        toks = [_make_tok(m) for m in _WORD.finditer(span)]
        pieces: list[_Piece] = []
        group: list[_Tok] = []
        for tok in toks:
            group.append(tok)
            if tok.possessive:
                pieces.extend(self._segment_group(span, group, cut))
                group = []
        if group:
            pieces.extend(self._segment_group(span, group, cut))
        result = tuple(pieces)
        if len(self._segments) > _CACHE_LIMIT:
            self._segments.clear()
        self._segments[key] = result
        return result

    def _segment_group(self, span: str, toks: list[_Tok], cut: float) -> list[_Piece]:
        n = len(toks)
        pieces: list[_Piece] = []
        leftover: list[_Tok] = []
        i = 0
        while i < n:
            found = None
            if not toks[i].particle and self._startable(toks[i]):
                for j in range(min(n, i + _MAX_WORDS), i, -1):
                    last = toks[j - 1]
                    if last.particle or not self.plausible(last.text):
                        continue
                    if j - i == 1 and _is_common(last):
                        continue
                    m = self.best(span[toks[i].start : last.end])
                    if m is not None and m.score >= cut:
                        found = (j, m)
                        break
            if found is None:
                leftover.append(toks[i])
                i += 1
                continue
            j, m = found
            first = self._first_name_word(toks, i, j, m)
            leftover.extend(toks[i:first])
            pieces.extend(self._leftovers(leftover))
            leftover = []
            pieces.append(_Piece(toks[first].start, toks[j - 1].end, _NAME, m))
            i = j
        pieces.extend(self._leftovers(leftover))
        return pieces

    def _startable(self, tok: _Tok) -> bool:
        return self.plausible(tok.text) or tok.low in _TITLE_LIKE

    @staticmethod
    def _first_name_word(toks: list[_Tok], i: int, j: int, m: Match) -> int:
        """Skip the titles and demonyms in front of a name, unless they are part of it."""
        name_words = set(fold(m.name).split())
        if m.entity.type == "person":
            name_words -= _TITLES
        k = i
        while k < j - 1 and toks[k].low in _FRONT_WORDS and fold(toks[k].text) not in name_words:
            k += 1
        while k < j - 1 and toks[k].particle:
            k += 1
        return k

    def _leftovers(self, toks: list[_Tok]) -> list[_Piece]:
        """Words that resolved to nothing: demonyms and unknown names."""
        return self._unknown_run(toks) if toks else []

    @staticmethod
    def _unknown_run(run: list[_Tok]) -> list[_Piece]:
        out: list[_Piece] = []
        keep_titles = len(run) > 1 and run[-1].low in _ORG_NOUNS and not run[-1].particle
        edge = _EDGE_WORDS if keep_titles else _LEXICON
        a, b = 0, len(run)
        while a < b and (run[a].particle or (not run[a].upper and run[a].low in edge)):
            a += 1
        while b > a and (run[b - 1].particle or (not run[b - 1].upper and run[b - 1].low in edge)):
            b -= 1
        for k, tok in enumerate(run):
            if (k < a or k >= b) and tok.low in _DEMONYMS:
                out.append(_Piece(tok.start, tok.end, _DEMONYM, None, tok.text))
        if a < b:
            words = run[a:b]
            letters = sum(c.isalpha() for t in words for c in t.text)
            if letters >= 2 and not (len(words) == 1 and words[0].low in _ORG_NOUNS | _TITLE_LIKE):
                lone = words[0].text if len(words) == 1 else ""
                out.append(_Piece(words[0].start, words[-1].end, _UNKNOWN, None, lone))
        out.sort(key=lambda p: p.start)
        return out

    # -- caseless scripts -------------------------------------------------------------

    def caseless(self, text: str, cut: float) -> Iterator[tuple[int, int, Match, bool]]:
        """Mentions in Arabic-script (and other caseless) text: (start, end, match, nisba)."""
        cut = max(cut, CASELESS_THRESHOLD)
        words: list[tuple[int, int]] = []
        for m in _CASELESS_WORD.finditer(text):
            if words and not _CASELESS_GAP.fullmatch(text, words[-1][1], m.start()):
                yield from self._caseless_run(text, words, cut)
                words = []
            words.append((m.start(), m.end()))
        yield from self._caseless_run(text, words, cut)

    def _caseless_run(self, text: str, words: list[tuple[int, int]], cut: float) -> Iterator[tuple[int, int, Match, bool]]:
        # Split a proclitic off a word that is no name by itself.
        spans: list[tuple[int, int] | None] = []
        for s, e in words:
            w = text[s:e]
            if self.plausible(w):
                spans.append((s, e))
            elif len(w) > 3 and w[0] in _PROCLITICS and self.plausible(w[1:]):
                spans.append((s + 1, e))
            else:
                spans.append(None)
        n = len(spans)
        i = 0
        while i < n:
            first = spans[i]
            hit = None
            if first is not None:
                for j in range(min(n, i + _MAX_CASELESS_WORDS), i, -1):
                    last = spans[j - 1]
                    if last is None:
                        continue
                    s, e = first[0], last[1]
                    m = self.best(text[s:e])
                    if m is not None and m.score >= cut:
                        hit = (j, s, e, m)
                        break
            if hit is None:
                i += 1
                continue
            j, s, e, m = hit
            yield s, e, m, j - i == 1 and _is_nisba(text[s:e], m)
            i = j

    # -- known lower-case names ------------------------------------------------------

    def phrases(self, text: str) -> Iterator[tuple[int, int, Match]]:
        """Gazetteer names with lower-case words, found by exact folded lookup."""
        present = [w for w in self._anchor_words if w in text]
        if not present:
            return
        pattern = re.compile(r"(?<![^\W\d_])(?:" + "|".join(map(re.escape, present)) + r")(?![^\W\d_])")
        seen: set[tuple[int, int]] = set()
        for hit in pattern.finditer(text):
            spots = self._anchors.get(hit.group())
            if not spots:
                continue
            lo, hi = max(0, hit.start() - 160), min(len(text), hit.end() + 160)
            window = [w.span() for w in _PHRASE_WORD.finditer(text, lo, hi)]
            k = next((x for x, (s, _e) in enumerate(window) if s == hit.start()), -1)
            if k < 0:
                continue
            for idx, length in sorted(spots, key=lambda s: -s[1]):
                a, b = k - idx, k - idx + length
                if a < 0 or b > len(window):
                    continue
                s, e = window[a][0], window[b - 1][1]
                if (s, e) in seen or _PHRASE_BREAK.search(text, s, e):
                    continue
                raw = text[s:e]
                folded = fold(raw)
                if self._phrases.get(folded) != length:
                    continue
                m = self.best(raw)
                if m is not None and m.score >= 0.98:
                    seen.add((s, e))
                    yield s, e, m
                    break


def _is_nisba(word: str, m: Match) -> bool:
    """An Arabic adjective of origin (ليبية "Libyan") that the resolver read as its country."""
    if m.entity.kind != "country" or not word.endswith(_ARABIC_NISBA):
        return False
    return not m.name.endswith(_ARABIC_NISBA)


def _sound(span: str, m: Match) -> bool:
    """Whether a match holds word by word, not just in its overall score."""
    comp = explain_compare(span, m.name)
    if comp.method == "exact":
        return True
    if comp.method == "script":
        return False
    if comp.method == "joined":
        return comp.score >= 0.9
    q_core = parse(span).core
    if len(q_core) > len(parse(m.name).core) and comp.extra:
        return False  # the span has words the name lacks
    strong = 0
    for p in comp.pairs:
        if p.method == "exact":
            strong += 1
        elif p.method == "initial":
            continue
        elif p.method == "spelling" and p.score >= _SPELLING_AGREE:
            strong += 1
        elif p.method == "skeleton" and "/" not in p.key and len(p.key) >= _SKELETON_MIN:
            strong += 1
        elif Indel.normalized_similarity(p.a, p.b) >= _SPELLING_AGREE:
            strong += 1
        else:
            return False
    if strong == 0:
        return False
    # One word may not stand for a longer name ("Sergey" is not Sergey Lavrov).
    return not (comp.extra and strong < 2)


# --- The scanner registry ---------------------------------------------------------

_registry: weakref.WeakKeyDictionary[Resolver, _Scanner] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


def _scanner_for(resolver: Resolver) -> _Scanner:
    sc = _registry.get(resolver)
    if sc is None:
        with _registry_lock:
            sc = _registry.get(resolver)
            if sc is None:
                sc = _registry[resolver] = _Scanner(resolver)
    sc._build()
    return sc


def _check_types(types: str | Collection[str] | None) -> frozenset[str] | None:
    if types is None:
        return None
    wanted = frozenset([types] if isinstance(types, str) else types)
    bad = wanted - set(ENTITY_TYPES)
    if bad:
        raise ValueError(f"unknown type(s) {', '.join(sorted(bad))}: use {', '.join(ENTITY_TYPES)}")
    return wanted


def _sentence_initial(text: str, pos: int) -> bool:
    """Whether a word at ``pos`` opens a sentence, a line or the text."""
    i = pos - 1
    while i >= 0:
        c = text[i]
        if c == "\n" or c == "\r":
            return True
        if c in _INITIAL_SKIP:
            i -= 1
            continue
        return c in _SENTENCE_END
    return True


def scan(
    text: str,
    *,
    resolver: Resolver | None = None,
    types: str | Collection[str] | None = None,
    threshold: float | None = None,
    demonyms: bool = False,
    unknown: bool = True,
) -> list[Mention]:
    """Find the names in a text and resolve each one.

    Args:
        text: any text, in any script or mix of scripts.
        resolver: what to resolve against; the built-in gazetteer's resolver by default.
        types: report only matches of these types (``"person"``, ``"place"``, ``"org"``);
            unknown names are still reported unless ``unknown=False``.
        threshold: the score a name needs; the resolver's threshold by default. In caseless
            scripts (Arabic...) it is at least :data:`CASELESS_THRESHOLD`.
        demonyms: report demonyms ("Turkish", "Russians") linked to their country.
        unknown: report name-like spans that resolve to nothing, with ``match=None``.

    Returns:
        The mentions, in text order, not overlapping; ``text[m.start:m.end] == m.text``.

    Raises:
        TypeError: if ``text`` is not a ``str``.
        ValueError: for an unknown type.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    wanted = _check_types(types)
    if threshold is not None and not isinstance(threshold, (int, float)):
        raise TypeError(f"threshold must be a number, not {type(threshold).__name__}")
    res = resolver if resolver is not None else default_resolver()
    cut = float(res.threshold if threshold is None else threshold)
    sc = _scanner_for(res)
    found: list[Mention] = []
    lone: list[tuple[Mention, bool, str]] = []  # unknown one-word names, to check against the text
    mid_sentence: set[str] = set()
    for span_match in _SPAN.finditer(text):
        base = span_match.start()
        initial = _sentence_initial(text, base)
        for p in sc.segment(span_match.group(), cut):
            start, end = base + p.start, base + p.end
            if p.kind == _NAME:
                found.append(Mention(start, end, text[start:end], p.match))
            elif p.kind == _DEMONYM:
                if demonyms:
                    dm = sc.demonym_match(p.word)
                    if dm is not None:
                        found.append(Mention(start, end, text[start:end], dm))
            elif unknown:
                at_start = initial and p.start == 0
                mention = Mention(start, end, text[start:end], None)
                if p.word:
                    lone.append((mention, at_start, p.word))
                    if not at_start:
                        mid_sentence.add(p.word)
                else:
                    found.append(mention)
    if lone:
        lower_words = set(_ANY_WORD.findall(text))
        for mention, at_start, word in lone:
            if word.lower() in lower_words and not word.isupper():
                continue  # a common word, capitalised (a heading, a sentence start)
            if at_start and word not in mid_sentence:
                continue  # capitalised only where every word is
            found.append(mention)
    if not text.isascii():
        for s, e, m, nisba in sc.caseless(text, cut):
            if nisba:
                if demonyms:
                    found.append(Mention(s, e, text[s:e], Match(text[s:e], m.entity, 1.0, m.entity.name,
                                                              f"demonym of {m.entity.name!r}")))
                continue
            found.append(Mention(s, e, text[s:e], m))
    found.sort(key=lambda x: (x.start, -x.end))
    found = _merge_phrases(text, found, list(sc.phrases(text)))
    if wanted is not None:
        found = [x for x in found if x.match is None or x.match.entity.type in wanted]
    return found


def _merge_phrases(text: str, found: list[Mention], phrases: list[tuple[int, int, Match]]) -> list[Mention]:
    """Put known lower-case names in, where they do not undo a person or the same entity."""
    if not phrases:
        return found
    out = list(found)
    for s, e, m in phrases:
        inside = [x for x in out if x.start < e and x.end > s]
        if any(x.start < s or x.end > e for x in inside):
            continue  # crosses a mention's edge
        if any(x.match is not None and (x.match.entity.type == "person" or x.match.entity.id == m.entity.id)
               for x in inside):
            continue
        out = [x for x in out if not (x.start < e and x.end > s)]
        out.append(Mention(s, e, text[s:e], m))
    out.sort(key=lambda x: (x.start, -x.end))
    return out


# --- Command line -------------------------------------------------------------------


class _ScanUsageError(Exception):
    pass


class _ScanParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _ScanUsageError(f"{self.prog}: {message}")


def _scan_parser() -> argparse.ArgumentParser:
    ap = _ScanParser(
        prog="namenorm scan",
        description="Find the names in a text and say who or where each one means.",
        epilog="Readable output: start-end, the name as written, then 'entity (id) score', or '?' when unknown.",
    )
    ap.add_argument("file", metavar="FILE", help="a UTF-8 text file, or '-' for stdin")
    ap.add_argument("--json", action="store_true", help="JSON Lines: start, end, text, id, name, type, score, ...")
    ap.add_argument("-g", "--gazetteer", metavar="PATH", help="a CSV/TSV/JSONL gazetteer instead of the built-in one")
    ap.add_argument("-t", "--type", action="append", choices=ENTITY_TYPES, dest="types", help="only this type (repeatable)")
    ap.add_argument("--threshold", type=float, default=None, help=f"score needed (default {DEFAULT_THRESHOLD})")
    ap.add_argument("--demonyms", action="store_true", help="report demonyms ('Turkish') linked to their country")
    ap.add_argument("--known", action="store_true", help="leave out names the gazetteer lacks")
    return ap


def _decode(data: bytes, label: str, err: TextIO) -> str:
    """UTF-8 text; bad bytes become U+FFFD, with a warning naming each line that had them."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        for lineno, line in enumerate(data.split(b"\n"), start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                print(f"namenorm scan: {label}: line {lineno}: invalid UTF-8 at byte {exc.start}, replaced", file=err)
        text = data.decode("utf-8", errors="replace")
    return text[1:] if text.startswith("\ufeff") else text


def _read_input(path: str, stdin: IO[bytes] | None) -> tuple[bytes, str]:
    if path == "-":
        if stdin is None:
            raise _ScanUsageError("namenorm scan: no standard input to read")
        return stdin.read(), "<stdin>"
    try:
        with open(path, "rb") as fh:
            return fh.read(), path
    except OSError as exc:
        raise _ScanUsageError(f"namenorm scan: cannot read {path}: {exc.strerror or exc}") from None


def _stdin_bytes() -> IO[bytes] | None:
    buf = getattr(sys.stdin, "buffer", None)
    return buf if buf is not None else None


def _readable(mention: Mention) -> str:
    shown = " ".join(mention.text.split())
    m = mention.match
    what = f"{m.entity.name} ({m.entity.id}) {m.score:.2f}" if m else "?"
    return f"{mention.start}-{mention.end}\t{shown}\t{what}"


def run_scan_cli(argv: list[str]) -> int:
    """Run ``namenorm scan``; returns the exit status.

    Args:
        argv: the arguments after ``scan``.

    Returns:
        0 when the text was scanned (whether or not it named anything), 2 on a usage
        error, an unreadable file or a bad gazetteer.
    """
    out, err = sys.stdout, sys.stderr
    try:
        args = _scan_parser().parse_args(argv)
        resolver = None
        if args.gazetteer:
            resolver = Resolver(Gazetteer.load(args.gazetteer))
        data, label = _read_input(args.file, _stdin_bytes())
        text = _decode(data, label, err)
        mentions = scan(text, resolver=resolver, types=args.types, threshold=args.threshold,
                        demonyms=args.demonyms, unknown=not args.known)
        for mention in mentions:
            if args.json:
                print(json.dumps(mention.to_dict(), ensure_ascii=False), file=out)
            else:
                print(_readable(mention), file=out)
        return 0
    except _ScanUsageError as exc:
        print(exc, file=err)
        print("usage: namenorm scan [--json] [-g PATH] FILE|-   (namenorm scan --help for more)", file=err)
        return 2
    except GazetteerError as exc:
        print(f"namenorm scan: {exc}", file=err)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
