"""Helpers shared by the benchmark scripts in this folder (not a benchmark itself).

Holds the paths of the shared benchmark data, the naive baseline's folding, script detection,
one-core pinning and a small plain-text / Markdown table renderer.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from unidecode import unidecode

REPO = Path(__file__).resolve().parent.parent
# The shared data sits beside the repository (``../shared`` from the repo root); the env var
# lets CI or another checkout point elsewhere.
SHARED = Path(os.environ.get("NAMENORM_SHARED", REPO.parent / "shared"))
BENCH_DATA = SHARED / "benchmarks"


def load_namenorm() -> ModuleType | None:
    """Import namenorm, or return None (with a note on stderr) when it is not importable yet."""
    try:
        import namenorm
    except ImportError as exc:  # the engine may not exist yet: baselines still run
        print(f"note: namenorm is not importable ({exc}); its columns show n/a", file=sys.stderr)
        return None
    return namenorm


def pin_one_core() -> int | None:
    """Pin this process (and the subprocesses it starts) to one CPU; return it, or None."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def fold(text: str) -> str:
    """The naive baseline's folding: unidecode, then lower-case."""
    return unidecode(text).lower()


def strip_diacritics(text: str) -> str:
    """Remove combining marks (NFD, drop category Mn, NFC)."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


_ARABIC = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
_CYRILLIC = ((0x0400, 0x052F), (0x1C80, 0x1C8F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F))
_LATIN = ((0x0041, 0x005A), (0x0061, 0x007A), (0x00C0, 0x024F), (0x1E00, 0x1EFF), (0x2C60, 0x2C7F))


def _in(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= code <= hi for lo, hi in ranges)


def script_of(text: str) -> str:
    """Return "Latin", "Arabic", "Cyrillic" or "other": the script of most of the letters."""
    counts = {"Latin": 0, "Arabic": 0, "Cyrillic": 0, "other": 0}
    for char in text:
        if not char.isalpha():
            continue
        code = ord(char)
        if _in(code, _LATIN):
            counts["Latin"] += 1
        elif _in(code, _ARABIC):
            counts["Arabic"] += 1
        elif _in(code, _CYRILLIC):
            counts["Cyrillic"] += 1
        else:
            counts["other"] += 1
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else "other"


def prf(predicted: Sequence[bool], truth: Sequence[bool]) -> tuple[float, float, float]:
    """Precision, recall and F1 of boolean predictions (0.0 where undefined)."""
    tp = sum(p and t for p, t in zip(predicted, truth, strict=True))
    fp = sum(p and not t for p, t in zip(predicted, truth, strict=True))
    fn = sum(t and not p for p, t in zip(predicted, truth, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def render_table(header: Sequence[str], rows: Sequence[Sequence[str]], *, markdown: bool) -> str:
    """Render rows as a Markdown table or as aligned plain text."""
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), sep, *(line(r) for r in rows)])


def print_report(table: str, notes: Sequence[str], *, markdown: bool) -> None:
    """Print a rendered table and its notes as bullets."""
    print(table)
    print()
    bullet = "- " if markdown else "* "
    for note in notes:
        print(bullet + note)
