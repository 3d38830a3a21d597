"""Scanning running text for names: the seed article end to end, scripts, edge cases, the CLI."""

from __future__ import annotations

import dataclasses
import gc
import io
import json
import re
import sys
import weakref
from pathlib import Path

import pytest
from conftest import SEED, load_table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import namenorm
from namenorm.gazetteer import Entity, Gazetteer
from namenorm.resolve import Resolver
from namenorm.scan import Mention, run_scan_cli, scan

SEED_TEXT = SEED.read_text(encoding="utf-8")


def found(text: str, **kwargs: object) -> list[tuple[str, str | None]]:
    """(text, entity name or None) of each mention."""
    return [(m.text, m.match.entity.name if m.match else None) for m in scan(text, **kwargs)]  # type: ignore[arg-type]


def check_offsets(text: str, mentions: list[Mention]) -> None:
    end = 0
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert end <= m.start < m.end  # in text order, not overlapping
        end = m.end


# --- The seed article ---------------------------------------------------------------


def test_seed_article_every_mention() -> None:
    """Every mention of the article, with its offsets and entity (tests/data/scan_seed.csv)."""
    mentions = scan(SEED_TEXT)
    got = [(str(m.start), str(m.end), m.text, m.match.entity.name if m.match else "?") for m in mentions]
    want = [(s, e, t, name) for s, e, t, _id, name in load_table("scan_seed.csv")]
    assert got == want
    check_offsets(SEED_TEXT, mentions)


@pytest.mark.parametrize(
    "spelling,entity",
    [
        ("Al-Wattia", "Al-Watiya Air Base"),
        ("Al-Watiyah", "Al-Watiya Air Base"),
        ("Mevlüt Çavuşoغلlu", "Mevlüt Çavuşoğlu"),
        ("Gawishoglu", "Mevlüt Çavuşoğlu"),
        ("Khalifa Haftar", "Khalifa Haftar"),
        ("Haftar", "Khalifa Haftar"),
        ("Sergey Lavrov", "Sergey Lavrov"),
        ("Lavrov", "Sergey Lavrov"),
        ("Misurata", "Misrata"),
        ("Al-Wefaq", "Government of National Accord"),
        ("Reuters", "Reuters"),
        ("Ankara", "Ankara"),
        ("Turkey", "Turkey"),
        ("Libya", "Libya"),
        ("Sirte", "Sirte"),
        ("Syria", "Syria"),
        ("Istanbul", "Istanbul"),
        ("Wagner", "Wagner Group"),
        ("Vladimir Putin", "Vladimir Putin"),
        ("Recep Tayyip Erdogan", "Recep Tayyip Erdoğan"),
        ("Al-Jazeera", "Al Jazeera"),
    ],
)
def test_seed_spelling_is_found_every_time(spelling: str, entity: str) -> None:
    """Every occurrence of the spelling (as a whole word) is a mention of the entity."""
    by_start = {m.start: m for m in scan(SEED_TEXT)}
    starts = [w.start() for w in re.finditer(rf"(?<!\w){re.escape(spelling)}(?!\w)", SEED_TEXT)]
    assert starts
    for start in starts:
        inner = [m for m in by_start.values() if m.start <= start < m.end]
        assert inner, f"{spelling!r} at {start} is not in a mention"
        m = inner[0]
        assert m.match is not None and m.match.entity.name == entity, m


@pytest.mark.parametrize("mention,entity", load_table("seed_mentions.csv"), ids=str)
def test_seed_table_of_resolve_agrees(mention: str, entity: str) -> None:
    """The resolver's golden table for the article holds for scanning too."""
    assert (mention, entity) in set(found(SEED_TEXT))


