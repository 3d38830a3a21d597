"""namenorm.dask on a real dask.distributed LocalCluster with two worker processes."""

from __future__ import annotations

from pathlib import Path

import pytest

import namenorm

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

import namenorm.dask as nndask  # noqa: E402

NAMES = ["Gawishoglu", "Al-Wattia", "Misurata", "Лавров", "القذافي", "Xqzvbw Plorkt", None, "Heftar", "Tripoli"] * 12


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def _expected(resolver: namenorm.Resolver) -> list[object]:
    return [
        (m.entity.id if m else None) for m in resolver.resolve_many(n if isinstance(n, str) else "" for n in NAMES)
    ]


def test_column_equals_resolve_many(client: object, tmp_path: Path) -> None:
    csv = tmp_path / "g.csv"
    rows = ["id,type,name,country,population"]
    for e in namenorm.Gazetteer.default():
        if not e.id.startswith("gn:"):
            rows += [f'{e.id},{e.type},"{n}",{e.country},{e.population}' for n in e.names if '"' not in n]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    g = namenorm.Gazetteer.load(csv)
    index = tmp_path / "g.nnidx"
    resolver = namenorm.Resolver(g)
    resolver.save_index(index)

    df = dd.from_pandas(pd.DataFrame({"mention": NAMES}), npartitions=6)
    out = nndask.resolve_column(df, "mention", gazetteer=csv, index=index).compute()
    assert list(out.columns) == ["mention", "nn_id", "nn_name", "nn_type", "nn_score"]
    got = [None if pd.isna(x) else x for x in out["nn_id"]]
    assert got == _expected(resolver)
    # Each worker loaded the gazetteer and index once, not once per task.
    loads = client.run(lambda: __import__("namenorm.dask").dask.loads)  # type: ignore[attr-defined]
    assert len(loads) == 2 and all(n <= 1 for n in loads.values())


def test_bag_with_the_built_in_gazetteer(client: object) -> None:
    import dask.bag as db

    bag = db.from_sequence([n for n in NAMES if n], npartitions=4)
    out = nndask.resolve_bag(bag).compute()
    assert [r["query"] for r in out] == [n for n in NAMES if n]
    assert [r["id"] for r in out] == [m.entity.id if m else None for m in namenorm.resolve_many(n for n in NAMES if n)]
