"""SIGINT and SIGTERM become one exception in the main thread, once; teardown is not interrupted."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Interrupted(BaseException):
    """The run was asked to stop (Ctrl-C or SIGTERM)."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


class InterruptGuard:
    """Raises :class:`Interrupted` on the first signal, unless shielded (during teardown)."""

    def __init__(self) -> None:
        self.received: int | None = None
        self._shielded = False

    def shield(self) -> None:
        """From now on signals are only noted: teardown must run to the end."""
        self._shielded = True

    def unshield(self) -> None:
        """Teardown is over: the next signal raises again (e.g. to abort a long analysis)."""
        self._shielded = False
        self.received = None

    def handler(self, signum: int, frame: FrameType | None) -> None:
        if self.received is not None or self._shielded:
            self.received = self.received or signum
            print(f"\nsplitbrain: {signal.Signals(signum).name}: tearing down, please wait",
                  file=sys.stderr, flush=True)
            return
        self.received = signum
        raise Interrupted(signum)


@contextmanager
def interrupts_raise() -> Iterator[InterruptGuard]:
    """Install the guard for SIGINT and SIGTERM (main thread only); restore on exit."""
    guard = InterruptGuard()
    previous = {s: signal.signal(s, guard.handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield guard
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


__all__ = ["InterruptGuard", "Interrupted", "interrupts_raise"]
