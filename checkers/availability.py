"""Availability per fault window: how many client operations succeeded inside and outside faults.

An operation counts for a window when it was *invoked* inside the window. ``ok_fraction`` is
``ok / (ok + fail + info)`` (``None`` when no operation was invoked there). These are statistics,
not a verdict: a partitioned system may rightly refuse requests.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from checkers.fault_windows import FaultWindow
from harness.history import Operation
from harness.jsontypes import JSON
from harness.ops import OpType


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


_TYPES = (OpType.OK, OpType.FAIL)


def _prefix(kinds: Sequence[int]) -> list[list[int]]:
    """prefix[k][i]: operations of outcome k (0 ok, 1 fail, 2 info) among the first i."""
    out = [[0], [0], [0]]
    for k in kinds:
        for j in range(3):
            out[j].append(out[j][-1] + (1 if j == k else 0))
    return out


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
    """Count outcomes per window; ``start``/``end`` bound the run (default: first/last op)."""
    ordered = sorted(operations, key=lambda o: o.call_time)
    calls = [o.call_time for o in ordered]
    kinds = [_TYPES.index(o.type) if o.type in _TYPES else 2 for o in ordered]
    prefix = _prefix(kinds)
    lo = start if start is not None else (calls[0] if calls else 0)
    hi = (
        end
        if end is not None
        else max(
            [o.ret_time or o.call_time for o in ordered] + [w.end for w in windows], default=lo
        )
    )

    def counts(i0: int, i1: int) -> tuple[int, int, int]:
        return (
            prefix[0][i1] - prefix[0][i0],
            prefix[1][i1] - prefix[1][i0],
            prefix[2][i1] - prefix[2][i0],
        )

    per_window: list[Availability] = []
    cover = [0] * (len(ordered) + 1)
    for w in windows:
        i0 = bisect.bisect_left(calls, w.start)
        i1 = (bisect.bisect_right if w.open_ended else bisect.bisect_left)(calls, w.end)
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
    outside_counts = [0, 0, 0]
    depth = 0
    for i, k in enumerate(kinds):
        depth += cover[i]
        if depth == 0:
            outside_counts[k] += 1
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
    ok, fail, info = counts(0, len(ordered))
    overall = Availability(
        label="whole run", start=lo, end=hi, duration_ns=span, ok=ok, fail=fail, info=info
    )
    return AvailabilityReport(windows=tuple(per_window), outside=outside, overall=overall)


__all__ = ["Availability", "AvailabilityReport", "availability"]
