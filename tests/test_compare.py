"""compare(): spelling families that must match, hard negatives that must not."""

from __future__ import annotations

import pytest
from conftest import load_table
from hypothesis import given, settings
from hypothesis import strategies as st

from namenorm import DEFAULT_THRESHOLD, compare
from namenorm.parts import parse
from namenorm.score import compare_parsed, compare_score, explain_compare


@pytest.mark.parametrize("family,a,b", load_table("compare_match.csv"), ids=str)
def test_spelling_families_match(family: str, a: str, b: str) -> None:
    assert compare(a, b) >= DEFAULT_THRESHOLD, explain_compare(a, b).explain()


@pytest.mark.parametrize("why,a,b", load_table("compare_nonmatch.csv"), ids=str)
def test_hard_negatives_stay_apart(why: str, a: str, b: str) -> None:
    assert compare(a, b) < DEFAULT_THRESHOLD, explain_compare(a, b).explain()


def test_full_name_beats_surname_alone() -> None:
    full = compare("Sergey Lavrov", "Sergey Viktorovich Lavrov")
    part = compare("Lavrov", "Sergey Viktorovich Lavrov")
    assert 1.0 > full > part >= DEFAULT_THRESHOLD


def test_explanation_names_the_rule() -> None:
    comp = explain_compare("Gawishoglu", "Çavuşoğlu")
    assert comp.pairs[0].method == "skeleton"
    assert "skeleton" in comp.explain()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_symmetric_and_bounded(a: str, b: str) -> None:
    s = compare(a, b)
    assert 0.0 <= s <= 1.0
    assert s == compare(b, a)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=40).filter(lambda t: any(c.isalpha() for c in t)))
def test_a_name_matches_itself(a: str) -> None:
    assert compare(a, a) == 1.0


@pytest.mark.parametrize("bad", [None, b"x", 1])
def test_non_str_raises(bad: object) -> None:
    with pytest.raises(TypeError):
        compare(bad, "Haftar")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        compare("Haftar", bad)  # type: ignore[arg-type]


def _pairs() -> list[tuple[str, str]]:
    """Every golden pair, and every name against every other name of the tables."""
    rows = load_table("compare_match.csv") + load_table("compare_nonmatch.csv")
    names = sorted({n for _, a, b in rows for n in (a, b)})
    return [(a, b) for _, a, b in rows] + [(a, b) for a in names[::3] for b in names[1::4]]


def test_score_only_path_equals_the_explained_one() -> None:
    # The resolver ranks candidates by compare_score and explains the winner with
    # compare_parsed: they must agree exactly, or the explanation would not fit.
    for a, b in _pairs():
        pa, pb = parse(a), parse(b)
        full = compare_parsed(pa, pb)
        score, extra = compare_score(pa, pb)
        assert score == pytest.approx(full.score, abs=1e-12), (a, b)
        assert extra == (0 if full.method == "joined" else len(full.extra)), (a, b)


@pytest.mark.parametrize(
    "a,b",
    [("大石", "恩施"), ("木渎镇", "木耳镇")],  # Dashi and Enshi; Mudu and Mu'er
)
def test_syllables_of_a_script_read_through_unidecode_are_no_particles(a: str, b: str) -> None:
    # "da", "du", "an" are Unidecode syllables here, not the particles of Latin-script names.
    assert compare(a, b) < DEFAULT_THRESHOLD, explain_compare(a, b).explain()
