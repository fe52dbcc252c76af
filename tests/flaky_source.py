"""A synthetic source whose polls fail on demand, for tests of a failing source."""

from __future__ import annotations

from feed import Batch, SyntheticSource


class FlakySource:
    """The synthetic source, but its polls raise ``error`` while ``failing`` is set."""

    def __init__(self, error: Exception, seed: int = 0) -> None:
        self.inner = SyntheticSource(seed=seed)
        self.error = error
        self.failing = False

    @property
    def names(self) -> tuple[str, ...]:
        return self.inner.names

    def poll(self, now: int) -> Batch:
        if self.failing:
            raise self.error
        return self.inner.poll(now)
