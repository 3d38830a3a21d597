"""Resolve millions of names on a Dask cluster (optional: ``pip install 'namenorm[dask]'``).

Each worker process loads the gazetteer and its saved index once, the first
time a task needs them, and keeps them; tasks carry only the file paths, never
the index. Save the index beside the gazetteer first, so workers load it
rather than build it::

    import dask.dataframe as dd, namenorm, namenorm.dask
    g = namenorm.Gazetteer.load("cities500.jsonl")
    namenorm.Resolver(g).save_index("cities500.nnidx")
    df = dd.read_parquet("mentions.parquet")
    out = namenorm.dask.resolve_column(df, "name", gazetteer="cities500.jsonl", index="cities500.nnidx")

With neither path, workers use the built-in gazetteer.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from namenorm.gazetteer import Gazetteer
from namenorm.resolve import Match, Resolver, default_resolver

__all__ = ["resolve_column", "resolve_bag", "RESULT_COLUMNS"]

#: The columns :func:`resolve_column` adds (after its ``prefix``).
RESULT_COLUMNS = ("id", "name", "type", "score")

_lock = threading.Lock()
#: How many resolvers this process has loaded (tests read it on each worker).
loads = 0


@dataclass(frozen=True)
class _Spec:
    gazetteer: str | None
    index: str | None
    threshold: float | None
    types: tuple[str, ...] | None
    country: str | None


@lru_cache(maxsize=4)
def _resolver(gazetteer: str | None, index: str | None) -> Resolver:
    global loads
    with _lock:
        loads += 1
    if gazetteer is None and index is None:
        return default_resolver()
    g = Gazetteer.load(gazetteer) if gazetteer is not None else Gazetteer.default()
    r = Resolver(g, index_path=index)
    _ = r.index
    return r


def _resolve_one(spec: _Spec, name: object) -> Match | None:
    if not isinstance(name, str) or not name.strip():
        return None  # missing values (None, NaN) in a column resolve to nothing
    r = _resolver(spec.gazetteer, spec.index)
    return r.resolve(name, types=spec.types, country=spec.country, threshold=spec.threshold)


def _record(m: Match | None) -> tuple[Any, ...]:
    if m is None:
        return (None, None, None, float("nan"))
    return (m.entity.id, m.entity.name, m.entity.type, m.score)


def _spec(
    gazetteer: str | Path | None,
    index: str | Path | None,
    threshold: float | None,
    types: str | Collection[str] | None,
    country: str | None,
) -> _Spec:
    kinds = None if types is None else (types,) if isinstance(types, str) else tuple(types)
    return _Spec(
        str(gazetteer) if gazetteer is not None else None,
        str(index) if index is not None else None,
        threshold,
        kinds,
        country,
    )


def _partition(frame: Any, column: str, spec: _Spec, prefix: str) -> Any:
    import pandas as pd

    rows = [_record(_resolve_one(spec, v)) for v in frame[column]]
    out = frame.copy()
    cols: list[tuple[Any, ...]] = list(zip(*rows)) if rows else [() for _ in RESULT_COLUMNS]
    for name, values in zip(RESULT_COLUMNS, cols):
        dtype = "float64" if name == "score" else "object"
        out[prefix + name] = pd.Series(list(values), index=frame.index, dtype=dtype)
    return out


def resolve_column(
    df: Any,
    column: str,
    *,
    gazetteer: str | Path | None = None,
    index: str | Path | None = None,
    threshold: float | None = None,
    types: str | Collection[str] | None = None,
    country: str | None = None,
    prefix: str = "nn_",
) -> Any:
    """Resolve a column of names of a Dask DataFrame.

    Args:
        df: a ``dask.dataframe.DataFrame``.
        column: the column holding the names.
        gazetteer: a gazetteer file workers load (the built-in one if omitted).
        index: its saved index (see :meth:`namenorm.Resolver.save_index`).
        threshold, types, country: as for :func:`namenorm.resolve`.
        prefix: put before the added column names.

    Returns:
        The DataFrame with ``{prefix}id``, ``{prefix}name``, ``{prefix}type``
        and ``{prefix}score`` added (``None``/NaN where nothing resolved).
    """
    import pandas as pd

    spec = _spec(gazetteer, index, threshold, types, country)
    meta = df._meta.copy()
    for name in RESULT_COLUMNS:
        meta[prefix + name] = pd.Series(dtype="float64" if name == "score" else "object")
    return df.map_partitions(_partition, column, spec, prefix, meta=meta)


def _bag_partition(names: Iterable[object], spec: _Spec) -> list[dict[str, Any]]:
    return [
        dict(zip(("query", *RESULT_COLUMNS), (name, *_record(_resolve_one(spec, name)))))
        for name in names
    ]


def resolve_bag(
    bag: Any,
    *,
    gazetteer: str | Path | None = None,
    index: str | Path | None = None,
    threshold: float | None = None,
    types: str | Collection[str] | None = None,
    country: str | None = None,
) -> Any:
    """Resolve a Dask Bag of names into a Bag of dicts: query, id, name, type, score.

    See :func:`resolve_column` for the arguments.
    """
    spec = _spec(gazetteer, index, threshold, types, country)
    return bag.map_partitions(_bag_partition, spec)
