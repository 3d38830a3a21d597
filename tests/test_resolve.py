"""resolve() and candidates() on the built-in gazetteer and on reference-name-only gazetteers."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA, SEED, load_table

import namenorm
from namenorm import DEFAULT_THRESHOLD, Gazetteer, Resolver

SEED_TEXT = SEED.read_text(encoding="utf-8")


@pytest.mark.parametrize("mention,entity", load_table("seed_mentions.csv"), ids=str)
def test_every_name_of_the_seed_article_resolves(mention: str, entity: str) -> None:
    assert mention in SEED_TEXT  # the table is the article's own spellings
    m = namenorm.resolve(mention)
    assert m is not None, namenorm.candidates(mention)
    assert m.entity.name == entity, m.why
    assert m.score >= DEFAULT_THRESHOLD
    assert m.name in m.entity.names and m.why


def test_match_fields() -> None:
    m = namenorm.resolve("Gawishoglu")
    assert m is not None
    assert m.entity.type == "person" and m.entity.id
    assert 0.0 < m.score <= 1.0
    d = m.to_dict()
    assert set(d) == {"query", "id", "name", "type", "score", "matched", "why"}


@pytest.mark.parametrize(
    "query,expected",
    [
        ("Saddam Haftar", "Saddam Haftar"),
        ("Khaled Haftar", "Khaled Haftar"),
        ("Saif al-Islam Gaddafi", "Saif al-Islam Gaddafi"),
        ("Mutassim Gaddafi", "Mutassim Gaddafi"),
        ("Sergei Shoigu", "Sergei Shoigu"),
        ("Tamim bin Hamad Al Thani", "Tamim bin Hamad Al Thani"),
    ],
)
def test_family_members_stay_apart(query: str, expected: str) -> None:
    m = namenorm.resolve(query)
    assert m is not None and m.entity.name == expected


def test_filters() -> None:
    m = namenorm.resolve("Haftar", types="person")
    assert m is not None and m.entity.type == "person"
    place = namenorm.resolve("Haftar", types="place")
    assert place is None or place.entity.type == "place"
    with pytest.raises(ValueError, match="unknown type"):
        namenorm.resolve("Haftar", types="planet")
    for m in namenorm.candidates("Lavrov", limit=5):
        assert m.entity.country == "RU" or m.score < 1.0
    assert all(m.entity.country == "RU" for m in namenorm.Resolver().candidates("Lavrov", country="ru"))


def test_candidates_are_ranked_and_unique() -> None:
    found = namenorm.candidates("Heftar", limit=5)
    assert found[0].entity.name == "Khalifa Haftar"
    scores = [m.score for m in found]
    assert scores == sorted(scores, reverse=True)
    assert len({m.entity.id for m in found}) == len(found)


def test_nonsense_resolves_to_nothing() -> None:
    for q in ("Xqzvbw Plorkt", "", "   ", "!!!"):
        assert namenorm.resolve(q) is None


def test_reference_name_only_gazetteer(tmp_path: Path) -> None:
    """The engine alone, without aliases: one Latin reference name per entity."""
    rows = ["id,type,name,country"]
    for e in Gazetteer.default():
        if e.type == "person" or e.kind in ("city", "country"):
            rows.append(f'{e.id},{e.type},"{e.name}",{e.country}')
    p = tmp_path / "ref.csv"
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = Resolver(Gazetteer.load(p))
    cases = [
        ("Gawishoglu", "Mevlüt Çavuşoğlu"),
        ("Khalifa Heftar", "Khalifa Haftar"),
        ("خليفة حفتر", "Khalifa Haftar"),
        ("Сергей Лавров", "Sergey Lavrov"),
        ("Moammar Kadhafi", "Muammar Gaddafi"),
        ("معمر القذافي", "Muammar Gaddafi"),
        ("Владимир Путин", "Vladimir Putin"),
        ("Misurata", "Misrata"),
        ("Erdogan", "Recep Tayyip Erdoğan"),
    ]
    for query, expected in cases:
        m = r.resolve(query)
        assert m is not None and m.entity.name == expected, (query, r.candidates(query, limit=3))


def _reference_only(tmp_path: Path) -> Resolver:
    rows = ["id,type,name,country,population"]
    for e in Gazetteer.default():
        if not e.id.startswith("gn:"):
            rows.append(f'{e.id},{e.type},"{e.name}",{e.country},{e.population}')
    p = tmp_path / "ref.csv"
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return Resolver(Gazetteer.load(p))


def test_acronyms_in_capitals_name_bodies_not_people(tmp_path: Path) -> None:
    r = _reference_only(tmp_path)
    for acronym, expected in [("GNA", "Government of National Accord"), ("LNA", "Libyan National Army"),
                              ("NOC", "National Oil Corporation"), ("AFP", "Agence France-Presse")]:
        m = r.resolve(acronym)
        assert m is not None and m.entity.name == expected and "acronym" in m.why, (acronym, m)
    m = r.resolve("gna")  # not in capitals: a word, not an acronym
    assert m is None or m.entity.name != "Government of National Accord"


def test_population_only_breaks_ties_between_places(tmp_path: Path) -> None:
    """A populous country's prior never outranks a better-scoring person."""
    r = _reference_only(tmp_path)
    m = r.resolve("Serraj")
    assert m is not None and m.entity.name == "Fayez al-Sarraj"


def test_a_bare_name_shared_by_a_town_and_its_district_is_the_town() -> None:
    m = namenorm.resolve("Kufra")
    assert m is not None and "town" in m.entity.kind
    assert {c.entity.kind for c in namenorm.candidates("Kufra", limit=2)} >= {"district"}


