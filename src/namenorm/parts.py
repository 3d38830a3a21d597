"""Split a folded name into parts: tokens with their keys and roles.

What happens to the tokens of a folded name:

- Titles, honorifics and ranks ("president", "retired major general",
  "foreign minister", "sheikh") and demonyms in front of them become
  *optional*: they count when both names have them, cost nothing when one
  lacks them. They are dropped from the front only when a name part follows.
- Particles (``al el ar as ash ad an at az ud ul`` and ``bin ibn ben bint
  ould``, ``de da di van von``...) are optional too. A part after ``bin`` or
  ``ibn`` is marked as a patronymic.
- Turkish ``-oğlu`` written as a word of its own (as Arabic script writes
  it: جاويش أوغلو) is joined to the part before it.
- ``abd``/``abdel``/``abdul``/``abu``/``abou`` are joined to the next part, with
  an article between them if there is one: "Abd al-Hamid", "Abdul Hamid" and
  "Abdelhamid" all give one part.
- Words that say what kind of place or body a name is ("air base",
  "airport", "oil field", "group", "agency", ...) are optional beside a word
  that says which one, and required when nothing else is left.
- A name written "SURNAME, Given" is read in either order anyway: alignment
  of parts does not depend on order.

Each part carries its fold, its transliteration skeletons
(:mod:`namenorm.keys`) and a weight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from namenorm._config import MAX_TOKENS
from namenorm.keys import skeletons
from namenorm.normalize import fold, script_of

__all__ = ["Part", "ParsedName", "parse"]

_ARTICLES = frozenset(
    "al el il ul ud ar er as es ash esh ad ed an en at et az ez ath adh".split()
)
# "bn" is بن romanised without its unwritten vowel.
_NASAB = frozenset("bin ibn ben bint ould walad ibnu bn".split())
# "X al-Din" is one name (Salah al-Din = Salahuddin = Selahattin, Fakhr al-Din =
# Fahrettin): "din" after an article, or the article and "din" written as one word.
_DIN = frozenset("din deen dine diin".split())
_DIN_WORD = re.compile(r"^[aeiu][ldt][dt]ine?$")
_OTHER_PARTICLES = frozenset(
    "de da di del della der den van von le la du des dos do of the y e and und et".split()
)
_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,6}$")
_PATRONYMIC_SUFFIXES = frozenset("oglu oghlu ughlu uglu ogly ogli oglou".split())
_JOINERS = frozenset("abd abdel abdul abdal abdol abdu abdoul abdur abdar abu abou abo".split())
TITLES = frozenset(
    """
    president vice prime minister ministers foreign defence defense interior
    secretary general major retired field marshal lieutenant colonel brigadier
    commander captain admiral gen col maj lt brig cmdr capt sgt sergeant
    sheikh shaikh sheik shaykh sayyid sayed sheikha emir amir king queen prince
    princess crown sultan mr mrs ms miss dr prof professor sir lord lady
    his her excellency honourable hon chairman chairwoman chair speaker
    spokesman spokeswoman spokesperson envoy ambassador special representative
    deputy head leader chief pm mp senator governor mayor haj hajj hajji haji
    mullah imam ayatollah pope former late ex self proclaimed strongman warlord
    chancellor premier dictator prasident presidente presidente monsieur madame
    herr frau senor senora signor signora dottore docteur
    """.split()
)
_PARTICLES_ALL = _ARTICLES | _NASAB | _OTHER_PARTICLES
DESIGNATORS = frozenset(
    """
    air base airbase airport airfield international port harbour harbor oil field
    terminal district governorate province municipality group company agency
    city town village cidade ciudad citta ville stadt lungsod kota gorod shahr
    madinat shahrestan republic kingdom state federation emirate sultanate
    principality commonwealth
    township county borough estate neighborhood neighbourhood centre center
    municipio concelho comune gemeinde selo poselok posyolok stanitsa derevnya
    khutor qishloq kishlak ilce mahalle mahallesi amphoe changwat tambon phumi
    kampung kampong nagar hsien xian shih cun machi mura
    shabia shabiya shaabiya shabiyat baldia baladiya baladiyah baladiyat mahafza
    muhafaza muhafazah muhafazat walaya wilaya wilayah wilayat mantqa mantiqa
    mantiqat qada jawia jawiya jawiyya juia haql wakala wakalat agentstvo majmua
    majmuat gruppa tanzim chvk sharka sharika kompaniya
    """.split()
)
# Designators that say one kind in several languages and spellings, as one word or two.
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "airbase": ("air", "base"), "qada": ("base",),
    **dict.fromkeys("jawia jawiya jawiyya juia".split(), ("air",)),
    **dict.fromkeys("shabia shabiya shaabiya shabiyat".split(), ("district",)),
    **dict.fromkeys("baldia baladiya baladiyah baladiyat".split(), ("municipality",)),
    **dict.fromkeys(
        "province mahafza muhafaza muhafazah muhafazat walaya wilaya wilayah wilayat".split(), ("governorate",)
    ),
    **dict.fromkeys("harbour harbor".split(), ("port",)),
    **dict.fromkeys("wakala wakalat agentstvo".split(), ("agency",)),
    **dict.fromkeys("majmua majmuat gruppa tanzim chvk".split(), ("group",)),
    **dict.fromkeys("sharka sharika kompaniya".split(), ("company",)),
}
# Count as titles only in front of one: "Turkish Foreign Minister", not "Turkish Armed Forces".
DEMONYMS = frozenset(
    """
    turkish russian libyan egyptian american french italian german syrian
    qatari emirati algerian tunisian chadian sudanese nigerien greek british
    un u s us eu
    """.split()
)


@dataclass(frozen=True, slots=True)
class Part:
    """One token of a name, with what matching needs of it."""

    text: str  #: folded ASCII text
    keys: tuple[str, str, str, str]  #: transliteration skeletons, one per reading
    optional: bool = False  #: title or particle: free to be missing
    role: str = ""  #: "" or "patronymic"
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A name broken into parts; ``core`` are the parts that must be matched."""

    folded: str
    parts: tuple[Part, ...]
    core: tuple[Part, ...] = field(default=())
    joined: str = ""  #: every non-title part, concatenated
    #: written in a script namenorm has no romaniser of its own for (CJK, Indic, ...):
    #: Unidecode's reading is too rough to compare across scripts.
    rough: bool = False
    script: str = "latin"  #: the script most of the name is written in
    acronym: bool = False  #: written as capitals of one word, 2 to 6 letters ("GNA", "U.N.")


