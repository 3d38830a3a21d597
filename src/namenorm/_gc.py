"""Pausing the cyclic garbage collector while bulk data is made."""

from __future__ import annotations

import gc
import os
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


#: Indexes of at least this many names move what exists to the permanent generation.
FREEZE_NAMES = 50_000


def settle(names: int) -> None:
    """After a large index is built or loaded: move every object that exists now to
    the permanent generation (:func:`gc.freeze`), so that the cyclic collector stops
    walking the gazetteer and index (millions of objects, none in a cycle) on each
    full collection, which otherwise doubles the time a query takes on GeoNames-size
    data. Set ``NAMENORM_GC_FREEZE=0`` to leave the collector alone."""
    if names >= FREEZE_NAMES and gc.isenabled() and os.environ.get("NAMENORM_GC_FREEZE", "1") != "0":
        gc.freeze()
