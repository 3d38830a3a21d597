"""Find the names in running text and say who or where each one means.

::

    >>> from namenorm.scan import scan
    >>> found = scan("Turkish Recep Tayyip Erdogan met Haftar's envoy.")
    >>> [(m.start, m.end, m.text, m.match.entity.name) for m in found]
    [(8, 28, 'Recep Tayyip Erdogan', 'Recep Tayyip Erdoğan'), (33, 39, 'Haftar', 'Khalifa Haftar')]

How text becomes mentions
=========================
1. **Cased scripts** (Latin, Cyrillic, Greek). Candidate spans are runs of
   capitalised words, with lower-case particles inside them (``al``, ``el``,
   ``bin``, ``ibn``, ``de``, ``of``, ``the``, ``аль``...; ``al-``/``el-``/``d'``
   glued to a capitalised word, as in "al-Sarraj"), joined by spaces, one line
   break or hyphens between capitalised words. A possessive ``'s`` ends a
   name and is left out of it. One regular expression finds them all.
2. Each span is cut into mentions greedily, left to right, longest first: the
   longest run of words that the resolver accepts wins, so "Khalifa Haftar" is
   one mention, not "Khalifa" and "Haftar". The resolver, the slow part, only
   sees runs that *could* be a gazetteer name: the run's end words must occur
   in one (by fold or transliteration skeleton), and each word must follow the
   one before it in some gazetteer name. "Abdel"/"Abu"/"Abd al" go with the
   word after them, as the parser joins them. Titles, ranks and demonyms in
   front of a name ("retired Major General", "Turkish Foreign Minister") are
   resolved with it but left out of its offsets. A Russian word that is no name
   as written is tried in the nominative ("Ливии" as "Ливия", "Лаврова").
3. The resolver's score is a weighted mean and it is fuzzy, so a mention must
   also hold word by word: every aligned pair agrees (the same word, a
   spelling similarity of 0.8, or an equal skeleton of three or more
   consonants); words under four letters and acronyms must be exact ("ON" is
   not the French "ONU"); a one-word mention needs a close *spelling*, not
   only an equal skeleton ("Curate" is not the French "Croatie"); a span may
   not carry words the name lacks; part of a longer name must be most of it,
   in order, not just generic words ("News Agency" is not Anadolu Agency) and,
   for a person, include the surname ("Sergey" or "Muhammad Yunis" alone is
   nobody). A match through a name in another script must hold against one
   of the entity's names in the text's own script too ("List" is close to the
   romanised Arabic of Lesotho, not to "Lesotho"). Common words (a built-in
   list of English function words, days, months, sentence adverbs, titles and
   generic nouns) are never one-word mentions.
4. Capitalisation alone means little at a sentence start: a plain word matched
   only fuzzily there is dropped unless the text also capitalises it
   mid-sentence. A word matched only fuzzily right beside an unknown name is
   part of that name ("Kong" of "Hong Kong" is not the German "Kongo").
5. Words that resolve to nothing are reported with ``match=None`` when they
   look like a name: not a common word, title or generic noun alone; not a
   capitalised word the same text also writes in lower case ("Mercenaries" as
   a heading); not a lone word at a sentence start unless the text also
   capitalises it mid-sentence; not inside a headline in capitals. An unknown
   organisation keeps its words ("Russian Foreign Ministry").
6. **Caseless scripts** (Arabic, Persian, Urdu, Hebrew) have no capitals: the
   candidates are word n-grams (up to four words) under the same gazetteer
   tests, accepted with a score of at least :data:`CASELESS_THRESHOLD`; one
   word must match exactly (without short vowels, near spellings abound). A
   one-letter proclitic (و ب ل ف ك: and, with, for, so, as) is split off a word
   that is no name by itself. An adjective of origin (ليبية, "Libyan") is a
   demonym, not its country. Unknown names are not reported in these scripts:
   nothing marks a word as a name.
7. **Known lower-case names.** Gazetteer names with lower-case words
   ("reconciliation government", "Jufra airbase", "Turkish military") are found
   by exact (folded) lookup around their longest lower-case word. Such a name
   replaces the mentions inside it, except a person ("Haftar's forces" stays
   Haftar, as does "HAFTAR FORCES") or the same entity ("Al-Wefaq government"
   stays "Al-Wefaq": offsets cover the name).

Demonyms
========
"Turkish", "Russians" or "Libyan" are adjectives, not mentions, by default:
"Turkish Foreign Minister" mentions a minister, not Turkey. With
``demonyms=True`` each demonym (from a built-in English table of about 90
countries, and Arabic adjectives of origin) is reported and linked to its
country when the gazetteer has it (an entity of ``kind == "country"`` with that
ISO code), with score 1.0 and a ``why`` that says it was a demonym. A demonym
that is part of a gazetteer name ("Libyan National Army", "Turkish military")
is part of that mention either way.

Speed
=====
Every distinct span string is cut and resolved once per resolver and
remembered (news repeats its names), so the cost grows with the number of
distinct names rather than with the length of the text: about 1–3 MB/s on
news on one core. See ``benchmarks/bench_scan.py``. The caches belong to the
resolver (a :class:`Resolver` that is garbage collected takes them along;
:func:`namenorm.reset_caches` replaces the default one) and are cleared when
they pass 200,000 entries.
"""

