"""Interpreter overhead: recorded ops/s with a no-op client, history streamed to disk.

Run: .venv/bin/python bench/interpreter_bench.py [--ops N] [--concurrency C] [--repeat 5]
Goal (issue 15): the median of 5 runs at least 20,000 operations per second (an operation is
an invocation and its completion: two history records), Jepsen's published generator rate.
The figure depends on what else the machine runs: the load average is printed alongside.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from harness.kernel import generators as g
from harness.kernel.clock import MonotonicClock
from harness.kernel.config import TestConfig
from harness.kernel.context import RunContext
from harness.kernel.historylog import HistoryLog
from harness.kernel.interpreter import Interpreter
from harness.kernel.protocols import NoopClient, NoopDB, NoopNemesis
from harness.shell.runtime.static import StaticRuntime


def _values(rng: g.Rng) -> g.Invocation:
    if rng.below(2):
        return g.Invocation(f="read")
    return g.Invocation(f="write", value=rng.below(5))


def bench(ops: int, concurrency: int) -> tuple[float, float]:
    """(operations per wall-clock second, operations per CPU second of this process)."""
    with tempfile.TemporaryDirectory() as tmp:
        ctx = RunContext(
            test=TestConfig(name="bench", target="noop", workload="noop"),
            runtime=StaticRuntime({f"n{i}": f"127.0.0.{i}" for i in range(1, 6)}),
            db=NoopDB(),
            run_dir=Path(tmp),
            clock=MonotonicClock(),
            rng=random.Random(0),
            log=logging.getLogger("bench"),
        )
        gen = g.clients(g.limit(ops, g.mix([g.Fn(_values, 1), g.Repeat(g.Invocation(f="read"))],
                                            2)))
        with HistoryLog(Path(tmp) / "history.jsonl") as sink:
            interp = Interpreter(ctx=ctx, client=NoopClient(), nemesis=NoopNemesis(),
                                 generator=gen, sink=sink, concurrency=concurrency)
            start, cpu = time.perf_counter(), time.process_time()
            history = interp.run()
            elapsed, cpu_used = time.perf_counter() - start, time.process_time() - cpu
        assert len(history) == 2 * ops
    return ops / elapsed, ops / cpu_used


GOAL = 20_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ops", type=int, default=50_000)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    results = [bench(args.ops, args.concurrency) for _ in range(args.repeat)]
    load_after = os.getloadavg()[0]
    rates = [r for r, _ in results]
    cpu = [c for _, c in results]
    median = statistics.median(rates)
    print(f"interpreter: {args.ops} ops (invoke + completion each), concurrency "
          f"{args.concurrency}, no-op client, history streamed to disk; "
          f"load average {load_before:.1f} before, {load_after:.1f} after")
    print(f"runs (ops/s): {', '.join(f'{r:,.0f}' for r in rates)}")
    print(f"{'median of ' + str(args.repeat):>14} {'goal':>10}  met  per CPU-second (median)")
    print(f"{median:>14,.0f} {GOAL:>10,}  {'yes' if median >= GOAL else 'NO':>3}  "
          f"{statistics.median(cpu):,.0f}")


if __name__ == "__main__":
    main()
