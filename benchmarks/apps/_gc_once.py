"""Process-wide state for ``feed_gc_freeze_app``: imported once per server process."""

from __future__ import annotations

import gc

_frozen = False


def freeze_once() -> bool:
    """Collect, then ``gc.freeze()`` every object alive now, the first time only.

    Called after the app's first full run, when its imports (Streamlit, Polars, Altair,
    NumPy, Arrow) and caches exist: those objects move to the permanent generation, so the
    full collection Streamlit runs after each later run no longer traverses them. True if
    this call froze.
    """
    global _frozen
    if _frozen:
        return False
    gc.collect()
    gc.freeze()
    _frozen = True
    return True