from __future__ import annotations

import argparse
import bisect
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
from namenorm.parts import TITLES, ParsedName, parse
from namenorm.resolve import Match, Resolver, check_types, default_resolver
from namenorm.score import DEFAULT_THRESHOLD, Comparison, explain_compare

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
# One word matched fuzzily needs at least this spelling similarity.
_SINGLE_SPELLING = 0.80
# How far (in characters per word) to look around a lower-case word for the name it is part of.
_PHRASE_REACH = 40
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
# Words of organisation names that do not tell one organisation from another.
_GENERIC_NAME_WORDS = _ORG_NOUNS | frozenset(
    """
    national armed news international united islamic arab democratic republic people peoples popular
    general central high supreme revolutionary federal state states kingdom liberation new free public
    nationale armee nazionale forze forces
    """.split()
)
# Lower-case words allowed inside a capitalised span (never at its edges).
_PARTICLES = frozenset(
    """
    al el il ul ar as ash ad an at az ath adh bin ibn ben bint ould abu abd abdel abdul de da di del della
    dei degli der den van von le la les las los du des dos do das die of the y e i and und et
    аль эль ас ад ан ар аш аз бен бин ибн бинт абу абд ван фон де дю ла ле
    της του των και
    """.split()
)
# Joined to the word after them by the parser ("Abdel Fattah" is one part, "abdelfattah"),
# so they are joined here too: a name never starts or ends between them.
_JOINERS = frozenset("abd abdel abdul abdal abdol abdu abdoul abdur abdar abu abou abo".split())
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
_DEMONYMS: dict[str, str] = dict(item.split(":") for item in _DEMONYM_TABLE.split())
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
_GLUED = r"(?:(?:a[lnrstdz]|ash|adh|ath|e[lnr]|[dl]|аль|эль|а[сдншрз])[-‐'’])"
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
    rf"(?:{_GLUED}|(?:[Aa][lnrstdz]|[Ee]l|[Аа]ль|[Ээ]ль)[-‐](?=[{_UP}]))?"
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
_INITIAL_SKIP = frozenset(" \t\u00a0\"'“”‘’«»„‚([{—–-*•·")
_SENTENCE_END = frozenset(".!?:;…")
_PHRASE_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# Russian case endings and what the nominative ends in instead (longest first): "Лаврова",
# "Ливии", "Москве", "Мевлютом", "Захаровой", "Сергея".
_RU_ENDINGS = (
    ("ией", "ия"), ("ии", "ия"), ("ию", "ия"), ("ой", "а"), ("ою", "а"), ("ым", ""), ("ом", ""),
    ("ем", "й"), ("ем", ""), ("ы", "а"), ("е", "а"), ("у", "а"), ("а", ""), ("у", ""), ("е", ""),
    ("я", "й"), ("ю", "й"), ("е", "й"), ("и", "а"), ("и", "я"),
)
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


# --- Judging one match ------------------------------------------------------------

_CASED_SCRIPTS = ("latin", "cyrillic", "greek")


def _no_vowels(token: str) -> bool:
    return not any(c in "aeiouy" for c in token)


def _pairs_hold(span: str, name: str, person: bool = False) -> tuple[bool, bool]:
    """Whether ``span`` matches gazetteer name ``name`` word by word: (sound, exact).

    The resolver's score is a weighted mean; this asks more of a name found in
    running text, where most capitalised words are not names at all.
    """
    comp = explain_compare(span, name)
    if comp.method == "exact":
        return True, True
    if comp.method != "parts" and comp.method != "joined":
        return False, False
    query = parse(span)
    caseless = query.script not in _CASED_SCRIPTS
    if comp.method == "joined":
        return comp.score >= 0.9 and not caseless, False
    if len(query.core) > len(parse(name).core) and comp.extra:
        return False, False  # the span has words the name lacks
    single = len(query.core) == 1
    strong = 0
    distinctive = 0
    for p in comp.pairs:
        if p.method == "initial":
            continue
        if p.method != "exact":
            if single and caseless:
                return False, False  # without vowels, near spellings abound: one word must be exact
            if min(len(p.a), len(p.b)) < 4 or _no_vowels(p.a) or _no_vowels(p.b):
                return False, False  # short words and acronyms must be exact ("ON" is not "ONU")
            spelling = Indel.normalized_similarity(p.a, p.b)
            # One word needs a close spelling, not just an equal skeleton: "Curate" is not "Croatie".
            if single and spelling < _SINGLE_SPELLING:
                return False, False
            skeleton = p.method == "skeleton" and "/" not in p.key and len(p.key) >= _SKELETON_MIN
            if spelling < _SPELLING_AGREE and not skeleton:
                return False, False
        strong += 1
        distinctive += p.a not in _GENERIC_NAME_WORDS
    if strong == 0:
        return False, False
    if comp.extra:
        # Part of a longer name: most of it, in order, by words that say more than
        # "National" or "Agency", and a person's surname among them.
        name_core = len(parse(name).core)
        seq = [n for _q, n in sorted(_aligned(query, parse(name), comp))]
        if strong < 2 or 2 * strong <= name_core or not distinctive:
            return False, False  # "Sergey" alone is not Sergey Lavrov; "News Agency" not Anadolu Agency
        if seq != sorted(seq):
            return False, False  # another order: "Forces Turkish"
        if person and name_core - 1 not in seq:
            return False, False  # given names without the surname: "Muhammad Yunis" is not al-Menfi
    return True, False


