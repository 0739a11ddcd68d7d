"""Latency and throughput over time, aggregated into a bounded number of time buckets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from harness.kernel.history import Operation
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import OpType

DEFAULT_BUCKETS = 300
QUANTILES = (("p50", 50.0), ("p95", 95.0), ("p99", 99.0), ("max", 100.0))


@dataclass(frozen=True, kw_only=True, slots=True)
class Series:
    """Per bucket ``[start + i*width, start + (i+1)*width)``: completions per second by outcome
    (an indeterminate operation counts when it was invoked), and quantiles (ns) of the latency of
    the ``ok`` operations invoked in the bucket (``None`` when there were none)."""

    start: int
    width: int
    ok: tuple[float, ...]
    fail: tuple[float, ...]
    info: tuple[float, ...]
    latency: dict[str, tuple[float | None, ...]]

    def to_json(self) -> dict[str, JSON]:
        return {
            "start": self.start,
            "width": self.width,
            "ok": list(self.ok),
            "fail": list(self.fail),
            "info": list(self.info),
            "latency": {k: list(v) for k, v in self.latency.items()},
        }


def series(
    operations: Sequence[Operation], *, start: int, end: int, buckets: int = DEFAULT_BUCKETS
) -> Series:
    """Aggregate ``operations`` over ``[start, end]`` into ``buckets`` equal buckets."""
    buckets = max(1, buckets)
    width = max(1, -(-(end - start + 1) // buckets))
    n = len(operations)
    calls = np.fromiter((o.call_time for o in operations), dtype=np.int64, count=n)
    done = np.fromiter((o.ret_time if o.ret_time is not None else o.call_time
                        for o in operations), dtype=np.int64, count=n)
    kinds = np.fromiter((0 if o.type is OpType.OK else 1 if o.type is OpType.FAIL else 2
                         for o in operations), dtype=np.int8, count=n)
    seconds = width / 1e9

    def bucket(times: np.ndarray) -> np.ndarray:
        out: np.ndarray = np.clip((times - start) // width, 0, buckets - 1)
        return out

    done_b = bucket(done)
    rates = [np.bincount(done_b[kinds == k], minlength=buckets)[:buckets] / seconds
             for k in range(3)]
    ok = kinds == 0
    lat = (done - calls)[ok]
    lat_b = bucket(calls[ok])
    latency: dict[str, list[float | None]] = {name: [None] * buckets for name, _ in QUANTILES}
    if lat.size:
        order = np.argsort(lat_b, kind="stable")
        lat_sorted, b_sorted = lat[order], lat_b[order]
        edges = np.searchsorted(b_sorted, np.arange(buckets + 1))
        for b in range(buckets):
            chunk = lat_sorted[edges[b]:edges[b + 1]]
            if chunk.size:
                values = np.percentile(chunk, [q for _, q in QUANTILES])
                for (name, _), v in zip(QUANTILES, values, strict=True):
                    latency[name][b] = float(v)
    return Series(
        start=start,
        width=width,
        ok=tuple(float(x) for x in rates[0]),
        fail=tuple(float(x) for x in rates[1]),
        info=tuple(float(x) for x in rates[2]),
        latency={k: tuple(v) for k, v in latency.items()},
    )


__all__ = ["DEFAULT_BUCKETS", "Series", "series"]