def test_seed_possessives_and_titles_are_left_out() -> None:
    mentions = scan(SEED_TEXT)
    texts = {m.text for m in mentions}
    assert "Lavrov" in texts and "Lavrov's" not in texts
    assert not any(m.text.endswith(("'s", "’s")) for m in mentions)
    for m in mentions:
        assert not m.text.startswith(("Major", "General", "Turkish", "Russian President", "Foreign Minister"))
    haftars = [m for m in mentions if m.text == "Haftar"]
    assert len(haftars) == 3  # "Haftar forces", "Haftar's forces" twice: the person, not the description
    assert SEED_TEXT[haftars[1].end : haftars[1].end + 2] == "'s"


@pytest.mark.parametrize(
    "word", ["Meanwhile", "Politically", "Monday", "Sunday", "Mercenaries", "The", "He", "One", "On"]
)
def test_seed_common_words_are_not_mentions(word: str) -> None:
    mentions = scan(SEED_TEXT)
    for w in re.finditer(rf"(?<!\w){word}(?!\w)", SEED_TEXT):
        assert not [m for m in mentions if m.start < w.end() and w.start() < m.end], (word, w.start())


def test_seed_demonyms_only_on_request() -> None:
    assert not any(m.text in ("Turkish", "Russian", "Russians", "Libyan") for m in scan(SEED_TEXT))
    with_demonyms = found(SEED_TEXT, demonyms=True)
    assert ("Turkish", "Turkey") in with_demonyms
    assert ("Russian", "Russia") in with_demonyms
    assert ("Libyan", "Libya") in with_demonyms
    assert ("Russians", "Russia") in with_demonyms


# --- Latin-script text ----------------------------------------------------------------


def test_titles_and_ranks_are_outside_the_offsets() -> None:
    text = "Forces of retired Major General Khalifa Haftar and Russian President Vladimir Putin's envoy."
    mentions = scan(text)
    assert [m.text for m in mentions] == ["Khalifa Haftar", "Vladimir Putin"]
    check_offsets(text, mentions)


def test_longest_span_wins() -> None:
    assert found("Jets landed at Al-Watiya Air Base and at Mitiga International Airport.") == [
        ("Al-Watiya Air Base", "Al-Watiya Air Base"),
        ("Mitiga International Airport", "Mitiga International Airport"),
    ]
    assert found("He met Khalifa Haftar.") == [("Khalifa Haftar", "Khalifa Haftar")]


def test_particles_hyphens_and_quotes() -> None:
    text = 'Fayez al-Sarraj, Abdel Fattah el-Sisi and Tamim bin Hamad Al Thani backed the "Al-Wefaq" camp.'
    assert found(text) == [
        ("Fayez al-Sarraj", "Fayez al-Sarraj"),
        ("Abdel Fattah el-Sisi", "Abdel Fattah el-Sisi"),
        ("Tamim bin Hamad Al Thani", "Tamim bin Hamad Al Thani"),
        ("Al-Wefaq", "Government of National Accord"),
    ]


def test_known_lower_case_names() -> None:
    text = "Drones hit the Jufra airbase; the unity government and the Turkish military said so."
    assert found(text) == [
        ("Jufra airbase", "Al-Jufra Air Base"),
        ("unity government", "Government of National Accord"),
        ("Turkish military", "Turkish Armed Forces"),
    ]


def test_a_description_built_on_a_person_stays_the_person() -> None:
    assert found("Haftar's forces and HAFTAR FORCES alike.") == [
        ("Haftar", "Khalifa Haftar"),
        ("HAFTAR", "Khalifa Haftar"),
    ]


def test_headline_in_capitals() -> None:
    assert found("HAFTAR FORCES ENTER SIRTE. THE LIBYAN NATIONAL ARMY SAID ON MONDAY") == [
        ("HAFTAR", "Khalifa Haftar"),
        ("SIRTE", "Sirte"),
        ("LIBYAN NATIONAL ARMY", "Libyan National Army"),
    ]


def test_unknown_names_are_reported() -> None:
    text = "Friedrich Lindenberg met Saddam Haftar in Benghazi on Tuesday."
    assert found(text) == [
        ("Friedrich Lindenberg", None),
        ("Saddam Haftar", "Saddam Haftar"),
        ("Benghazi", "Benghazi"),
    ]
    assert found(text, unknown=False) == [("Saddam Haftar", "Saddam Haftar"), ("Benghazi", "Benghazi")]


