"""Matching keys for folded name tokens.

The transliteration skeleton
============================
Names that passed through Arabic, Turkish, Russian or French come back into
Latin script with their consonants mostly intact and their vowels anywhere.
The skeleton keeps the consonants, each mapped to a class of letters that
transliterations use for one sound, and drops the vowels:

==========  ============================================  =====================
class        letters (after the rewrites below)           example family
==========  ============================================  =====================
``B``        b p                                          Bashagha / Pashaga
``F``        f ph, and v in reading 1                     Kamov / كاموف (Arabic writes v with f)
``V``        v w in readings 2 and 3                      Lavrov / Lawrow; Wagner / Vagner; Davut / Dawud
``W``        w in reading 1                               Wattia / Watiya
``K``        k q c(+a,o,u) ck, g and gh in reading 1      Qaddafi / Gaddafi / Kadhafi
``J``        j dj dzh zh, g c ch in reading 2             Jamal / Gamal / Djamal; Cemal
``H``        h kh (and ch in German names, via fold)      Khalifa / Halifa
``S``        s sh sch ş c(+e,i,y), ch in reading 1        Shoigu / Schoigu; Chahed / Shahed
``T``        t th (reading 1)                             Thani / Tani
``D``        d dh (reading 1)                             Qadhafi / Gaddafi
``Z``        z, dh in reading 2                           Kazafi / Kadhafi
``L M N R``  themselves
``A``        any vowel (or y) starting the word           Omar / Umar; Ibrahim / Ebrahim
==========  ============================================  =====================

Letters repeated side by side count once (Gaddafi = Gadafi), and these
rewrites come first: a final ``-ah``/``-eh`` loses its ``h`` (Misratah =
Misrata), ``j`` after a vowel at the end of a word is ``y`` (Sergej = Sergey),
French ``ou`` before a vowel is ``w`` (Houari = Hawari), ``x`` is ``ks``.

Four readings resolve letters that point several ways. Reading 1 is Classical,
Gulf, Libyan and Russian usage (``g`` as in Gaddafi = Qaddafi, ``th`` = t,
``dh`` = d). Reading 3 is German usage for Russian and Arabic names (``ch``
= kh, ``z`` and ``s`` alike, ``j`` = y: Sacharowa = Zakharova, Jewgeni =
Yevgeny; ``th`` = d as in old spellings, Ghathafi = Gaddafi). Reading 4 is
Western names written in Arabic script, where ``g`` is ج and ``v`` is ف
(Bogdanov = Bujdanuf, Giuseppe = Juzibi). Reading 2 is Egyptian, Turkish and Persian usage, where ``g``
and ``c`` write ``j`` (Gamal = Jamal, Turkish Cemal, Egyptian Gawishoglu for
Çavuşoğlu), ``th`` is ``s`` and ``dh`` is ``z``. Two tokens are compared in
every reading and the best one counts, so Kamal matches Gamal (reading 1)
and Gamal matches Jamal (reading 2) without Kamal matching Jamal.

Besides the skeleton, :func:`phonetic_key` gives jellyfish's Metaphone code,
used as a blocking key in the index for Latin-script spellings.
"""

from __future__ import annotations

import operator
import re
from functools import lru_cache
from typing import Any

import jellyfish

__all__ = ["skeletons", "first_skeleton", "sound_spelling", "phonetic_key", "VOWELS"]

VOWELS = frozenset("aeiouy")

# (trigger, pattern, replacement): the pattern runs only when the token holds the trigger.
_PRE_RULES: tuple[tuple[str, re.Pattern[str], Any], ...] = (
    ("h", re.compile(r"(?<=[aeiou])h$"), ""),  # Misratah -> Misrata, Dbeibeh -> Dbeibe
    # Sergej -> Sergey, Dmitrij -> Dmitriy; not -aj, where Arabic names keep their j (Sarraj, Faraj).
    ("j", re.compile(r"(?<=[eiouy])j$"), "y"),
    ("ou", re.compile(r"ou(?=[aei])"), "w"),  # Houari -> Hwari (French ou before a vowel)
    ("x", re.compile(r"x"), "ks"),
    ("dg", re.compile(r"dg(?=[eiy])"), "j"),  # Rodgers, Bridget: English dg before e/i
    ("", re.compile(r"^(?:wr|kn)"), lambda m: m.group()[1]),  # silent w, k: Wray, Knight
    ("ph", re.compile(r"ph"), "f"),
    ("dsch", re.compile(r"dsch"), "j"),  # German dsch = j: Sarradsch, Dschihad
    ("sch", re.compile(r"t?sch"), "sh"),  # Schoigu, Tschad
    ("t", re.compile(r"tch|tsj"), "ch"),  # English tch, Dutch tsj (Petrovitsj)
    ("t", re.compile(r"t[sz]"), "z"),  # Russian ц = German z: Shults = Schulz, Kholts = Holz
    ("", re.compile(r"dzh|dj|zh"), "j"),
    # "al-Din" written into a name: Salahuddin, Fahrettin, Nureddine = Salah-din...
    ("in", re.compile(r"(?<=[a-z]{3})[aeiu][ldt][dt]ine?$"), "din"),
)


def _rewrite(token: str) -> str:
    """The rewrites every reading and the sound spelling start from."""
    for trigger, rule, repl in _PRE_RULES:
        if trigger in token:
            token = rule.sub(repl, token)
    return token