def _aligned(query: ParsedName, name: ParsedName, comp: Comparison) -> list[tuple[int, int]]:
    """(query part, name part) positions of the aligned pairs."""
    swapped = query.folded > name.folded  # compare_parsed puts the smaller fold first
    q_texts = [p.text for p in query.core]
    n_texts = [p.text for p in name.core]
    out = []
    for pair in comp.pairs:
        q, n = (pair.b, pair.a) if swapped else (pair.a, pair.b)
        if q in q_texts and n in n_texts:
            out.append((q_texts.index(q), n_texts.index(n)))
    return out


def _judge(span: str, m: Match) -> tuple[bool, bool]:
    """(sound, exact) for the resolver's best match of a span.

    A match through another script's spelling must also hold against one of the
    entity's names in the span's own script, when it has any: "List" is close
    to a romanised Arabic "Lesotho" (ليسوتو), but not to "Lesotho".
    """
    person = m.entity.type == "person"
    sound, exact = _pairs_hold(span, m.name, person)
    script, name_script = parse(span).script, parse(m.name).script
    # An exact fold with a name in an abjad says little: عمان reads "aman" (Oman, and Amman).
    if not sound or (exact and (name_script == script or name_script in _CASED_SCRIPTS)):
        return sound, exact
    if name_script != script:
        same = [n for n in m.entity.names if parse(n).script == script]
        if same and not any(_pairs_hold(span, n, person)[0] for n in same):
            return False, False
    return True, False


# --- Pieces of a span -----------------------------------------------------------

_NAME, _DEMONYM, _UNKNOWN = 0, 1, 2


@dataclass(frozen=True, slots=True)
class _Piece:
    """A part of a span: relative offsets, what it is, and (for names) its match."""

    start: int
    end: int
    kind: int
    match: Match | None = None
    #: the demonym; or a lone word (an unknown name, or a name matched only
    #: fuzzily) whose capitalisation alone says little at a sentence start
    word: str = ""


@dataclass(frozen=True, slots=True)
class _Tok:
    start: int
    end: int
    text: str
    low: str  #: lower-cased, possessive dropped
    particle: bool  #: a lower-case particle (never at the edge of a mention)
    possessive: bool  #: the word had a possessive 's (a mention ends here)
    upper: bool  #: an acronym: the common-word list does not apply


def _make_tok(m: re.Match[str]) -> _Tok:
    raw = m.group()
    start, end = m.start(), m.end()
    possessive = len(raw) > 3 and bool(_POSSESSIVE.search(raw))
    if possessive:
        raw = raw[:-2]
        end -= 2
    low = raw.lower()
    particle = raw[:1].islower() and low in _PARTICLES
    return _Tok(start, end, raw, low, particle, possessive, len(raw) > 1 and raw.isupper())


def _is_common(tok: _Tok) -> bool:
    return not tok.upper and tok.low in _LEXICON


def _is_cyrillic(text: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in text)


_SearchResult = tuple[Match, bool]  # (match, fuzzy one-word match)