def test_an_unknown_org_keeps_its_demonym() -> None:
    assert found("Later the Russian Foreign Ministry said so.") == [("Russian Foreign Ministry", None)]


@pytest.mark.parametrize(
    "text",
    [
        "Curate from sources you can name.",  # Croatie (fr) by skeleton
        "List of names in Latin script.",  # Lesotho by a romanised Arabic name; Latvia by a Persian one
        "Open the file and read the SDN list.",  # Japan; Sudan
        "Meanwhile, nothing. Specially so.",  # Mongolia (uk); Zliten
        "One of them went On and On.",  # ONU (fr)
        "There is more. Given that, go.",  # Tajura; Гвинея (ru)
    ],
)
def test_common_words_the_resolver_half_accepts(text: str) -> None:
    assert [f for f in found(text) if f[1] is not None] == []


@pytest.mark.parametrize(
    "text,unknown",
    [
        ("Protests in Hong Kong.", "Hong Kong"),  # not "Kong" ~ Kongo (de), the Congo
        ("The killing of Jamal Khashoggi.", "Jamal Khashoggi"),  # not "Jamal" ~ Al Jamil
        ("A listing for Muhammad Yunis Ahmad.", "Muhammad Yunis Ahmad"),  # given names of Mohamed Yunus al-Menfi
        ("A listing for Hameida Saleh.", "Hameida Saleh"),  # half of Osama Saad Hammad Saleh
    ],
)
def test_a_near_name_inside_an_unknown_name_stays_unknown(text: str, unknown: str) -> None:
    assert found(text) == [(unknown, None)]


@pytest.mark.parametrize(
    "text",
    [
        "The ARMED FORCES and the NEWS AGENCY.",  # generic words of Turkish Armed Forces, Anadolu Agency
        "Aman is a given name.",  # عمان (Oman, and Amman) romanised
        "Al-Wattia was captured.",  # a fuzzy name at a sentence start is still a name
    ],
)
def test_generic_and_abjad_matches(text: str) -> None:
    got = [e for _, e in found(text) if e is not None]
    assert got == (["Al-Watiya Air Base"] if "Wattia" in text else [])


def test_partial_name_only_in_order() -> None:
    assert ("Forces Turkish", "Turkish Armed Forces") not in found("FORCES Turkish NEW")
    assert found("Recep Erdogan spoke.") == [("Recep Erdogan", "Recep Tayyip Erdoğan")]


def test_first_name_alone_is_not_the_person() -> None:
    assert all(entity != "Sergey Lavrov" for _, entity in found("Yesterday Sergey came; Khalifa left."))


def test_types_filter() -> None:
    text = "Khalifa Haftar flew from Benghazi to Moscow to see Reuters and Lavrov."
    assert found(text, types="person") == [("Khalifa Haftar", "Khalifa Haftar"), ("Lavrov", "Sergey Lavrov")]
    assert [e for _, e in found(text, types=["place", "org"])] == ["Benghazi", "Moscow", "Reuters"]
    with pytest.raises(ValueError, match="unknown type"):
        scan(text, types="planet")


def test_threshold() -> None:
    assert found("The Al-Wattia base.") == [("Al-Wattia", "Al-Watiya Air Base")]
    assert found("The Al-Wattia base.", threshold=0.99) == [("Al-Wattia", None)]


def test_own_gazetteer() -> None:
    g = Gazetteer([Entity("x:1", "person", "Ada Lovelace", ("Ada Lovelace", "Lovelace"))])
    r = Resolver(g)
    assert found("Countess Ada Lovelace wrote; Lovelace's notes and Babbage.", resolver=r) == [
        ("Ada Lovelace", "Ada Lovelace"),
        ("Lovelace", "Ada Lovelace"),
        ("Babbage", None),
    ]
    # No country in this gazetteer: demonyms have nothing to link to.
    assert found("Turkish troops.", resolver=r, demonyms=True) == []


