"""The live progress display: the closing line says it is the run's average (progress.py)."""

from __future__ import annotations

import io
import time

from harness.kernel.interpreter import Stats
from harness.shell.progress import LiveProgress


class _Clock:
    def __init__(self) -> None:
        self.t = 0

    def now_ns(self) -> int:
        self.t += 1_000_000_000
        return self.t


def test_last_line_is_marked_as_the_average_not_a_repeat() -> None:
    out = io.StringIO()  # not a terminal: one line per interval
    progress = LiveProgress(out, log_every=0.05)
    stats = Stats(ok=10, fail=0, info=0)
    progress.workload_started(stats, _Clock(), lambda: [])
    time.sleep(0.3)
    progress.workload_finished()
    lines = [line for line in out.getvalue().splitlines() if line.startswith("[")]
    assert len(lines) >= 2
    assert all("average" not in line for line in lines[:-1])
    assert "ops/s average" in lines[-1]