class _Scanner:
    """What scanning needs of one resolver, built once, and the per-span caches."""

    def __init__(self, resolver: Resolver) -> None:
        # Weakly: the registry's key is the resolver, and a value that held its key
        # would keep both alive for ever.
        self._resolver = weakref.ref(resolver)
        self._lock = threading.Lock()
        self._built = False
        self._folds: set[str] = set()
        self._skeletons: set[str] = set()
        self._phrases: dict[str, int] = {}  #: folded name with lower-case words -> word count
        self._anchors: dict[str, list[tuple[int, int]]] = {}  #: lower-case word -> (index, length)
        self._anchor_words: tuple[str, ...] = ()
        self._reach: dict[str, tuple[int, int]] = {}  #: anchor -> (words before it, words after it)
        self._neighbours: dict[str, set[str]] = {}  #: anchor -> folds of the word beside it
        self._phrase_cache: dict[tuple[str, int], tuple[int, int, Match] | None] = {}
        self._countries: dict[str, Entity] = {}
        self._plausible: dict[str, bool] = {}
        self._pairs: set[str] = set()  #: "word|word" for two words of one gazetteer name, in order
        self._pair_ok: dict[tuple[str, str], bool] = {}
        self._best: dict[str, _SearchResult | None] = {}
        self._segments: dict[tuple[str, float], tuple[_Piece, ...]] = {}
        self._demonym_matches: dict[str, Match | None] = {}

    def resolver(self) -> Resolver:
        """The resolver this scanner serves (alive while anyone scans with it)."""
        r = self._resolver()
        if r is None:  # pragma: no cover - the caller holds the resolver during a scan
            raise RuntimeError("the resolver of this scanner is gone")
        return r

    # -- one-time preparation ------------------------------------------------------

    def build(self) -> None:
        """Collect the gazetteer's words, lower-case names and countries (once)."""
        if self._built:
            return
        with self._lock:
            if self._built:
                return
            index = self.resolver().index
            for (_ei, name), parsed in zip(index.names, index.parsed, strict=True):
                for part in parsed.core:
                    self._folds.add(part.text)
                    self._skeletons.update(k for k in part.keys if len(k) >= 2)
                parts = parsed.parts
                for a in range(len(parts)):
                    for b in range(a + 1, len(parts)):
                        pa, pb = parts[a], parts[b]
                        self._pairs.add(f"{pa.text}|{pb.text}")
                        self._pairs.update(f"{x}|{y}" for x, y in zip(pa.keys, pb.keys, strict=True))
                self._add_phrase(name, parsed.folded)
            for ent in index.entities:
                if ent.kind == "country" and ent.country and ent.country not in self._countries:
                    self._countries[ent.country] = ent
            for word, spots in self._anchors.items():
                spots.sort(key=lambda spot: -spot[1])  # longest name first
                self._reach[word] = (max(i for i, _n in spots), max(n - i - 1 for i, n in spots))
            self._anchor_words = tuple(sorted(self._anchors, key=len, reverse=True))
            self._built = True

    def _add_phrase(self, name: str, folded: str) -> None:
        words = _PHRASE_WORD.findall(name)
        if not 2 <= len(words) <= _MAX_WORDS:
            return
        lower = [i for i, w in enumerate(words) if w[:1].islower() and w.lower() not in _PARTICLES and len(w) > 2]
        if not lower or fold(" ".join(words)) != folded:
            return  # nothing lower-case, or words that do not line up with the fold
        self._phrases[folded] = len(words)
        # Looked for around one word only: its longest lower-case word that is not a common one.
        i = max(lower, key=lambda k: (words[k].lower() not in _STOPWORDS, len(words[k]), -k))
        spots = self._anchors.setdefault(words[i], [])
        if (i, len(words)) not in spots:
            spots.append((i, len(words)))
        # The word next to it (before it, or after it when it comes first), to reject most hits cheaply.
        self._neighbours.setdefault(words[i], set()).add(fold(words[i - 1] if i else words[i + 1]))

    # -- resolving one candidate string ------------------------------------------

    def plausible(self, word: str) -> bool:
        """Could this word be part of a gazetteer name (its fold or skeleton occurs in one)?"""
        known = self._plausible.get(word)
        if known is None:
            known = any(
                part.text in self._folds or any(k in self._skeletons for k in part.keys) for part in parse(word).core
            ) or (_is_cyrillic(word) and self._nominative(word) != word)
            if len(self._plausible) > _CACHE_LIMIT:
                self._plausible.clear()
            self._plausible[word] = known
        return known

    def together(self, first: str, last: str) -> bool:
        """Could ``first`` ... ``last`` be the first and last words of one gazetteer name?

        A cheap test before a multi-word span goes to the resolver: some gazetteer
        name must have the two words (by fold or by skeleton), in this order.
        """
        key = (first, last)
        known = self._pair_ok.get(key)
        if known is None:
            known = self._together(first, last)
            if not known and _is_cyrillic(first + last):
                known = self._together(self._nominative(first), self._nominative(last))
            if len(self._pair_ok) > _CACHE_LIMIT:
                self._pair_ok.clear()
            self._pair_ok[key] = known
        return known

    def _together(self, first: str, last: str) -> bool:
        fa, lb = parse(first).parts, parse(last).parts
        if not fa or not lb:
            return False
        a = next((p for p in fa if not p.optional), fa[0])
        b = lb[-1]
        pairs = self._pairs
        return f"{a.text}|{b.text}" in pairs or any(f"{x}|{y}" in pairs for x, y in zip(a.keys, b.keys, strict=True))

    def best(self, span: str) -> _SearchResult | None:
        """The resolver's best match for a span when it holds word by word (any score)."""
        if span in self._best:
            return self._best[span]
        found = self.resolver().candidates(span, limit=1)
        result: _SearchResult | None = None
        if found:
            m = found[0]
            sound, exact = _judge(span, m)
            acronym = span.isupper() and len(span) <= 5 and " " not in span
            if sound and (exact or not acronym):
                result = (m, not exact and len(parse(span).core) == 1)
        if len(self._best) > _CACHE_LIMIT:
            self._best.clear()
        self._best[span] = result
        return result

    def demonym_match(self, word: str) -> Match | None:
        """The country a demonym names, as a Match, or ``None``."""
        low = word.lower()
        if low not in self._demonym_matches:
            ent = self._countries.get(_DEMONYMS.get(low, ""))
            self._demonym_matches[low] = (
                Match(word, ent, 1.0, ent.name, f"demonym {low!r} of {ent.name!r}") if ent else None
            )
        return self._demonym_matches[low]

    def _nominative(self, word: str) -> str:
        """A Russian word in an oblique case, turned into a word the gazetteer has (else unchanged)."""
        low = word.lower()
        for ending, repl in _RU_ENDINGS:
            if low.endswith(ending) and len(low) - len(ending) >= 3:
                guess = word[: len(word) - len(ending)] + repl
                if fold(guess) in self._folds:
                    return guess
        return word

    # -- cased scripts ---------------------------------------------------------------

    def segment(self, span: str, cut: float) -> tuple[_Piece, ...]:
        """Cut one capitalised span into names, demonyms and unknown names."""
        key = (span, cut)
        done = self._segments.get(key)
        if done is not None:
            return done
        toks = [_make_tok(m) for m in _WORD.finditer(span)]
        # A headline in capitals: capitals say nothing, the common-word list applies.
        shouting = len(toks) > 1 and 2 * sum(t.upper or len(t.text) == 1 for t in toks) >= len(toks)
        if shouting:
            toks = [_Tok(t.start, t.end, t.text, t.low, False, t.possessive, False) for t in toks]
        toks = _join_units(span, toks)
        pieces: list[_Piece] = []
        group: list[_Tok] = []
        for tok in toks:
            group.append(tok)
            if tok.possessive:
                pieces.extend(self._segment_group(span, group, cut))
                group = []
        if group:
            pieces.extend(self._segment_group(span, group, cut))
        if shouting:
            pieces = [p for p in pieces if p.kind != _UNKNOWN]
        result = tuple(pieces)
        if len(self._segments) > _CACHE_LIMIT:
            self._segments.clear()
        self._segments[key] = result
        return result

    def _lookup(self, span: str, toks: list[_Tok], cut: float) -> _SearchResult | None:
        found = self.best(span)
        if found is None and _is_cyrillic(span):
            # Russian declines names: "Лаврова", "Ливии", "Москве".
            guess = span
            for tok in reversed(toks):
                nom = self._nominative(tok.text)
                if nom != tok.text:
                    guess = guess[: tok.start - toks[0].start] + nom + guess[tok.end - toks[0].start :]
            if guess != span:
                found = self.best(guess)
                if found is not None:
                    m, fuzzy = found
                    found = (Match(span, m.entity, m.score, m.name, f"read as {guess!r}; {m.why}"), fuzzy)
        if found is None or found[0].score < cut:
            return None
        if len(toks) > 1 and fold(found[0].name) in self._phrases:
            # A description built on a person's name ("Haftar's forces") stays the person.
            for tok in toks:
                part = self.best(tok.text)
                if part is not None and part[0].entity.type == "person" and part[0].score >= cut:
                    return None
        return found

    def _reach_from(self, toks: list[_Tok], i: int) -> int:
        """How far a name starting at word ``i`` can reach: titles in front, then words
        that follow one another in some gazetteer name (particles between them)."""
        n = min(len(toks), i + _MAX_WORDS)
        k = i
        while k + 1 < n and toks[k].low in _TITLE_LIKE and not self.together(toks[k].text, toks[k + 1].text):
            k += 1  # titles and demonyms in front
        prev = toks[k].text
        k += 1
        while k < n:
            if not toks[k].particle:
                if not self.together(prev, toks[k].text):
                    break
                prev = toks[k].text
            k += 1
        return k

    def _segment_group(self, span: str, toks: list[_Tok], cut: float) -> list[_Piece]:
        n = len(toks)
        pieces: list[_Piece] = []
        leftover: list[_Tok] = []
        i = 0
        while i < n:
            found = None
            if not toks[i].particle and (self.plausible(toks[i].text) or toks[i].low in _TITLE_LIKE):
                for j in range(self._reach_from(toks, i), i, -1):
                    last = toks[j - 1]
                    if last.particle or not self.plausible(last.text):
                        continue
                    if (j - i == 1 and _is_common(last)) or (j - i > 1 and not self.together(toks[i].text, last.text)):
                        continue
                    hit = self._lookup(span[toks[i].start : last.end], toks[i:j], cut)
                    if hit is not None:
                        found = (j, hit)
                        break
            if found is None:
                leftover.append(toks[i])
                i += 1
                continue
            j, (m, fuzzy) = found
            first = _first_name_word(toks, i, j, m)
            leftover.extend(toks[i:first])
            pieces.extend(_leftovers(leftover))
            leftover = []
            pieces.append(_Piece(toks[first].start, toks[j - 1].end, _NAME, m, toks[first].text if fuzzy else ""))
            i = j
        pieces.extend(_leftovers(leftover))
        return _absorb_fuzzy(span, pieces)

    # -- caseless scripts -------------------------------------------------------------

    def caseless(self, text: str, cut: float) -> Iterator[tuple[int, int, Match, bool]]:
        """Mentions in Arabic-script (and other caseless) text: (start, end, match, nisba)."""
        cut = max(cut, CASELESS_THRESHOLD)
        words: list[tuple[int, int]] = []
        for m in _CASELESS_WORD.finditer(text):
            if words and not _CASELESS_GAP.fullmatch(text, words[-1][1], m.start()):
                yield from self._caseless_run(text, words, cut)
                words = []
            words.append(m.span())
        yield from self._caseless_run(text, words, cut)

    def _caseless_run(
        self, text: str, words: list[tuple[int, int]], cut: float
    ) -> Iterator[tuple[int, int, Match, bool]]:
        # Each word's usable part: a one-letter proclitic is split off a word that is
        # no name by itself; a word that is only an article cannot open or close a name.
        usable: list[tuple[int, int] | None] = []
        edge: list[bool] = []
        for s, e in words:
            w = text[s:e]
            if self.plausible(w):
                usable.append((s, e))
            elif len(w) > 3 and w[0] in _PROCLITICS and self.plausible(w[1:]):
                usable.append((s + 1, e))
            else:
                usable.append(None)
            edge.append(not all(t in _PARTICLES for t in fold(w).split()))
        n = len(words)
        i = 0
        while i < n:
            first = usable[i]
            hit = None
            if first is not None:
                for j in range(min(n, i + _MAX_CASELESS_WORDS), i, -1):
                    last = usable[j - 1]
                    if last is None or (j - i > 1 and not (edge[i] and edge[j - 1])):
                        continue
                    s, e = first[0], last[1]
                    if j - i > 1 and not self.together(text[s : words[i][1]], text[words[j - 1][0] : e]):
                        continue
                    found = self.best(text[s:e])
                    if found is not None and found[0].score >= cut:
                        hit = (j, s, e, found[0])
                        break
            if hit is None:
                i += 1
                continue
            j, s, e, m = hit
            yield s, e, m, j - i == 1 and _is_nisba(text[s:e], m)
            i = j

    # -- known lower-case names ------------------------------------------------------

    def phrases(self, text: str, words: set[str]) -> Iterator[tuple[int, int, Match]]:
        """Gazetteer names with lower-case words, found by exact (folded) lookup.

        Args:
            text: the text.
            words: the set of its words (``_PHRASE_WORD`` tokens).
        """
        present = [w for w in self._anchor_words if w in words]
        if not present:
            return
        pattern = re.compile(r"(?<![^\W\d_])(?:" + "|".join(map(re.escape, present)) + r")(?![^\W\d_])")
        seen: set[tuple[int, int]] = set()
        for hit in pattern.finditer(text):
            anchor = hit.group()
            before, after = self._reach[anchor]
            lo = max(0, hit.start() - _PHRASE_REACH * max(1, before))
            hi = min(len(text), hit.end() + _PHRASE_REACH * max(1, after))
            window = text[lo:hi]
            key = (window, hit.start() - lo)
            if key in self._phrase_cache:
                got = self._phrase_cache[key]
            else:
                got = self._phrase_at(window, hit.start() - lo, anchor)
                if len(self._phrase_cache) > _CACHE_LIMIT:
                    self._phrase_cache.clear()
                self._phrase_cache[key] = got
            if got is not None and (lo + got[0], lo + got[1]) not in seen:
                seen.add((lo + got[0], lo + got[1]))
                yield lo + got[0], lo + got[1], got[2]

    def _phrase_at(self, window: str, at: int, anchor: str) -> tuple[int, int, Match] | None:
        """The gazetteer name with lower-case words around ``anchor`` at ``window[at:]``, if any."""
        words = [w.span() for w in _PHRASE_WORD.finditer(window)]
        k = next((x for x, (s, _e) in enumerate(words) if s == at), -1)
        if k < 0:
            return None
        beside = self._neighbours[anchor]
        if not (
            (k > 0 and fold(window[slice(*words[k - 1])]) in beside)
            or (k + 1 < len(words) and fold(window[slice(*words[k + 1])]) in beside)
        ):
            return None  # most hits: "the government said"
        for idx, length in self._anchors[anchor]:
            a, b = k - idx, k - idx + length
            if a < 0 or b > len(words):
                continue
            s, e = words[a][0], words[b - 1][1]
            if _PHRASE_BREAK.search(window, s, e):
                continue
            raw = window[s:e]
            if self._phrases.get(fold(raw)) != length:
                continue
            found = self.best(raw)
            if found is not None and found[0].score >= 0.98:
                return s, e, found[0]
        return None


