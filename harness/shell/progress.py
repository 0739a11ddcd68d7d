"""The live progress display of ``splitbrain run`` (on stderr)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import TextIO

from harness.kernel.clock import Clock
from harness.kernel.interpreter import Stats


def progress_line(
    elapsed_s: float, rate: float, stats: Stats, faults: Sequence[str], *, average: bool = False
) -> str:
    """One progress line; ``average`` marks ``rate`` as the whole run's (the closing line)."""
    active = ", ".join(faults) if faults else "none"
    per = "ops/s average" if average else "ops/s"
    return (
        f"[{elapsed_s:6.1f}s] {rate:7.1f} {per}  ok {stats.ok}  fail {stats.fail}  "
        f"info {stats.info}  faults: {active}"
    )


class LiveProgress:
    """Prints phases, then a progress line every ``interval`` s while the workload runs.

    On a terminal the line is rewritten in place; otherwise a new line every ``log_every`` s.
    """

    def __init__(self, stream: TextIO, *, interval: float = 0.5, log_every: float = 5.0) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._interval = interval if self._tty else log_every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = time.monotonic()

    def phase(self, text: str) -> None:
        elapsed = time.monotonic() - self._started
        self._write(f"splitbrain: [{elapsed:5.1f}s] {text}\n")

    def workload_started(
        self, stats: Stats, clock: Clock, faults: Callable[[], Sequence[str]]
    ) -> None:
        self.phase("workload running")
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._loop, args=(stats, clock, faults), name="progress", daemon=True
        )
        self._thread.start()

    def workload_finished(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None

    def _loop(self, stats: Stats, clock: Clock, faults: Callable[[], Sequence[str]]) -> None:
        last_done, last_t = 0, 0.0
        while not self._stop.wait(self._interval):
            self._show(stats, clock, faults, last_done, last_t)
            last_done, last_t = stats.completed, clock.now_ns() / 1e9
        self._show(stats, clock, faults, 0, 0.0, average=True)  # the last line: the whole run
        if self._tty:
            self._write("\n")

    def _show(self, stats: Stats, clock: Clock, faults: Callable[[], Sequence[str]],
              last_done: int, last_t: float, *, average: bool = False) -> None:
        now = clock.now_ns() / 1e9
        rate = (stats.completed - last_done) / max(now - last_t, 1e-9)
        try:
            active = list(faults())
        except Exception:
            active = ["?"]
        line = progress_line(now, rate, stats, active, average=average)
        self._write(f"\r\x1b[2K{line}" if self._tty else line + "\n")

    def _write(self, text: str) -> None:
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):
            pass


__all__ = ["LiveProgress", "progress_line"]
