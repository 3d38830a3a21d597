"""Loading users' gazetteers: CSV, TSV, JSON Lines, and errors that name file, line and field."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from namenorm import Gazetteer, GazetteerError, Resolver

CSV = """id,type,name,lang,country,population,lat,lon,source
Q3579,place,Tripoli,en,LY,1150989,32.8872,13.1913,geonames:2210247
Q3579,place,طرابلس,ar,LY,,,,
Q3579,place,Tarabulus,,LY,,,,
nn:tripoli-lb,place,Tripoli,en,LB,229398,34.4367,35.8497,geonames:266826
nn:haftar,person,Khalifa Haftar,en,LY,,,,press
"""


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def test_csv_rows_group_by_id_first_row_is_canonical(tmp_path: Path) -> None:
    g = Gazetteer.load(write(tmp_path, "g.csv", CSV))
    assert len(g) == 3
    tripoli = g.get("Q3579")
    assert tripoli is not None
    assert tripoli.name == "Tripoli"
    assert tripoli.names == ("Tripoli", "طرابلس", "Tarabulus")
    assert tripoli.lang_of("طرابلس") == "ar"
    assert tripoli.population == 1150989 and tripoli.country == "LY"
    assert tripoli.lat == pytest.approx(32.8872)


def test_population_decides_between_two_tripolis(tmp_path: Path) -> None:
    r = Resolver(Gazetteer.load(write(tmp_path, "g.csv", CSV)))
    found = r.candidates("Tripoli")
    assert [m.entity.id for m in found[:2]] == ["Q3579", "nn:tripoli-lb"]
    assert "population" in found[0].why
    m = r.resolve("Tripoli", country="LB")
    assert m is not None and m.entity.id == "nn:tripoli-lb"


def test_tsv_and_gzip(tmp_path: Path) -> None:
    p = tmp_path / "g.tsv.gz"
    with gzip.open(p, "wt", encoding="utf-8") as fh:
        fh.write(CSV.replace(",", "\t"))
    assert len(Gazetteer.load(p)) == 3


def test_jsonl(tmp_path: Path) -> None:
    lines = [
        {"id": "Q1016", "type": "place", "name": "Libya", "names": ["Libye", ["ليبيا", "ar"]], "country": "LY"},
        {"id": "nn:x", "type": "organisation", "name": "Wagner Group", "names": [{"name": "ЧВК Вагнер", "lang": "ru"}]},
    ]
    g = Gazetteer.load(write(tmp_path, "g.jsonl", "\n".join(json.dumps(x, ensure_ascii=False) for x in lines)))
    assert [e.type for e in g] == ["place", "org"]
    libya = g.get("Q1016")
    assert libya is not None and libya.lang_of("ليبيا") == "ar"


@pytest.mark.parametrize(
    "text,line,field",
    [
        ("id,type,name\nQ1,place,\n", 2, "name"),
        ("id,type,name\nQ1,planet,Mars\n", 2, "type"),
        ("id,type,name,population\nQ1,place,X,lots\n", 2, "population"),
        ("id,type,name,lat,lon\nQ1,place,X,95,10\n", 2, "lat"),
        ("id,type,name,country\nQ1,place,X,Libya\n", 2, "country"),
        ("id,type\nQ1,place\n", 1, "name"),
        ("id,type,name\nQ1,place,X\nQ1,person,X\n", 3, "type"),
    ],
)
def test_csv_errors_name_file_line_and_field(tmp_path: Path, text: str, line: int, field: str) -> None:
    p = write(tmp_path, "bad.csv", text)
    with pytest.raises(GazetteerError) as info:
        Gazetteer.load(p)
    err = info.value
    assert (err.line, err.field) == (line, field)
    assert str(p) in str(err) and f"line {line}" in str(err) and f"'{field}'" in str(err)
    assert isinstance(err, ValueError)


def test_invalid_utf8_is_a_line_error(tmp_path: Path) -> None:
    p = write(tmp_path, "bad.csv", b"id,type,name\nQ1,place,Sirte\nQ2,place,\xff\xfe\nQ3,place,Derna\n")
    with pytest.raises(GazetteerError, match="line 3"):
        Gazetteer.load(p)
    g = Gazetteer.load(p, skip_bad=True)
    assert [e.name for e in g] == ["Sirte", "Derna"]
    assert [e.line for e in g.errors] == [3]


def test_skip_bad_keeps_good_rows(tmp_path: Path) -> None:
    p = write(tmp_path, "bad.csv", "id,type,name\nQ1,place,Sirte\nQ2,nonsense,X\n,place,Y\nQ3,place,Derna\n")
    g = Gazetteer.load(p, skip_bad=True)
    assert [e.name for e in g] == ["Sirte", "Derna"]
    assert [(e.line, e.field) for e in g.errors] == [(3, "type"), (4, "id")]


def test_bad_json_line(tmp_path: Path) -> None:
    p = write(tmp_path, "g.jsonl", '{"id": "a", "type": "place", "name": "Sirte"}\n{not json\n')
    with pytest.raises(GazetteerError, match="line 2"):
        Gazetteer.load(p)
    assert len(Gazetteer.load(p, skip_bad=True)) == 1


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="no such file"):
        Gazetteer.load(tmp_path / "nope.csv")
    with pytest.raises(GazetteerError, match="unknown gazetteer format"):
        Gazetteer.load(write(tmp_path, "g.xml", "<x/>"))


def test_loading_leaves_the_garbage_collector_as_it_was(tmp_path: Path) -> None:
    """The collector is paused while a file loads, and left on or off as it was, errors or not."""
    import gc

    good, bad = write(tmp_path, "g.csv", CSV), write(tmp_path, "b.csv", "id,type\n")
    was = gc.isenabled()
    try:
        for enabled in (True, False):
            gc.enable() if enabled else gc.disable()
            Gazetteer.load(good)
            with pytest.raises(GazetteerError):
                Gazetteer.load(bad)
            assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
