"""One place to clear every cache namenorm keeps (for tests and benchmarks)."""

from __future__ import annotations

import sys


def reset_caches() -> None:
    """Clear the memoised folds, parses and scores, and unload the built-in data.

    The next call reloads what it needs; results do not change.
    """
    # By module object: the package re-exports functions under the same names.
    mods = sys.modules
    mods["namenorm.normalize"]._fold_cached.cache_clear()
    keys = mods["namenorm.keys"]
    keys.skeletons.cache_clear()
    keys.phonetic_key.cache_clear()
    keys.sound_spelling.cache_clear()
    parts = mods["namenorm.parts"]
    parts.parse_folded.cache_clear()
    parts.parse.cache_clear()
    mods["namenorm.score"]._part_similarity.cache_clear()
    mods["namenorm.score"]._spelling_similarity.cache_clear()
    mods["namenorm.score"]._arabic_similarity.cache_clear()
    mods["namenorm.index"]._part_keys.cache_clear()
    mods["namenorm.index"]._part_hashes.cache_clear()
    mods["namenorm.resolve"]._reset_default()
    mods["namenorm.gazetteer"]._reset_default()
