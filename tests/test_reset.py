from __future__ import annotations

import namenorm
from namenorm.parts import parse


def test_reset_caches_clears_and_results_stay_the_same() -> None:
    before = namenorm.resolve("Gawishoglu")
    assert parse.cache_info().currsize > 0
    namenorm.reset_caches()
    assert parse.cache_info().currsize == 0
    after = namenorm.resolve("Gawishoglu")
    assert before is not None and after is not None
    assert (before.entity.id, before.score) == (after.entity.id, after.score)
