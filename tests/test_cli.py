"""The command line, in-process through main(argv) and as a real subprocess."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from namenorm import __version__
from namenorm.cli import main


def run(argv: list[str], stdin: bytes = b"", monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    mp = monkeypatch or pytest.MonkeyPatch()
    mp.setattr(sys, "stdout", out)
    mp.setattr(sys, "stderr", err)
    mp.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    try:
        code = main(argv)
    finally:
        if monkeypatch is None:
            mp.undo()
    return code, out.getvalue(), err.getvalue()


def test_one_name() -> None:
    assert run(["Gawishoglu"])[:2] == (0, "Mevlüt Çavuşoğlu\n")


def test_json_lines() -> None:
    code, out, _ = run(["--json", "Al-Watiyah", "Misurata"])
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["query"] for r in rows] == ["Al-Watiyah", "Misurata"]
    assert rows[1]["name"] == "Misrata"
    for r in rows:
        assert set(r) == {"query", "id", "name", "type", "score", "matched", "why"}


def test_stdin_with_bad_lines_answers_the_good_ones() -> None:
    data = b"Heftar\n\xff\xfe broken\n\nLavrov\nplain\x00nul\nXqzvbw Plorkt\n"
    code, out, err = run(["--json"], stdin=data)
    assert code == 1
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r.get("name") for r in rows] == ["Khalifa Haftar", None, "Sergey Lavrov", None, None]
    assert "line 2" in err and "invalid UTF-8" in err
    assert "line 5" in err and "NUL" in err
    assert "Traceback" not in err


def test_unresolved_exit_1_and_usage_exit_2() -> None:
    code, out, err = run(["Xqzvbw Plorkt"])
    assert code == 1 and "no match" in err
    code, _, err = run(["--threshold", "abc", "x"])
    assert code == 2 and "Traceback" not in err
    code, _, err = run(["--gazetteer", "/nonexistent.csv", "x"])
    assert code == 2 and "/nonexistent.csv" in err


def test_version_and_help() -> None:
    code, out, _ = run(["--version"])
    assert code == 0 and __version__ in out
    code, out, _ = run(["--help"])
    assert code == 0 and "namenorm" in out


def test_explain() -> None:
    code, out, _ = run(["explain", "Çavuşoغلlu"])
    assert code == 0
    assert "cavusoghllu" in out and "skeleton" in out and "Mevlüt Çavuşoğlu" in out


def test_custom_gazetteer_file(tmp_path: Path) -> None:
    p = tmp_path / "g.csv"
    p.write_text("id,type,name\nx1,place,Tarhuna\nx1,place,Tarhunah\n", encoding="utf-8")
    assert run(["-g", str(p), "Tarhouna"])[:2] == (0, "Tarhuna\n")


def test_subprocess_from_another_directory(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "namenorm", "--json", "Heftar"],
        capture_output=True, cwd=tmp_path, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["name"] == "Khalifa Haftar"
    proc = subprocess.run([sys.executable, "-m", "namenorm", "--bogus"], capture_output=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 2 and b"Traceback" not in proc.stderr


def test_environment_names_a_gazetteer_and_its_index(tmp_path: Path) -> None:
    g = tmp_path / "towns.csv"
    g.write_text("id,type,name,country,population\nx1,place,Tarhuna,LY,40000\nx2,place,Tarhunah Spring,LY,10\n",
                 encoding="utf-8")
    index = tmp_path / "towns.nnidx"
    env = {**os.environ, "NAMENORM_GAZETTEER": str(g), "NAMENORM_INDEX": str(index)}
    proc = subprocess.run(
        [sys.executable, "-m", "namenorm", "-v", "Tarhouna"], capture_output=True, text=True, env=env,
        cwd=tmp_path, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\t")[:3] == ["Tarhouna", "Tarhuna", "x1"]
    assert index.exists()  # built and saved for the next run
    proc = subprocess.run(
        [sys.executable, "-m", "namenorm", "Gawishoglu"], capture_output=True, text=True, env=env, cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 1  # the built-in gazetteer is not consulted


def test_index_option(tmp_path: Path) -> None:
    g = tmp_path / "g.csv"
    g.write_text("id,type,name\nx1,place,Tarhuna\n", encoding="utf-8")
    index = tmp_path / "g.nnidx"
    assert run(["-g", str(g), "--index", str(index), "Tarhouna"])[:2] == (0, "Tarhuna\n")
    assert index.exists()
