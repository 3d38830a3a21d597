"""One place to clear every cache namenorm keeps (for tests and benchmarks)."""

from __future__ import annotations


def reset_caches() -> None:
    """Clear the memoised folds, parses and scores, and unload the built-in data.

    The next call reloads what it needs; results do not change.
    """
    from namenorm import gazetteer, keys, normalize, parts, resolve, score

    normalize._fold_cached.cache_clear()
    keys.skeletons.cache_clear()
    keys.phonetic_key.cache_clear()
    parts.parse_folded.cache_clear()
    parts.parse.cache_clear()
    score._part_similarity.cache_clear()
    resolve._reset_default()
    gazetteer._reset_default()
