"""Any input, any load: no crash, nothing lost, the same answers every time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import namenorm
from namenorm import gazetteer as gazetteer_module

# Text with every kind of trouble: any code point (surrogates included), marks, controls, bidi.
NASTY = st.text(
    alphabet=st.characters(blacklist_categories=(), min_codepoint=0, max_codepoint=0x10FFFF),
    max_size=80,
)
TRICKY = [
    "",
    " ",
    "\x00",
    "\ud800",
    "a" + "\u0301" * 500,
    "\u200f\u202eHaftar\u202c",
    "\u200d" * 50,
    "😀 Haftar 🇱🇾",
    "ـــــ",
    "Ḩaftar\x07\x1b[31m",
    "x" * 100_000,
    "Haftar " * 5_000,
    "al " * 3000,
    "bin " * 3000 + "Zayed",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NASTY)
def test_public_api_never_raises_on_any_str(text: str) -> None:
    namenorm.normalize(text)
    assert 0.0 <= namenorm.compare(text, "Khalifa Haftar") <= 1.0
    m = namenorm.resolve(text)
    assert m is None or m.score >= namenorm.DEFAULT_THRESHOLD
    for c in namenorm.candidates(text, limit=3):
        assert 0.0 <= c.score <= 1.0


@pytest.mark.parametrize("text", TRICKY, ids=lambda t: repr(t[:20]))
def test_tricky_strings(text: str) -> None:
    start = time.perf_counter()
    folded = namenorm.normalize(text)
    assert folded is None or folded.isascii()
    namenorm.compare(text, text)
    namenorm.resolve(text)
    namenorm.candidates(text)
    # Generous: only a quadratic blow-up would take this long.
    assert time.perf_counter() - start < 10


@pytest.mark.parametrize("func", [namenorm.normalize, namenorm.resolve, namenorm.candidates])
@pytest.mark.parametrize("bad", [None, b"Haftar", 42, 1.5, ["Haftar"], object()])
def test_non_str_is_a_type_error(func: object, bad: object) -> None:
    with pytest.raises(TypeError, match="must be a str"):
        func(bad)  # type: ignore[operator]


def test_sixteen_threads_on_a_cold_start_load_once_and_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    names = ["Gawishoglu", "Heftar", "Misurata", "Лавров", "القذافي", "Al-Wattia", "Tripoli", "Wagner"]
    expected = [(m.entity.id, m.score) if m else None for m in map(namenorm.resolve, names)]
    namenorm.reset_caches()
    loads = []
    real = gazetteer_module._read_jsonl

    def counting(*args: object, **kwargs: object) -> object:
        loads.append(1)
        time.sleep(0.05)  # widen the window in which the other threads arrive
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(gazetteer_module, "_read_jsonl", counting)
    results: list[object] = [None] * 16
    barrier = threading.Barrier(16)

    def work(k: int) -> None:
        barrier.wait()
        results[k] = [(m.entity.id, m.score) if m else None for m in map(namenorm.resolve, names)]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(loads) == 1
    assert all(r == expected for r in results)


def test_a_resolver_is_shared_between_threads() -> None:
    r = namenorm.Resolver()
    names = ["Gawishoglu", "Heftar", "Misurata", "Sirte", "Benghazi", "Putin"] * 20
    expected = [m.entity.id if m else None for m in r.resolve_many(names)]
    out: dict[int, list[str | None]] = {}

    def work(k: int) -> None:
        out[k] = [m.entity.id if m else None for m in r.resolve_many(names)]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(v == expected for v in out.values())


def test_same_answers_under_any_hash_seed(tmp_path: Path) -> None:
    code = (
        "import json, namenorm; "
        "print(json.dumps([[m.entity.id, m.score, m.why] for m in "
        "namenorm.candidates('Haftar', limit=5) + namenorm.candidates('Tripoli', limit=5)]))"
    )
    outs = []
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, cwd=tmp_path, timeout=120)
        assert proc.returncode == 0, proc.stderr
        outs.append(json.loads(proc.stdout))
    assert outs[0] == outs[1] == outs[2]


def test_cli_keeps_every_good_line_in_order(tmp_path: Path) -> None:
    lines = [b"Heftar", b"\xc3\x28bad", b"", b"Misurata", b"x" * (10 * 1024 * 1024), b"nul\x00here", b"Lavrov"]
    f = tmp_path / "names.txt"
    f.write_bytes(b"\n".join(lines) + b"\n")
    proc = subprocess.run(
        [sys.executable, "-m", "namenorm", "--json", "-f", str(f)], capture_output=True, timeout=120
    )
    assert proc.returncode == 1
    rows = [json.loads(x) for x in proc.stdout.decode().splitlines()]
    assert [r.get("name") for r in rows] == ["Khalifa Haftar", None, "Misrata", None, None, "Sergey Lavrov"]
    err = proc.stderr.decode()
    assert "line 2" in err and "line 5" in err and "line 6" in err
    assert "Traceback" not in err


def test_gazetteer_checksum_is_the_same_under_any_hash_seed(tmp_path: Path) -> None:
    # Historic names that a record lists only under "historic" join its names in the
    # file's order, never in a set's: the checksum (and a saved index) must not vary.
    src = tmp_path / "g.jsonl"
    record = {"id": "gn:2210247", "type": "place", "name": "Tripoli", "names": ["Tarabulus"],
              "historic": ["Oea", "Tripoli of Barbary", "Tarablus al-Gharb", "Trablous"]}
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    code = f"import namenorm; g = namenorm.Gazetteer.load({str(src)!r}); print(g.checksum, list(g)[0].names)"
    outs = set()
    for seed in ("0", "1", "12345", "999"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
        outs.add(proc.stdout)
    assert len(outs) == 1, outs