def test_a_resolver_scanned_with_can_still_be_collected() -> None:
    r = Resolver(Gazetteer([Entity("x:1", "person", "Ada Lovelace", ("Ada Lovelace",))]))
    assert found("Ada Lovelace", resolver=r) == [("Ada Lovelace", "Ada Lovelace")]
    ref = weakref.ref(r)
    del r
    gc.collect()
    assert ref() is None


# --- Other scripts -------------------------------------------------------------------


def test_arabic() -> None:
    text = "قال خليفة حفتر إن قواته ستواصل القتال في سرت، وإن أنقرة تدعم حكومة الوفاق."
    mentions = scan(text)
    assert [(m.text, m.match.entity.name if m.match else None) for m in mentions] == [
        ("خليفة حفتر", "Khalifa Haftar"),
        ("سرت", "Sirte"),
        ("أنقرة", "Ankara"),
        ("حكومة الوفاق", "Government of National Accord"),
    ]
    assert mentions[0].start == text.index("خليفة")
    check_offsets(text, mentions)


def test_arabic_proclitic_and_nisba() -> None:
    text = "وحفتر في ليبيا. الحكومة الليبية"
    assert found(text) == [("حفتر", "Khalifa Haftar"), ("ليبيا", "Libya")]  # "الليبية" is "the Libyan"
    assert ("الليبية", "Libya") in found(text, demonyms=True)


def test_russian() -> None:
    text = "Сергей Лавров заявил, что «Вагнер» ушёл из Ливии, а Лаврова поддержала Мария Захарова."
    mentions = scan(text)
    assert [(m.text, m.match.entity.name if m.match else None) for m in mentions] == [
        ("Сергей Лавров", "Sergey Lavrov"),
        ("Вагнер", "Wagner Group"),
        ("Ливии", "Libya"),  # declined: read as Ливия
        ("Лаврова", "Sergey Lavrov"),
        ("Мария Захарова", "Maria Zakharova"),
    ]
    assert mentions[0].start == 0 and mentions[0].end == len("Сергей Лавров")
    check_offsets(text, mentions)


def test_mixed_scripts_in_one_text() -> None:
    text = "Haftar (حفتر, Хафтар) and Çavuşoغلlu."
    assert [e for _, e in found(text)] == ["Khalifa Haftar", "Khalifa Haftar", "Khalifa Haftar", "Mevlüt Çavuşoğlu"]


# --- Edge cases ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "\n\n", "the cat sat on the mat.", "12 345 67,8", "... --- !!!"])
def test_nothing_to_find(text: str) -> None:
    assert scan(text) == []


def test_control_characters_and_surrogates() -> None:
    text = "Khalifa\x00Haftar\x07 met\u200f Lavrov\ud800 in\x1bSirte\ufffd.\r\nTurkey\x0c"
    mentions = scan(text)
    check_offsets(text, mentions)
    assert {"Lavrov", "Turkey"} <= {m.text for m in mentions}


@pytest.mark.parametrize("bad", [None, b"Haftar", 42, ["Haftar"]])
def test_not_a_str(bad: object) -> None:
    with pytest.raises(TypeError, match="text must be a str"):
        scan(bad)  # type: ignore[arg-type]


def test_ten_megabytes() -> None:
    text = "Khalifa Haftar met Sergey Lavrov in Moscow on Monday. " * 200_000
    assert len(text) > 10_000_000
    mentions = scan(text)
    assert len(mentions) == 600_000
    assert mentions[-1].text == "Moscow" and text[mentions[-1].start : mentions[-1].end] == "Moscow"


def test_mention_value_object() -> None:
    m = scan("Lavrov spoke.")[0]
    assert (m.start, m.end, m.text) == (0, 6, "Lavrov")
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.start = 1  # type: ignore[misc]
    assert not hasattr(m, "__dict__")
    d = m.to_dict()
    assert set(d) == {"start", "end", "text", "id", "name", "type", "score", "matched", "why"}
    assert d["name"] == "Sergey Lavrov" and d["type"] == "person"
    unknown = Mention(0, 3, "Zed", None).to_dict()
    assert unknown["id"] is None and unknown["text"] == "Zed"