def _absorb_fuzzy(span: str, pieces: list[_Piece]) -> list[_Piece]:
    """A word matched only fuzzily, right beside an unknown name, is part of that name:
    "Kong" of "Hong Kong" is not the Kongo (de) of Congo, "Jamal" of "Jamal Khashoggi"
    not the village of Al Jamil."""
    out: list[_Piece] = []
    for p in pieces:
        prev = out[-1] if out else None
        if prev is not None and _touch(span, prev, p):
            fuzzy_p = p.kind == _NAME and bool(p.word)
            fuzzy_prev = prev.kind == _NAME and bool(prev.word)
            if (prev.kind == _UNKNOWN and (fuzzy_p or p.kind == _UNKNOWN)) or (fuzzy_prev and p.kind == _UNKNOWN):
                out[-1] = _Piece(prev.start, p.end, _UNKNOWN)
                continue
        out.append(p)
    return out


def _touch(span: str, a: _Piece, b: _Piece) -> bool:
    gap = span[a.end : b.start]
    return len(gap) <= 2 and (not gap or gap.isspace() or gap in "-‐")


def _join_units(span: str, toks: list[_Tok]) -> list[_Tok]:
    """Join "Abdel"/"Abu"/"Abd al" to the word after them, as the name parser does."""
    if not any(t.low in _JOINERS for t in toks):
        return toks
    out: list[_Tok] = []
    k = 0
    while k < len(toks):
        t = toks[k]
        end = k
        if t.low in _JOINERS and not t.possessive and not t.particle:
            end = k + 1
            while end < len(toks) and toks[end].particle and end + 1 < len(toks):
                end += 1  # "Abd al Hamid"
            if end >= len(toks) or toks[end].particle:
                end = k
        if end == k:
            out.append(t)
        else:
            last = toks[end]
            text = span[t.start : last.end]
            out.append(_Tok(t.start, last.end, text, text.lower(), False, last.possessive, t.upper and last.upper))
        k = end + 1
    return out


