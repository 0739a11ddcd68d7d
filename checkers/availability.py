"""Availability per fault window: how many client operations succeeded inside and outside faults.

An operation counts for a window when it was *invoked* inside the window. ``ok_fraction`` is
``ok / (ok + fail + info)`` (``None`` when no operation was invoked there). These are statistics,
not a verdict: a partitioned system may rightly refuse requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from checkers.fault_windows import FaultWindow
from harness.kernel.history import Operation
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import OpType


@dataclass(frozen=True, kw_only=True, slots=True)
class Availability:
    """Operation outcomes over one span of time (or a union of spans)."""

    label: str
    start: int | None
    end: int | None
    duration_ns: int
    ok: int
    fail: int
    info: int

    @property
    def total(self) -> int:
        return self.ok + self.fail + self.info

    @property
    def ok_fraction(self) -> float | None:
        return self.ok / self.total if self.total else None

    @property
    def ok_per_second(self) -> float | None:
        return self.ok / (self.duration_ns / 1e9) if self.duration_ns > 0 else None

    def to_json(self) -> dict[str, JSON]:
        return {
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "duration_ns": self.duration_ns,
            "ok": self.ok,
            "fail": self.fail,
            "info": self.info,
            "total": self.total,
            "ok_fraction": self.ok_fraction,
            "ok_per_second": self.ok_per_second,
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class AvailabilityReport:
    """Availability inside each fault window, outside all of them, and overall."""

    windows: tuple[Availability, ...]
    outside: Availability
    overall: Availability

    def to_json(self) -> dict[str, JSON]:
        return {
            "windows": [w.to_json() for w in self.windows],
            "outside": self.outside.to_json(),
            "overall": self.overall.to_json(),
        }


def _outcome(o: Operation) -> int:
    """0 ok, 1 fail, 2 info (or anything else)."""
    return 0 if o.type is OpType.OK else 1 if o.type is OpType.FAIL else 2


def _union_length(windows: Sequence[FaultWindow], lo: int, hi: int) -> int:
    total = 0
    cursor = lo
    for w in sorted(windows, key=lambda w: w.start):
        start, end = max(w.start, cursor), min(w.end, hi)
        if end > start:
            total += end - start
            cursor = end
    return total


def availability(
    operations: Sequence[Operation],
    windows: Sequence[FaultWindow],
    *,
    start: int | None = None,
    end: int | None = None,
) -> AvailabilityReport:
    """Count outcomes per window; ``start``/``end`` bound the run (default: first/last op).

    Columnar (numpy) over the operations sorted by invocation time: prefix sums of each outcome
    count the operations invoked in a window with two binary searches.
    """
    n = len(operations)
    call_times = np.fromiter((o.call_time for o in operations), dtype=np.int64, count=n)
    order = np.argsort(call_times, kind="stable")
    calls = call_times[order]
    kinds = np.fromiter((_outcome(o) for o in operations), dtype=np.int8, count=n)[order]
    prefix = [np.concatenate(([0], np.cumsum(kinds == k))) for k in range(3)]
    lo = start if start is not None else (int(calls[0]) if n else 0)
    hi = end if end is not None else max(
        [*(o.ret_time or o.call_time for o in operations), *(w.end for w in windows)], default=lo)

    def counts(i0: int, i1: int) -> tuple[int, int, int]:
        return (
            int(prefix[0][i1] - prefix[0][i0]),
            int(prefix[1][i1] - prefix[1][i0]),
            int(prefix[2][i1] - prefix[2][i0]),
        )

    per_window: list[Availability] = []
    cover = np.zeros(n + 1, dtype=np.int64)
    for w in windows:
        i0 = int(np.searchsorted(calls, w.start, side="left"))
        i1 = int(np.searchsorted(calls, w.end, side="right" if w.open_ended else "left"))
        cover[i0] += 1
        cover[i1] -= 1
        ok, fail, info = counts(i0, i1)
        per_window.append(
            Availability(
                label=w.label(),
                start=w.start,
                end=w.end,
                duration_ns=max(0, w.end - w.start),
                ok=ok,
                fail=fail,
                info=info,
            )
        )
    outside_kinds = kinds[np.cumsum(cover)[:n] == 0]
    outside_counts = [int(np.count_nonzero(outside_kinds == k)) for k in range(3)]
    span = max(0, hi - lo)
    outside = Availability(
        label="outside faults",
        start=None,
        end=None,
        duration_ns=max(0, span - _union_length(windows, lo, hi)),
        ok=outside_counts[0],
        fail=outside_counts[1],
        info=outside_counts[2],
    )
    ok, fail, info = counts(0, n)
    overall = Availability(
        label="whole run", start=lo, end=hi, duration_ns=span, ok=ok, fail=fail, info=info
    )
    return AvailabilityReport(windows=tuple(per_window), outside=outside, overall=overall)


__all__ = ["Availability", "AvailabilityReport", "availability"]