# The built-in gazetteer's reference names alone (tests/data/libya_one_name.csv): a
# query that says what kind of place it means gets that kind, in Latin or Arabic.
KIND_QUERIES = [
    ("Darna District", "Q26124"),
    ("Derna", "nn:derna"),
    ("Sebha District", "Q26132"),
    ("شعبية سبها", "Q26132"),
    ("سبها", "nn:sabha"),
    ("Al Marj District", "Q26023"),
    ("شعبية المرج", "Q26023"),
    ("Marj", "nn:marj"),
    ("شعبية غات", "Q48236"),
    ("Jufra airbase", "nn:al-jufra-air-base"),
    ("قاعدة الجفرة الجوية", "nn:al-jufra-air-base"),
]


@pytest.mark.parametrize("query,expected", KIND_QUERIES, ids=str)
def test_a_query_that_names_a_kind_of_place_gets_that_kind(query: str, expected: str) -> None:
    r = Resolver(Gazetteer.load(DATA / "libya_one_name.csv"))
    m = r.resolve(query)
    assert m is not None and m.entity.id == expected, m


# A bare name in Arabic or Cyrillic script is the town, as in Latin script, not the
# district that shares it: the town's name in that script meets the query exactly.
@pytest.mark.parametrize(
    "query,expected",
    [("بنغازي", "Q40816"), ("Бенгази", "Q40816"), ("درنة", "nn:derna"), ("Дерна", "nn:derna"),
     ("Benghazi", "Q40816"), ("Derna", "nn:derna")],
    ids=str,
)
def test_a_town_in_any_script_before_its_district(query: str, expected: str) -> None:
    m = namenorm.resolve(query)
    assert m is not None and m.entity.id == expected and m.score == 1.0, m


@pytest.mark.parametrize("query,expected,name", load_table("press_spellings.csv"), ids=str)
def test_arabic_and_russian_press_spellings(query: str, expected: str, name: str) -> None:
    """Names as the Arabic and Russian press write them, short forms included, resolve
    on the built-in gazetteer (a regression table: every row was checked by hand)."""
    m = namenorm.resolve(query)
    assert m is not None and m.entity.id == expected, (name, m)


# Family members the gazetteer does not hold are not its famous member, though he has a
# short form ("Haftar", "Gaddafi") that their surname meets.
@pytest.mark.parametrize(
    "query,not_this",
    [("Ali Haftar", "nn:khalifa-haftar"), ("Mohamed Haftar", "nn:khalifa-haftar"),
     ("Omar Gaddafi", "Q19878"), ("Aisha Gaddafi", "Q19878"), ("علي حفتر", "nn:khalifa-haftar")],
    ids=str,
)
def test_a_surname_alias_does_not_take_other_family_members(query: str, not_this: str) -> None:
    m = namenorm.resolve(query)
    assert m is None or m.entity.id != not_this, m


def test_a_long_form_finds_the_acronym_a_body_is_listed_by(tmp_path: Path) -> None:
    src = tmp_path / "bodies.csv"
    src.write_text("id,type,name\nQ7184,org,NATO\nnn:opec,org,OPEC\n", encoding="utf-8")
    r = Resolver(Gazetteer.load(src))
    for query, expected in [
        ("North Atlantic Treaty Organization", "Q7184"),
        ("Organization of the Petroleum Exporting Countries", "nn:opec"),
    ]:
        m = r.resolve(query)
        assert m is not None and m.entity.id == expected and "acronym" in m.why, m


@pytest.mark.parametrize(
    "query,expected",
    [("وكالة رويترز", "Q130879"), ("مجموعة فاغنر", "nn:wagner-group"), ("ЧВК Вагнер", "nn:wagner-group")],
    ids=str,
)
def test_words_for_a_kind_of_body_in_arabic_and_russian(query: str, expected: str, tmp_path: Path) -> None:
    # One reference name each: "agency", "group" are said in the query's own language.
    src = tmp_path / "bodies.csv"
    src.write_text("id,type,name\nQ130879,org,Reuters\nnn:wagner-group,org,Wagner Group\n", encoding="utf-8")
    m = Resolver(Gazetteer.load(src)).resolve(query)
    assert m is not None and m.entity.id == expected, m


@pytest.mark.parametrize(
    "query,expected",
    [("Khamis Muammar Qadhafi", "nn:khamis-gaddafi"), ("Mahamat Idriss Déby", "nn:mahamat-deby"),
     ("Muammar Gaddafi", "Q19878"), ("Idriss Déby", "nn:idriss-deby"), ("Tayyip Erdogan", "nn:erdogan")],
    ids=str,
)
def test_a_son_named_with_his_father_is_the_son(query: str, expected: str, tmp_path: Path) -> None:
    # One reference name each (real people): "Khamis Muammar Qadhafi" is Khamis son of
    # Muammar; his own given name, missing from "Muammar Gaddafi", decides.
    src = tmp_path / "people.csv"
    src.write_text(
        "id,type,name\nQ19878,person,Muammar Gaddafi\nnn:khamis-gaddafi,person,Khamis Gaddafi\n"
        "nn:idriss-deby,person,Idriss Déby\nnn:mahamat-deby,person,Mahamat Déby\n"
        "nn:erdogan,person,Recep Tayyip Erdoğan\n",
        encoding="utf-8",
    )
    m = Resolver(Gazetteer.load(src)).resolve(query)
    assert m is not None and m.entity.id == expected, m
