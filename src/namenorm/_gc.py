"""Pausing the cyclic garbage collector while bulk data is made."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off, then turn it back on if it was.

    Loading a gazetteer or building an index makes millions of objects that hold no
    cycles; the collector would walk them all again and again as they pile up (a
    third of a GeoNames-size load). Reference counting still frees what is dropped.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