def _first_name_word(toks: list[_Tok], i: int, j: int, m: Match) -> int:
    """Skip the titles and demonyms in front of a name, unless they are part of it."""
    name_words = set(fold(m.name).split())
    if m.entity.type == "person":
        name_words -= _TITLES
    k = i
    while k < j - 1 and (toks[k].particle or (toks[k].low in _FRONT_WORDS and fold(toks[k].text) not in name_words)):
        k += 1
    return k


def _leftovers(run: list[_Tok]) -> list[_Piece]:
    """Words that resolved to nothing: demonyms, and what is left of an unknown name."""
    if not run:
        return []
    out: list[_Piece] = []
    # "Russian Foreign Ministry" is a name; "Turkish Foreign Minister" is not.
    org = len(run) > 1 and run[-1].low in _ORG_NOUNS
    edge = _EDGE_WORDS if org else _LEXICON
    a, b = 0, len(run)
    while a < b and (run[a].particle or (run[a].low in edge and not (run[a].upper and run[a].low not in _EDGE_WORDS))):
        a += 1
    while b > a and (run[b - 1].particle or (run[b - 1].low in edge and not run[b - 1].upper)):
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


def _is_nisba(word: str, m: Match) -> bool:
    """An Arabic adjective of origin (ليبية "Libyan") that the resolver read as its country."""
    return m.entity.kind == "country" and word.endswith(_ARABIC_NISBA) and not m.name.endswith(_ARABIC_NISBA)


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
    sc.build()
    return sc


