"""What the long benchmarks show while they run: a line per measurement, above a progress bar
with the cell being measured and the time left."""

from __future__ import annotations

import sys
from typing import Any


def progress(line: str) -> None:
    """Print a progress line now, not when the buffer fills, above any progress bar."""
    from tqdm import tqdm

    tqdm.write(line)
    sys.stdout.flush()


def progress_bar(total: float, unit: str) -> Any:
    """A progress bar on standard error (tqdm) with the time left, counting ``total`` in
    ``unit``; silent when standard error is not a terminal (logs keep their lines)."""
    from tqdm import tqdm

    return tqdm(total=round(total), unit=unit, dynamic_ncols=True, disable=None, leave=False)
