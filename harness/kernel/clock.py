"""Injected clocks: nanoseconds since the test started."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now_ns(self) -> int:
        """Nanoseconds since the test started (monotonic, never decreasing)."""


class MonotonicClock:
    """``time.monotonic_ns`` relative to the moment of construction (or :meth:`reset`)."""

    def __init__(self) -> None:
        self._origin = time.monotonic_ns()

    def reset(self) -> None:
        self._origin = time.monotonic_ns()

    def now_ns(self) -> int:
        return time.monotonic_ns() - self._origin


class ManualClock:
    """A clock that moves only when told to (simulations and tests)."""

    def __init__(self, start_ns: int = 0) -> None:
        self._now = start_ns

    def now_ns(self) -> int:
        return self._now

    def advance(self, ns: int) -> None:
        if ns < 0:
            raise ValueError("a clock never goes back")
        self._now += ns

    def set(self, ns: int) -> None:
        self._now = max(self._now, ns)


__all__ = ["Clock", "ManualClock", "MonotonicClock"]
