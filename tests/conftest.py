from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
SEED = ROOT / "seeds" / "000_0bb69a247728724b.txt"


def load_table(name: str) -> list[tuple[str, ...]]:
    """Rows of a golden CSV table in tests/data, header skipped."""
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return [tuple(r) for r in rows[1:] if r]
