"""Helpers shared by the runtime benchmarks (imported as a sibling: ``bench/`` is the script's
directory, so ``python bench/x.py`` finds it)."""

from __future__ import annotations

import logging
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from harness.kernel.clock import MonotonicClock
from harness.kernel.config import TestConfig
from harness.kernel.context import RunContext
from harness.kernel.nodes import NodeRuntime
from harness.kernel.ops import NEMESIS, Op, OpType
from harness.kernel.protocols import NoopDB
from nemesis.operations import F
from nemesis.partition import PartitionNemesis

SPLITBRAIN = Path(sys.executable).parent / "splitbrain"


def first_op(args: Sequence[str], *, timeout: float = 60.0) -> float:
    """Seconds from launching ``splitbrain run ARGS --store TMP`` to the first non-empty
    ``history.jsonl``; the run is then interrupted (SIGINT) and reaped within ``timeout`` s.
    Raises RuntimeError if the run exits before any op."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        start = time.perf_counter()
        proc = subprocess.Popen([str(SPLITBRAIN), "run", *args, "--store", str(store)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                if any(h.stat().st_size > 0 for h in store.glob("*/*/history.jsonl")):
                    return time.perf_counter() - start
                if proc.poll() is not None:
                    raise RuntimeError(f"splitbrain run exited {proc.returncode} before any op")
                time.sleep(0.002)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=timeout)


def bench_context(runtime: NodeRuntime, run_dir: Path) -> RunContext:
    """A run context over ``runtime``'s nodes with no target, for driving a nemesis directly."""
    nodes = tuple(runtime.nodes)
    return RunContext(
        test=TestConfig(name="bench", target="none", workload="none", nodes=nodes),
        runtime=runtime, db=NoopDB(), run_dir=run_dir, clock=MonotonicClock(),
        rng=random.Random(0), log=logging.getLogger("bench"))


def partition_times(nemesis: PartitionNemesis, ctx: RunContext, rounds: int,
                    topology: str = "random-halves") -> tuple[list[float], list[float]]:
    """Seconds to apply (start-partition) and to heal (stop-partition) ``topology``, per round."""
    apply: list[float] = []
    heal: list[float] = []
    for _ in range(rounds):
        op = Op(index=0, time=0, type=OpType.INFO, process=NEMESIS,
                f=F.START_PARTITION.value, value={"topology": topology})
        t0 = time.perf_counter()
        done = nemesis.invoke(ctx, op)
        apply.append(time.perf_counter() - t0)
        assert done.error is None, done.error
        op = Op(index=0, time=0, type=OpType.INFO, process=NEMESIS, f=F.STOP_PARTITION.value)
        t0 = time.perf_counter()
        nemesis.invoke(ctx, op)
        heal.append(time.perf_counter() - t0)
    return apply, heal