def _sentence_initial(text: str, pos: int) -> bool:
    """Whether a word at ``pos`` opens a sentence, a line or the text."""
    i = pos - 1
    while i >= 0:
        c = text[i]
        if c == "\n" or c == "\r":
            return True
        if c not in _INITIAL_SKIP:
            return c in _SENTENCE_END
        i -= 1
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
    wanted = check_types(types)
    res = resolver if resolver is not None else default_resolver()
    cut = float(res.threshold if threshold is None else threshold)
    sc = _scanner_for(res)
    found: list[Mention] = []
    # One-word names whose capital may only mean a sentence start: (mention, at start, word).
    lone: list[tuple[Mention, bool, str]] = []
    mid_sentence: set[str] = set()
    for span_match in _SPAN.finditer(text):
        base = span_match.start()
        initial = _sentence_initial(text, base)
        for p in sc.segment(span_match.group(), cut):
            start, end = base + p.start, base + p.end
            if p.kind == _DEMONYM:
                dm = sc.demonym_match(p.word) if demonyms else None
                if dm is not None:
                    found.append(Mention(start, end, text[start:end], dm))
                continue
            if p.kind == _UNKNOWN and not unknown:
                continue
            mention = Mention(start, end, text[start:end], p.match)
            if not p.word:
                found.append(mention)
                continue
            at_start = initial and p.start == 0
            lone.append((mention, at_start, p.word))
            if not at_start:
                mid_sentence.add(p.word)
    words = set(_PHRASE_WORD.findall(text))
    if lone:
        for mention, at_start, word in lone:
            if mention.match is None and word.lower() in words and not word.isupper():
                continue  # a common word, capitalised ("Mercenaries" as a heading)
            if at_start and word not in mid_sentence and (mention.match is None or (word.isascii() and word.isalpha())):
                continue  # capitalised only where every word is (a plain word: "Curate" ~ Croatie)
            found.append(mention)
    if not text.isascii():
        for s, e, m, nisba in sc.caseless(text, cut):
            if not nisba:
                found.append(Mention(s, e, text[s:e], m))
            elif demonyms:
                why = f"demonym of {m.entity.name!r}"
                found.append(Mention(s, e, text[s:e], Match(text[s:e], m.entity, 1.0, m.entity.name, why)))
    found = _drop_overlaps(found)
    found = _merge_phrases(text, found, sc.phrases(text, words))
    if wanted is not None:
        found = [x for x in found if x.match is None or x.match.entity.type in wanted]
    return found