# Each reading: digraphs (replaced first, in this order), then single letters.
# Vowels become "." so that only letters side by side count once; class letters
# are upper case, so a replaced digraph is never read again.
_VOWEL_MARK = "."
_SINGLES = {
    "b": "B", "p": "B", "f": "F", "v": "V", "w": "V", "k": "K", "q": "K",
    "j": "J", "d": "D", "t": "T", "s": "S", "z": "Z", "h": "H", "l": "L",
    "m": "M", "n": "N", "r": "R",
    "a": ".", "e": ".", "i": ".", "o": ".", "u": ".", "y": ".",
}
_DIGRAPHS = ("ck", "kh", "sh", "gh", "ch", "th", "dh")
_COMMON_DIGRAPHS = {"kh": "H", "sh": "S", "ck": "K", "gh": "K"}


_Reading = tuple[dict[int, str], tuple[tuple[str, str], ...], "re.Pattern[str] | None", str]


def _reading(
    digraphs: dict[str, str], singles: dict[str, str], pre: re.Pattern[str] | None, pre_to: str
) -> _Reading:
    table = str.maketrans({**_SINGLES, **singles})
    pairs = tuple((d, {**_COMMON_DIGRAPHS, **digraphs}[d]) for d in _DIGRAPHS)
    return table, pairs, pre, pre_to


# Reading 1: Classical, Gulf, Libyan, Russian. c before e/i/y is s.
_READING_1 = _reading({"ch": "S", "th": "T", "dh": "D"}, {"g": "K", "c": "K", "v": "F", "w": "W"},
                      re.compile(r"c(?=[eiy])"), "S")
# Reading 2: Egyptian, Turkish, Persian.
_READING_2 = _reading({"ch": "J", "th": "S", "dh": "Z"}, {"g": "J", "c": "J"}, None, "")
# Reading 3: German and Dutch: ch = kh, z and s alike, j before a vowel = y (Jewgeni);
# th = d as old spellings of ذ have it (Ghathafi = Gaddafi).
_READING_3 = _reading({"ch": "H", "th": "D", "dh": "D"}, {"g": "K", "c": "K", "z": "S"},
                      re.compile(r"j(?=[aeiouy])"), ".")
# Reading 4: Western names in Arabic script: g written ج, v written ف, s and z alike
# (Bogdanov = بوجدانوف, Giuseppe = جوزيبي, Dengov = دينجوف).
_READING_4 = _reading({"ch": "S", "th": "T", "dh": "D"}, {"g": "J", "c": "K", "v": "F", "z": "S"}, None, "")
_REPEAT = re.compile(r"([A-Z0-9])\1+")
# The letters the readings treat differently; a token without them has one skeleton.
_READINGS_DIFFER = re.compile(r"[cgjvwz]|[dt]h")
# re.sub re-reads a template such as r"\1" on every call: a function is 4 times faster.
_FIRST_GROUP = operator.itemgetter(1)


def _skeleton(token: str, reading: _Reading) -> str:
    table, pairs, pre, pre_to = reading
    if pre is not None:
        token = pre.sub(pre_to, token)
    for digraph, cls in pairs:
        if digraph in token:
            token = token.replace(digraph, cls)
    s = token.translate(table)
    if s[:1] == _VOWEL_MARK:
        s = "A" + s[1:]  # a vowel (or y) starts the word
    return _REPEAT.sub(_FIRST_GROUP, s).replace(_VOWEL_MARK, "")


@lru_cache(maxsize=1 << 18)
def skeletons(token: str) -> tuple[str, str, str, str]:
    """The transliteration skeleton of a folded token, in each reading.

    Args:
        token: one folded token (lower-case ASCII letters and digits).

    Returns:
        ``(reading_1, reading_2, reading_3, reading_4)``; equal for most tokens.

    >>> skeletons("gawishoglu") == skeletons("cavusoglu")
    True
    """
    token = _rewrite(token)
    if not _READINGS_DIFFER.search(token):
        one = _skeleton(token, _READING_1)
        return one, one, one, one
    return (
        _skeleton(token, _READING_1),
        _skeleton(token, _READING_2),
        _skeleton(token, _READING_3),
        _skeleton(token, _READING_4),
    )


_SOUND_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"dz"), "j"),  # Japanese in Russian: Нодзима = Nojima
    (re.compile(r"sy(?=[aou])"), "sh"),  # Сёкити = Shokichi
    (re.compile(r"ch"), "sh"),  # ch, sh, German tsch: -vich = -witsch
    (re.compile(r"kh"), "h"),
    (re.compile(r"ck|q|c(?=[aou])"), "k"),
    (re.compile(r"w"), "v"),
    (re.compile(r"(?<=.)y"), "i"),
    (re.compile(r"ou|oo"), "u"),
    (re.compile(r"ee|ie"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),
)


@lru_cache(maxsize=65536)
def sound_spelling(token: str) -> str:
    """A token spelled as it sounds, vowels kept: the skeleton's rewrites, then
    dz = j, sy(+vowel) = sh, ch = sh, kh = h, q = k, w = v, y = i inside a word,
    ou = u, ee = i, letters once (Bai = Bay, Nojima = Nodzima, -vich = -witsch)."""
    token = _rewrite(token)
    for rule, repl in _SOUND_RULES:
        token = rule.sub(repl, token)
    return token


def first_skeleton(token: str) -> str:
    """The reading-1 skeleton alone (what the index keys a name written together by)."""
    token = _rewrite(token)
    return _skeleton(token, _READING_1)


@lru_cache(maxsize=65536)
def phonetic_key(token: str) -> str:
    """jellyfish's Metaphone code of a folded token (``""`` for digits only)."""
    letters = "".join(c for c in token if c.isalpha())
    return jellyfish.metaphone(letters) if letters else ""