def _make_part(text: str, optional: bool = False, role: str = "") -> Part:
    keys = skeletons(text)
    # Short parts say less: an initial or "Ali" matches by chance more often.
    weight = 0.0 if optional else min(1.0, 0.55 + 0.1 * len(text))
    return Part(text, keys, optional, role, weight)


@lru_cache(maxsize=65536)
def parse_folded(folded: str, strip_titles: bool = True, plain: bool = False) -> ParsedName:
    """Parse an already folded name (see :func:`parse`); ``strip_titles=False`` keeps
    words in front that look like titles (for "SURNAME, Given" names: "KING, Sam").
    ``plain=True`` for a name read through Unidecode (CJK, Indic, ...): every word is
    a part, for its syllables are no titles, particles or designators ("大石" is
    "da shi", and "da" is not the Portuguese particle)."""
    tokens = folded.split()[: MAX_TOKENS * 2]
    if plain:
        words = tuple(_make_part(t) for t in tokens)
        return ParsedName(folded, words, words[:MAX_TOKENS], "".join(tokens))
    # Titles in front, when a name part follows them.
    start = 0
    while strip_titles and start < len(tokens) - 1:
        tok = tokens[start]
        if tok in TITLES or (tok in DEMONYMS and tokens[start + 1] in TITLES):
            start += 1
        else:
            break
    titles = tokens[:start]
    rest = tokens[start:]
    parts: list[Part] = [_make_part(t, optional=True) for t in titles]
    i = 0
    role = ""
    while i < len(rest):
        tok = rest[i]
        nxt = rest[i + 1] if i + 1 < len(rest) else None
        if nxt in _PATRONYMIC_SUFFIXES:
            # Turkish -oğlu written apart, as Arabic script does: جاويش أوغلو = Çavuşoğlu.
            parts.append(_make_part(tok + nxt, role=role))
            role = ""
            i += 2
            continue
        if nxt is not None and tok not in _PARTICLES_ALL and not tok.isdigit():
            if _DIN_WORD.match(nxt):  # "Nour Eddine", "Salah Uddin"
                parts.append(_make_part(tok + "din", role=role))
                role = ""
                i += 2
                continue
            if nxt in _ARTICLES and i + 2 < len(rest) and rest[i + 2] in _DIN:  # "Salah al-Din"
                parts.append(_make_part(tok + "din", role=role))
                role = ""
                i += 3
                continue
        if tok in _JOINERS and nxt is not None:
            # abd + (al) + next, abu + (al) + next: one name part.
            j = i + 1
            art = ""
            if rest[j] in _ARTICLES and j + 1 < len(rest):
                art = rest[j]
                j += 1
            parts.append(_make_part(tok + art + rest[j], role=role))
            role = ""
            i = j + 1
            continue
        if nxt is not None and (tok in _ARTICLES or tok in _OTHER_PARTICLES):
            parts.append(_make_part(tok, optional=True))
        elif tok in _NASAB and nxt is not None:
            parts.append(_make_part(tok, optional=True))
            role = "patronymic"
            i += 1
            continue
        else:
            parts.append(_make_part(tok, role=role))
            role = ""
        i += 1
    # Words that say what kind of place or body a name is ("Air Base", "Group")
    # are optional beside a word that says which one: "Al-Wattia" is the
    # "Al-Watiya Air Base", "Wagner" the "Wagner Group".
    if any(p.text in DESIGNATORS for p in parts) and any(
        not p.optional and p.text not in DESIGNATORS and p.text not in DEMONYMS for p in parts
    ):
        parts = [_make_part(p.text, optional=True) if p.text in DESIGNATORS else p for p in parts]
    core = tuple(p for p in parts if not p.optional)[:MAX_TOKENS]
    non_title = [p.text for p in parts[len(titles) :]]
    joined = "".join(non_title)
    return ParsedName(folded, tuple(parts), core, joined)