def _drop_overlaps(found: list[Mention]) -> list[Mention]:
    """In text order, without overlaps: where the passes meet (Latin letters run into
    Arabic ones, say), a resolved mention beats an unknown one, then the longer wins."""
    found.sort(key=lambda x: (x.start, -x.end))
    if all(a.end <= b.start for a, b in zip(found, found[1:])):
        return found  # the usual case: nothing to do
    ranked = sorted(found, key=lambda x: (x.match is None, -(x.end - x.start), x.start))
    starts: list[int] = []  # kept mentions, sorted by start, never overlapping
    kept: list[Mention] = []
    for m in ranked:
        i = bisect.bisect_left(starts, m.start)
        if (i > 0 and kept[i - 1].end > m.start) or (i < len(kept) and kept[i].start < m.end):
            continue
        starts.insert(i, m.start)
        kept.insert(i, m)
    return kept


def _merge_phrases(text: str, found: list[Mention], phrases: Iterator[tuple[int, int, Match]]) -> list[Mention]:
    """Put known lower-case names in, unless they would swallow a person or the same entity.

    ``found`` is sorted and does not overlap itself, so the mentions a phrase touches
    are found by bisection.
    """
    ends = [x.end for x in found]
    dropped: set[int] = set()
    added: list[Mention] = []
    for s, e, m in phrases:
        lo = bisect.bisect_right(ends, s)  # first mention ending after s
        hi = lo
        while hi < len(found) and found[hi].start < e:
            hi += 1
        inside = found[lo:hi]
        if any(x.start < s or x.end > e for x in inside):
            continue  # crosses a mention's edge
        if any(x.match is not None and (x.match.entity.type == "person" or x.match.entity.id == m.entity.id)
               for x in inside):
            continue
        if added and added[-1].end > s:
            continue  # overlaps the phrase before it
        dropped.update(range(lo, hi))
        added.append(Mention(s, e, text[s:e], m))
    if not added:
        return found
    out = [x for k, x in enumerate(found) if k not in dropped] + added
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
        epilog="Output: start-end, the name as written, then 'entity (id) score', or '?' when unknown.",
    )
    ap.add_argument("file", metavar="FILE", help="a UTF-8 text file, or '-' for stdin")
    ap.add_argument("--json", action="store_true", help="JSON Lines: start, end, text, id, name, type, score, ...")
    ap.add_argument("-g", "--gazetteer", metavar="PATH", help="a CSV/TSV/JSONL gazetteer instead of the built-in one")
    ap.add_argument(
        "-t", "--type", action="append", choices=ENTITY_TYPES, dest="types", help="only this type (repeatable)"
    )
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


def _read_input(path: str) -> tuple[bytes, str]:
    if path == "-":
        stdin: IO[bytes] | None = getattr(sys.stdin, "buffer", None)
        if stdin is None:
            return sys.stdin.read().encode("utf-8", "surrogateescape"), "<stdin>"
        return stdin.read(), "<stdin>"
    try:
        with open(path, "rb") as fh:
            return fh.read(), path
    except OSError as exc:
        raise _ScanUsageError(f"namenorm scan: cannot read {path}: {exc.strerror or exc}") from None


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
        resolver = Resolver(Gazetteer.load(args.gazetteer)) if args.gazetteer else None
        data, label = _read_input(args.file)
        text = _decode(data, label, err)
        mentions = scan(
            text, resolver=resolver, types=args.types, threshold=args.threshold,
            demonyms=args.demonyms, unknown=not args.known,
        )
        for mention in mentions:
            print(json.dumps(mention.to_dict(), ensure_ascii=False) if args.json else _readable(mention), file=out)
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
