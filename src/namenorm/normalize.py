"""Turn a name in any script into folded, lower-case ASCII Latin.

The pipeline, in order:

1. Reject non-``str`` input with :class:`TypeError`; truncate to ``MAX_NAME_LENGTH``.
2. Unicode NFC, then drop control, format (ZWJ, RLM, ...) and unassigned characters.
3. Split each whitespace token into runs of one script and romanise each run:
   Arabic script (Persian and Urdu letters too) with a name-oriented romaniser
   (:func:`_romanize_arabic`), Cyrillic (Russian, Ukrainian, Serbian, ...) and
   Greek with tables close to BGN/PCGN and to press usage, Latin by folding
   diacritics and special letters (Turkish ``ı``, German ``ß``, Polish ``ł``, ...),
   Japanese kana in Hepburn (:func:`_romanize_kana`), anything else through
   Unidecode (Hangul with ``ㄹㄹ`` read ``ll``). Mixed-script tokens such as ``Çavuşoغلlu``
   are romanised run by run, so the Arabic letters become ``gh``/``l`` in place.
4. Lower-case; apostrophes and the marks for ayn and hamza are dropped inside a
   word; any other punctuation separates tokens.

The result is what every later stage (parts, keys, score) works on.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

from namenorm._config import MAX_NAME_LENGTH

__all__ = ["normalize", "fold", "script_of"]


def _check_str(value: object, what: str = "name") -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    return value


# --- Latin --------------------------------------------------------------------

# Letters that NFD does not decompose into a base letter and a mark.
_LATIN_SPECIAL = {
    "ß": "ss",  # U+00DF LATIN SMALL LETTER SHARP S
    "ẞ": "ss",  # U+1E9E LATIN CAPITAL LETTER SHARP S
    "ı": "i",  # U+0131 LATIN SMALL LETTER DOTLESS I (Turkish)
    "ğ": "gh",  # U+011F LATIN SMALL LETTER G WITH BREVE: Turkish soft g, Arabic غ (Erdoğan = أردوغان)
    "Ğ": "gh",
    "ł": "l",  # U+0142 LATIN SMALL LETTER L WITH STROKE
    "Ł": "l",
    "ø": "o",  # U+00F8 LATIN SMALL LETTER O WITH STROKE
    "Ø": "o",
    "æ": "ae",  # U+00E6 LATIN SMALL LETTER AE
    "Æ": "ae",
    "œ": "oe",  # U+0153 LATIN SMALL LIGATURE OE
    "Œ": "oe",
    "đ": "d",  # U+0111 LATIN SMALL LETTER D WITH STROKE
    "Đ": "d",
    "ð": "d",  # U+00F0 LATIN SMALL LETTER ETH
    "Ð": "d",
    "þ": "th",  # U+00FE LATIN SMALL LETTER THORN
    "Þ": "th",
    "ħ": "h",  # U+0127 LATIN SMALL LETTER H WITH STROKE (Maltese)
    "Ħ": "h",
    "ŀ": "l",
    "ſ": "s",
    "ŋ": "ng",
    "ə": "a",  # U+0259 LATIN SMALL LETTER SCHWA (Azerbaijani)
    "Ə": "a",  # U+018F LATIN CAPITAL LETTER SCHWA
    # Marks for ayn and hamza in scholarly romanisation, read as nothing.
    "ʿ": "",  # U+02BF MODIFIER LETTER LEFT HALF RING
    "ʾ": "",  # U+02BE MODIFIER LETTER RIGHT HALF RING
    "ʼ": "",  # U+02BC MODIFIER LETTER APOSTROPHE
    "ʻ": "",  # U+02BB MODIFIER LETTER TURNED COMMA
    "ˈ": "",
}

# --- Cyrillic -----------------------------------------------------------------

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo",
    "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Ukrainian and Belarusian
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
    # Serbian, Macedonian
    "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz",
    "ѓ": "gj", "ќ": "kj", "ѕ": "dz",
    # Kazakh, Tatar, Bashkir, Kyrgyz, ...
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u",
    "һ": "h", "ҳ": "h", "ҷ": "j", "ӣ": "i", "ӯ": "u",
}
_UKRAINIAN_MARKERS = frozenset("іїєґ")
_CYR_VOWELS = frozenset("аеёиоуыэюяіїєъь")

# --- Greek --------------------------------------------------------------------

_GREEK_DIGRAPHS = (
    ("ου", "ou"), ("αι", "ai"), ("ει", "ei"), ("οι", "oi"), ("μπ", "b"),
    ("ντ", "d"), ("γκ", "g"), ("γγ", "ng"), ("αυ", "av"), ("ευ", "ev"),
)
_GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i",
    "θ": "th", "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x",
    "ο": "o", "π": "p", "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y",
    "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}

# --- Arabic script ------------------------------------------------------------

# Consonants and letters with a fixed reading.
_ARABIC = {
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d",
    "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d",
    "ط": "t", "ظ": "z", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l",
    "م": "m", "ن": "n", "ه": "h",
    "ة": "a",  # U+0629 TEH MARBUTA: the -a/-ah ending
    "ى": "a",  # U+0649 ALEF MAKSURA
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a",  # alef and its hamza forms
    "ء": "", "ؤ": "u", "ئ": "i",  # hamza on the line, on waw, on yeh
    # Persian, Urdu, Maghrebi and other letters of the script
    "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k", "ڤ": "v", "ڥ": "v",
    "ڨ": "g", "ڭ": "g", "ٹ": "t", "ڈ": "d", "ڑ": "r", "ں": "n", "ھ": "h",
    "ۀ": "a", "ە": "a", "ے": "e", "ۃ": "a",
}
_ARABIC_WAW = frozenset("وۆۇۈ")
_ARABIC_YEH = frozenset("يیېۍ")
_ARABIC_AYN = "ع"
_ARABIC_ALEFS = frozenset("اأإآٱ")
# Tashkeel, Quranic marks and tatweel carry no consonant: dropped.
_ARABIC_DROP = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


_FIRST_CONSONANT = re.compile(r"sh|th|dh|kh|gh|ch|zh|[b-df-hj-np-tv-z]")
_CONSONANT_LETTERS = frozenset("bcdfghjklmnpqrstvwxz")


def _romanize_arabic(run: str, word_start: bool) -> str:
    """Romanise one run of Arabic-script letters, the way names are written.

    Short vowels are not written in Arabic, so this gives the consonants and
    long vowels (``محمد`` → ``mahmd``, ``بولدين`` → ``buldin``), with waw and
    yeh read as consonants at the start of a word and after alef, and as the
    vowels u and i elsewhere. The article is split off as a separate ``al``
    token. A word that would start with two consonants gets an ``a`` between
    them, since Arabic words never do. The keys module compares consonant
    skeletons, so the missing short vowels cost little in matching.
    """
    run = _ARABIC_DROP.sub("", run).translate(_ARABIC_DIGITS)
    prefix = ""
    if word_start and len(run) > 3 and run[0] in "اٱ" and run[1] == "ل":
        prefix, run = "al ", run[2:]
    out: list[str] = []
    prev = ""
    for i, ch in enumerate(run):
        if i == 1 and word_start and run[0] in _ARABIC_ALEFS and (ch in _ARABIC_WAW or ch in _ARABIC_YEH):
            # An initial alef carrying a long vowel: أو = u (Ughlu, Obama), اي = i (Iran).
            out[0] = ""
            piece = "u" if ch in _ARABIC_WAW else "i"
        elif ch in _ARABIC_WAW:
            consonant = (i == 0 and word_start) or prev in _ARABIC_ALEFS or prev == "w"
            piece = "w" if consonant else "u"
        elif ch in _ARABIC_YEH:
            if i == len(run) - 1 and i > 0:
                piece = "i"
            else:
                consonant = (i == 0 and word_start) or prev in _ARABIC_ALEFS
                piece = "y" if consonant else "i"
        elif ch == "ه" and i == len(run) - 1 and i > 0 and run[i - 1] not in "اويى":
            piece = "a"  # a final heh after a consonant is the -a/-e ending (Marcuse)
        elif ch == _ARABIC_AYN:
            piece = "a" if (i == 0 and word_start) else ""
        elif ch == "ت" and run[i + 1 : i + 2] == "ص":
            # ت then ص: two consonants with an unwritten vowel between (المعتصم is
            # al-Mu'tasim), never the "ts" of foreign names, which Arabic writes تس.
            piece = "ta"
        else:
            piece = _ARABIC.get(ch, "")
            if not piece and unicodedata.category(ch).startswith("N"):
                piece = ch
        prev = "w" if piece == "w" else ch
        out.append(piece)
    text = "".join(out).replace("tsh", "ch")  # تش writes the ch of foreign names
    if word_start and len(text) >= 3:
        # Arabic words never start with two consonants: put a vowel between them.
        m = _FIRST_CONSONANT.match(text)
        if m and text[m.end() : m.end() + 1] in _CONSONANT_LETTERS:
            text = m.group() + "a" + text[m.end() :]
    return prefix + text


def _romanize_cyrillic(run: str, word_start: bool, ukrainian: bool) -> str:
    """Romanise Cyrillic; ``ukrainian`` (any і ї є ґ in the name) reads г as h, и as y."""
    low = run.lower()
    out: list[str] = []
    n = len(low)
    for i, ch in enumerate(low):
        prev = low[i - 1] if i else ""
        if ch == "е" and (i == 0 and word_start or prev in _CYR_VOWELS):
            out.append("ye")
        elif ch == "у" and i + 1 < n and (
            i == 0 and low[i + 1] in "оэа" or low[i + 1] == "э" and prev not in _CYR_VOWELS
        ):
            # у before a vowel writes English w: Уолш = Walsh, Суэйн = Swayne
            out.append("w")
        elif ch == "г" and ukrainian:
            out.append("h")
        elif ch == "и" and ukrainian:
            out.append("y")
        elif ch == "й" and i == n - 1 and i > 0 and prev in ("и", "ы"):
            # -ий/-ый endings: press usage writes Dmitry, Zelensky.
            out[-1] = "y"
        else:
            piece = _CYRILLIC.get(ch)
            out.append(unidecode(ch).lower() if piece is None else piece)
    return "".join(out)


class _OtherTable(dict[str, str]):
    """Reading of each character of another script, worked out on first sight and kept.

    Letters Unidecode has no reading for become their code point, so that a
    name in such a script still matches itself.
    """

    def __missing__(self, ch: str) -> str:
        ascii_ = unidecode(ch)
        if not ascii_.strip() and unicodedata.category(ch).startswith("L"):
            ascii_ = f" u{ord(ch):x} "
        self[ch] = ascii_
        return ascii_


_OTHER = _OtherTable()


# Japanese kana in Hepburn, as GeoNames and the press romanise names (Unidecode reads
# "カッシーノ" as "katsushi-no"; Hepburn as "kasshino"). Katakana here, hiragana by offset.
_KANA = dict(zip(
    "アイウエオカキクケコガギグゲゴサシスセソザジズゼゾタチツテトダヂヅデドナニヌネノ"
    "ハヒフヘホバビブベボパピプペポマミムメモヤユヨラリルレロワヰヱヲンヴ",
    "a i u e o ka ki ku ke ko ga gi gu ge go sa shi su se so za ji zu ze zo ta chi tsu te to "
    "da ji zu de do na ni nu ne no ha hi fu he ho ba bi bu be bo pa pi pu pe po ma mi mu me mo "
    "ya yu yo ra ri ru re ro wa i e o n vu".split(),
))
_SMALL_Y = {"ャ": "a", "ュ": "u", "ョ": "o"}  # after an i-syllable: kya, sha, ju
_SMALL_VOWEL = {"ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o"}  # ti, fo, she, wi, va
_KANA_MARKS = {"ッ", "ー", "・"}
_HIRAGANA_TO_KATAKANA = {c: c + 0x60 for c in range(0x3041, 0x3097)}


def _is_kana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u30ff"


def _romanize_kana(run: str) -> str:
    """A run of kana in Hepburn: long-vowel marks dropped, a small tsu doubles the
    next consonant, small ya/yu/yo and small vowels join the syllable before."""
    out: list[str] = []
    double = False
    for ch in run.translate(_HIRAGANA_TO_KATAKANA):
        if ch == "ッ":
            double = True
            continue
        if ch == "ー":
            continue
        if ch == "・":
            out.append(" ")
            continue
        if out and (ch in _SMALL_Y or ch in _SMALL_VOWEL):
            prev = out.pop()
            if ch in _SMALL_Y:
                vowel = _SMALL_Y[ch]
                syllable = prev[:-1] + vowel if prev.endswith(("shi", "chi", "ji")) else prev[:-1] + "y" + vowel
            else:
                vowel = _SMALL_VOWEL[ch]
                syllable = "w" + vowel if prev == "u" else "y" + vowel if prev == "i" else prev[:-1] + vowel
            out.append(syllable)
            continue
        roman = _KANA.get(ch)
        if roman is None:
            roman = _OTHER[ch]
        if double and roman[:1].isalpha() and roman[0] not in "aeiou":
            roman = ("t" + roman) if roman.startswith("ch") else roman[0] + roman
        double = False
        out.append(roman)
    return "".join(out)


def _fold_other(run: str) -> str:
    if any(map(_is_kana, run)):
        # Kana runs in Hepburn, anything else in the run through Unidecode.
        pieces = re.split(r"([\u3041-\u30ff]+)", run)
        return "".join(
            _romanize_kana(p) if p and _is_kana(p[0]) else "".join(map(_OTHER.__getitem__, p)) for p in pieces
        ).lower()
    text = "".join(map(_OTHER.__getitem__, run)).lower()
    if "lr" in text and any("\uac00" <= ch <= "\ud7a3" for ch in run):
        text = text.replace("lr", "ll")  # Hangul ㄹ + ㄹ is read ll: 툴라 = tulla, 살라가 = sallaga
    return text


def _romanize_greek(run: str) -> str:
    low = "".join(
        c for c in unicodedata.normalize("NFD", run.lower()) if not unicodedata.combining(c)
    )
    for src, dst in _GREEK_DIGRAPHS:
        low = low.replace(src, dst)
    return "".join(_GREEK.get(c, c) for c in low)


class _LatinTable(dict[str, str]):
    """ASCII of each Latin letter (diacritics dropped), worked out on first sight and kept."""

    def __missing__(self, ch: str) -> str:
        special = _LATIN_SPECIAL.get(ch)
        if special is None:
            base = unicodedata.normalize("NFD", ch)
            stripped = "".join(c for c in base if not unicodedata.combining(c))
            special = stripped if stripped.isascii() else unidecode(stripped)
        self[ch] = special
        return special


_LATIN = _LatinTable()


def _fold_latin(run: str) -> str:
    return "".join(map(_LATIN.__getitem__, run)).lower()


_ARABIC_BLOCKS = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
_CYRILLIC_BLOCKS = ((0x0400, 0x052F), (0x1C80, 0x1C8F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F))


def _script_of(ch: str) -> str:
    o = ord(ch)
    if o < 0x80:
        return "latin" if ch.isalpha() else "common"
    if any(lo <= o <= hi for lo, hi in _ARABIC_BLOCKS):
        return "arabic"
    if any(lo <= o <= hi for lo, hi in _CYRILLIC_BLOCKS):
        return "cyrillic"
    if 0x0370 <= o <= 0x03FF or 0x1F00 <= o <= 0x1FFF:
        return "greek"
    if 0x00C0 <= o <= 0x024F or 0x1E00 <= o <= 0x1EFF or 0x0250 <= o <= 0x02AF:
        return "latin"
    if unicodedata.category(ch)[0] in "MNPSZ" or ch in _LATIN_SPECIAL:
        return "common"
    return "other"


class _ScriptTable(dict[str, str]):
    """Script of each character, worked out on first sight and kept."""

    def __missing__(self, ch: str) -> str:
        sc = self[ch] = _script_of(ch)
        return sc


_SCRIPTS = _ScriptTable()


def script_of(ch: str) -> str:
    """Name the script of one character.

    Args:
        ch: a single character.

    Returns:
        One of ``"latin"``, ``"arabic"``, ``"cyrillic"``, ``"greek"``, ``"common"``
        (digits, punctuation, marks) or ``"other"``.
    """
    return _SCRIPTS[ch]


_SPLIT = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile(r"(?<=\w)['’`´‘ʹ](?=\w)")
_POSSESSIVE = re.compile(r"(?<=\w)['’]s(?!\w)", re.IGNORECASE)


def _romanize_token(token: str, ukrainian: bool = False) -> str:
    # Runs of one script, romanised each with its own rules.
    out: list[str] = []
    run: list[str] = []
    run_script = ""
    pos = 0

    def flush() -> None:
        if not run:
            return
        text = "".join(run)
        at_start = pos == 0
        if run_script == "arabic":
            out.append(_romanize_arabic(text, at_start))
        elif run_script == "cyrillic":
            out.append(_romanize_cyrillic(text, at_start, ukrainian))
        elif run_script == "greek":
            out.append(_romanize_greek(text))
        elif run_script == "other":
            out.append(_fold_other(text))
        else:
            out.append(_fold_latin(text))

    for ch in token:
        sc = script_of(ch)
        if sc == "common":
            sc = run_script or "latin"
        if sc != run_script and run:
            flush()
            pos += len(run)
            run = []
        run_script = sc
        run.append(ch)
    flush()
    return "".join(out)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text[:MAX_NAME_LENGTH])
    if text.isascii() and text.isprintable():
        return text
    # Control, format (ZWJ, bidi marks), surrogates, unassigned and private use.
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)


@lru_cache(maxsize=65536)
def _fold_cached(text: str) -> str:
    text = _clean(text)
    text = _POSSESSIVE.sub("", text)
    text = _APOSTROPHES.sub("", text)
    if text.isascii():
        return " ".join(_SPLIT.split(text.lower())).strip()
    ukrainian = not _UKRAINIAN_MARKERS.isdisjoint(text.lower())
    pieces = [_romanize_token(tok, ukrainian) for tok in text.split()]
    return " ".join(_SPLIT.split(" ".join(pieces))).strip()


def fold(text: str) -> str:
    """Fold a name to lower-case ASCII tokens separated by single spaces.

    Like :func:`normalize`, but returns ``""`` rather than ``None`` for a name
    with nothing left.

    Args:
        text: the name, in any script.

    Returns:
        The folded form, possibly empty.
    """
    return _fold_cached(_check_str(text))


def normalize(name: str) -> str | None:
    """The folded Latin form of a name, as namenorm matches it.

    Any script is romanised (Arabic with a name-oriented romaniser, Cyrillic and
    Greek with press-style tables, the rest through Unidecode), diacritics and
    special letters are folded, possessives and apostrophes dropped, case
    lowered and punctuation turned into single spaces. Idempotent; the output
    is ASCII.

    Args:
        name: the name, in any script or in a mix of scripts.

    Returns:
        The folded form, or ``None`` when nothing letter-like is left.

    Raises:
        TypeError: if ``name`` is not a ``str``.

    >>> normalize("Mevlüt Çavuşoغلlu")
    'mevlut cavusoghllu'
    """
    folded = fold(name)
    return folded or None