def test_exported_from_the_package() -> None:
    assert namenorm.scan is scan
    assert namenorm.Mention is Mention


_PIECES = st.sampled_from(
    ["Haftar", "Al-Wefaq", "al-", "bin", "'s", "Лавров", "Ливии", "حفتر", "وحفتر", "Sirte", " ", "\n", "-", "'",
     '"', ".", "\x00", "\ud800", "\u200f", "Ç", "غل", "U.S.", "The", "of", "government", "reconciliation",
     "forces", "HAFTAR", "Major General", "Turkish", "ال"]
)
_TEXTS = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=50).map("".join),
    st.lists(_PIECES, max_size=60).map(" ".join),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXTS)
def test_offsets_always_slice_the_input(text: str) -> None:
    mentions = scan(text, demonyms=True)
    check_offsets(text, mentions)
    for m in mentions:
        assert m.match is None or 0.0 < m.match.score <= 1.0


# --- Command line ----------------------------------------------------------------------


def cli(argv: list[str], capsys: pytest.CaptureFixture[str], stdin: bytes | None = None,
        monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    code = run_scan_cli(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_readable(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli([str(SEED)], capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == len(load_table("scan_seed.csv"))
    assert lines[0] == "0-7\tReuters\tReuters (Q130879) 1.00"
    assert "1654-1671\tMevlüt Çavuşoغلlu\tMevlüt Çavuşoğlu (" in out
    assert "3212-3236\tRussian Foreign Ministry\t?" in lines


def test_cli_json_from_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Reuters: Haftar's men left Sirte.\n"
    code, out, _ = cli(["--json", "-"], capsys, stdin=text.encode(), monkeypatch=monkeypatch)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["name"] for r in rows] == ["Reuters", "Khalifa Haftar", "Sirte"]
    for r in rows:
        assert text[r["start"] : r["end"]] == r["text"]
        assert set(r) == {"start", "end", "text", "id", "name", "type", "score", "matched", "why"}


def test_cli_invalid_utf8_warns_with_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"Haftar spoke.\nbroken \xff\xfe bytes\nLavrov answered.\n")
    code, out, err = cli([str(path)], capsys)
    assert code == 0
    assert "line 2" in err and "invalid UTF-8" in err and "Traceback" not in err
    assert "Khalifa Haftar" in out and "Sergey Lavrov" in out


def test_cli_missing_file_and_bad_usage(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = cli([str(tmp_path / "nope.txt")], capsys)
    assert code == 2 and out == "" and "cannot read" in err and "Traceback" not in err
    code, _, err = cli([], capsys)
    assert code == 2 and "usage" in err
    code, _, err = cli(["--threshold", "x", str(SEED)], capsys)
    assert code == 2 and "Traceback" not in err
    code, out, _ = cli(["--help"], capsys)
    assert code == 0 and "namenorm scan" in out


def test_cli_own_gazetteer(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    gaz = tmp_path / "g.csv"
    gaz.write_text("id,type,name\nx:1,person,Ada Lovelace\nx:1,person,Lovelace\n", encoding="utf-8")
    doc = tmp_path / "doc.txt"
    doc.write_text("Lovelace met Babbage.", encoding="utf-8")
    code, out, _ = cli(["-g", str(gaz), str(doc)], capsys)
    assert code == 0
    assert out.splitlines() == ["0-8\tLovelace\tAda Lovelace (x:1) 1.00", "13-20\tBabbage\t?"]
    code, out, _ = cli(["-g", str(gaz), "--known", str(doc)], capsys)
    assert out.splitlines() == ["0-8\tLovelace\tAda Lovelace (x:1) 1.00"]
    code, _, err = cli(["-g", str(tmp_path / "missing.csv"), str(doc)], capsys)
    assert code == 2 and "Traceback" not in err
