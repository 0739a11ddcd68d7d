"""Who was primary when: a poller the run owns while the workload runs.

A target that knows its primaries (:class:`harness.kernel.protocols.HasPrimaries`: the Raft KV's
leader, etcd's leader, Redis' master) is asked every :data:`INTERVAL_S` seconds; each change is
appended to ``primaries.jsonl`` in the run directory, one JSON object per line, flushed per line (it
survives a crash like the history)::

    {"time": 1203000000, "end": 1204100000, "primaries": ["n2"]}

``time`` and ``end`` are nanoseconds on the history's clock (since the test started): the answer
describes some moment between them (the poll asks every node in parallel). ``primaries`` is what
the target said, sorted: empty when no node claims to lead (an election, a partition), several
names when several nodes do (a deposed leader that does not know it yet). The first line is the
first answer; later lines only when the answer changes. A poll that raises is logged and skipped.

Kept apart from ``history.jsonl`` on purpose: the history holds what clients and the nemesis did
(Jepsen's format, read by the checkers); this is an observation of the target for the report.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.kernel.clock import Clock
from harness.kernel.context import RunContext
from harness.kernel.jsontypes import JSON
from harness.kernel.protocols import HasPrimaries

PRIMARIES = "primaries.jsonl"
"""The file's name in the run directory."""
INTERVAL_S = 0.25
"""Seconds between the start of two polls (a slow poll delays the next one)."""
STOP_WAIT_S = 5.0
"""Seconds :meth:`PrimaryPoller.stop` waits for a poll in flight."""


@dataclass(frozen=True, kw_only=True, slots=True)
class PrimaryChange:
    """One line of ``primaries.jsonl``."""

    time: int
    end: int
    primaries: tuple[str, ...]

    def to_json(self) -> dict[str, JSON]:
        return {"time": self.time, "end": self.end, "primaries": list(self.primaries)}


class PrimaryPoller:
    """Polls ``db.primaries(ctx)`` on a daemon thread from :meth:`start` to :meth:`stop`."""

    def __init__(self, ctx: RunContext, db: HasPrimaries, *, path: Path, clock: Clock,
                 interval_s: float = INTERVAL_S, log: logging.Logger | None = None) -> None:
        self._ctx = ctx
        self._db = db
        self._path = path
        self._clock = clock
        self._interval = interval_s
        self._log = log or logging.getLogger("splitbrain.primaries")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last: tuple[str, ...] | None = None
        self.changes: list[PrimaryChange] = []
        """Every change recorded so far (also in the file)."""

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="primary-poller", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop polling; waits up to :data:`STOP_WAIT_S` for a poll in flight."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(STOP_WAIT_S)

    def poll_once(self) -> PrimaryChange | None:
        """Ask once; record and return the change, if it is one."""
        start = self._clock.now_ns()
        try:
            names: Sequence[str] = self._db.primaries(self._ctx)
        except Exception as e:  # a failing poll must never fail the run
            self._log.warning("primary poll failed: %s: %s", type(e).__name__, e)
            return None
        now = tuple(sorted(names))
        if now == self._last:
            return None
        self._last = now
        change = PrimaryChange(time=start, end=self._clock.now_ns(), primaries=now)
        self.changes.append(change)
        with self._path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(change.to_json(), separators=(",", ":")) + "\n")
        return change

    def _run(self) -> None:
        while not self._stop.is_set():
            started = self._clock.now_ns()
            self.poll_once()
            spent = (self._clock.now_ns() - started) / 1e9
            self._stop.wait(max(0.0, self._interval - spent))


def read_primaries(path: Path) -> tuple[list[PrimaryChange], list[str]]:
    """The changes in ``path`` (none if it is missing) and a problem per unreadable line."""
    changes: list[PrimaryChange] = []
    problems: list[str] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return changes, problems
    except OSError as e:
        return changes, [f"{path.name}: {e}"]
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            names = obj["primaries"]
            time, end = obj["time"], obj.get("end", obj["time"])
            if not (isinstance(time, int) and isinstance(end, int) and isinstance(names, list)
                    and all(isinstance(x, str) for x in names)):
                raise TypeError("expected time, end: int and primaries: list of names")
        except (ValueError, KeyError, TypeError) as e:
            problems.append(f"{path.name} line {n}: {e}")
            continue
        changes.append(PrimaryChange(time=time, end=end, primaries=tuple(names)))
    return changes, problems


__all__ = ["INTERVAL_S", "PRIMARIES", "PrimaryChange", "PrimaryPoller", "read_primaries"]
