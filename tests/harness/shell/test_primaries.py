"""The primary poller: one line per change, on the history's clock; bad lines reported."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from harness.kernel.clock import ManualClock, MonotonicClock
from harness.kernel.context import RunContext
from harness.shell.primaries import PRIMARIES, PrimaryChange, PrimaryPoller, read_primaries
from tests.nemesis.fakes import fake_context


class ScriptedPrimaries:
    """Answers from a list (the last one repeats); raises where the script says ``"boom"``."""

    def __init__(self, answers: Sequence[Sequence[str] | str]) -> None:
        self.answers = list(answers)
        self.calls = 0
        self.lock = threading.Lock()

    def primaries(self, ctx: RunContext) -> Sequence[str]:
        with self.lock:
            answer = self.answers[min(self.calls, len(self.answers) - 1)]
            self.calls += 1
        if answer == "boom":
            raise OSError("node did not answer")
        return list(answer)


def test_records_only_changes_with_times_and_survives_errors(tmp_path: Path) -> None:
    clock = ManualClock()
    db = ScriptedPrimaries([["n1"], ["n1"], "boom", [], ["n3", "n2"], ["n2", "n3"], ["n2"]])
    poller = PrimaryPoller(fake_context(tmp_path), db, path=tmp_path / PRIMARIES, clock=clock)
    for _ in range(7):
        poller.poll_once()
        clock.advance(250_000_000)
    assert [c.primaries for c in poller.changes] == [("n1",), (), ("n2", "n3"), ("n2",)]
    assert [c.time for c in poller.changes] == [0, 750_000_000, 1_000_000_000, 1_500_000_000]
    lines = [json.loads(x) for x in (tmp_path / PRIMARIES).read_text().splitlines()]
    assert lines[0] == {"time": 0, "end": 0, "primaries": ["n1"]}
    changes, problems = read_primaries(tmp_path / PRIMARIES)
    assert changes == poller.changes and problems == []


def test_thread_polls_until_stopped(tmp_path: Path) -> None:
    db = ScriptedPrimaries([["n1"], ["n1"], ["n2"]])
    poller = PrimaryPoller(fake_context(tmp_path), db, path=tmp_path / PRIMARIES,
                           clock=MonotonicClock(), interval_s=0.01)
    poller.start()
    deadline = time.monotonic() + 10
    while len(poller.changes) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    poller.stop()
    calls = db.calls
    time.sleep(0.05)
    assert db.calls == calls  # stopped
    assert [c.primaries for c in poller.changes] == [("n1",), ("n2",)]
    assert poller.changes[1].time >= poller.changes[0].end


def test_read_reports_bad_lines_and_accepts_a_missing_file(tmp_path: Path) -> None:
    assert read_primaries(tmp_path / "nope.jsonl") == ([], [])
    path = tmp_path / PRIMARIES
    path.write_text('{"time": 5, "end": 7, "primaries": ["n1"]}\nnot json\n'
                    '{"time": "x", "primaries": []}\n{"time": 9, "primaries": []}\n')
    changes, problems = read_primaries(path)
    assert changes == [PrimaryChange(time=5, end=7, primaries=("n1",)),
                       PrimaryChange(time=9, end=9, primaries=())]
    assert len(problems) == 2 and problems[0].startswith("primaries.jsonl line 2")