def joined_keys(p: ParsedName) -> tuple[str, str, str, str]:
    """The skeletons of a name written together (worked out when first needed)."""
    return skeletons(p.joined) if p.joined else ("", "", "", "")


@lru_cache(maxsize=65536)
def parse(name: str) -> ParsedName:
    """Fold a name in any script and split it into parts.

    Args:
        name: the name, in any script.

    Returns:
        The parsed name; ``core`` is empty when the name has no letters.
    """
    # "SURNAME, Given": the first word is a surname even if it looks like a title.
    surname_first = "," in name and "," not in name[name.index(",") + 1 :]
    script = main_script(name)
    parsed = parse_folded(fold(name), strip_titles=not surname_first, plain=script == "other")
    if script != "latin":
        parsed = replace(parsed, script=script, rough=script == "other")
    if is_acronym(name):
        parsed = replace(parsed, acronym=True)
    return parsed


def is_acronym(name: str) -> bool:
    """A name written as capitals of one word, 2 to 6 letters ("NATO", "U.N.")."""
    return bool(_ACRONYM.match(name.strip()))


def is_code(name: str) -> bool:
    """A name that is a code rather than a word: capitals of one word with at
    most three letters, or with fewer than two vowels ("MRA", "TJM", "HLLT";
    not "GAZA" or "NATO"). Airport and agency codes match only as written."""
    if not _ACRONYM.match(name.strip()):
        return False
    letters = [c for c in name if c.isalpha()]
    return len(letters) <= 3 or sum(c in "AEIOUY" for c in letters) < 2


def initials(p: ParsedName) -> str:
    """The first letters of a name's words but particles ("Government of National Accord" -> "gna")."""
    words = [part.text for part in p.parts if part.text not in _PARTICLES_ALL]
    return "".join(w[0] for w in words) if len(words) > 1 else ""


def main_script(name: str) -> str:
    """The script most of a name is written in (see :func:`namenorm.normalize.script_of`)."""
    if name.isascii():
        return "latin"
    counts: dict[str, int] = {}
    for ch in name[:64]:
        sc = script_of(ch)
        if sc != "common":
            counts[sc] = counts.get(sc, 0) + 1
    if not counts:
        return "latin"
    return max(sorted(counts), key=lambda k: counts[k])
