"""Real targets: time to a ready cluster, harness ops/s, and the Raft KV's write throughput as a
fraction of etcd's.

Run as root: .venv/bin/python bench/targets_bench.py [--nodes 5] [--seconds 5] [--concurrency 10]

1. Ready time: from creating the nodes' processes to "every node set up and a primary known"
   (the same steps ``splitbrain run`` takes before the first operation), per target.
2. Harness ops/s: a full ``splitbrain run`` (set workload, unthrottled, no faults) per target:
   completed client operations per second of workload.
3. Write throughput: ``concurrency`` threads, each with its own connection to node ``i % nodes``,
   putting distinct keys as fast as they can for ``seconds``; Raft KV puts/s / etcd puts/s.
"""

from __future__ import annotations

import argparse
import logging
import math
import random
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

from harness.kernel.clock import MonotonicClock
from harness.kernel.config import TestConfig
from harness.kernel.context import RunContext
from harness.kernel.jsonl import read_jsonl
from harness.kernel.ops import OpType
from harness.kernel.protocols import DB, HasPrimaries
from harness.shell.run import run_test
from harness.shell.runtime.netns import NetnsRuntime
from targets.etcd.client import EtcdClient
from targets.raftkv.client import RaftKVClient
from targets.registry import get_target

TARGETS = ("raftkv", "etcd", "etcd:data=memory", "redis")
"""Target names, optionally with ``:k=v,k=v`` target options."""


def parse(spec: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    name, _, opts = spec.partition(":")
    pairs = tuple(tuple(kv.split("=", 1)) for kv in opts.split(",") if kv)
    return name, pairs  # type: ignore[return-value]


class Putter(Protocol):
    def put(self, key: str, value: str) -> None: ...

    def close(self) -> None: ...


def _ready(ctx: RunContext, db: DB) -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(ctx.nodes)) as pool:
        for f in [pool.submit(db.setup, ctx, n) for n in ctx.nodes]:
            f.result()
    if isinstance(db, HasPrimaries):
        while not db.primaries(ctx):
            time.sleep(0.01)
    return time.perf_counter() - start


def _writes(ctx: RunContext, connect: Callable[[str], Putter], concurrency: int,
            seconds: float) -> float:
    counts = [0] * concurrency
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        conn = connect(ctx.nodes[i % len(ctx.nodes)])
        try:
            n = 0
            k = 0
            while time.monotonic() < stop:
                k += 1
                try:
                    conn.put(f"bench-{i}-{k}", "x")
                except Exception:  # a timeout or a leader change: not counted, go on
                    continue
                n += 1
            counts[i] = n
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / seconds


def cluster(spec: str, nodes: int, concurrency: int, seconds: float) -> tuple[float, float]:
    """(ready seconds, puts/s) for one fresh cluster of ``spec``."""
    target, opts = parse(spec)
    names = tuple(f"n{i}" for i in range(1, nodes + 1))
    test = TestConfig(name="bench", target=target, workload="set", nodes=names,
                      target_options=opts)
    db = get_target(test).db
    with tempfile.TemporaryDirectory() as tmp:
        runtime = NetnsRuntime(names)
        try:
            runtime.start()
            ctx = RunContext(test=test, runtime=runtime, db=db, run_dir=Path(tmp),
                             clock=MonotonicClock(), rng=random.Random(0),
                             log=logging.getLogger("bench"))
            try:
                ready = _ready(ctx, db)
                rate = float("nan")
                if target == "raftkv":
                    rate = _writes(ctx, lambda n: RaftKVClient(runtime.address(n), 8000,
                                                               timeout=5.0),
                                   concurrency, seconds)
                elif target == "etcd":
                    rate = _writes(ctx, lambda n: EtcdClient(runtime.address(n), 2379,
                                                             timeout=5.0),
                                   concurrency, seconds)
            finally:
                for n in names:
                    db.teardown(ctx, n)
        finally:
            runtime.close()
    return ready, rate


def harness_ops(spec: str, nodes: int, concurrency: int, seconds: float) -> float:
    target, opts = parse(spec)
    with tempfile.TemporaryDirectory() as tmp:
        test = TestConfig(
            name="bench", target=target, workload="set", target_options=opts,
            nodes=tuple(f"n{i}" for i in range(1, nodes + 1)), concurrency=concurrency,
            time_limit=seconds, rate=0, seed=1, store=Path(tmp) / "store",
            workload_options=(("final-wait", "0.1"),),
        )
        outcome = run_test(test)
        ops = read_jsonl(outcome.run_dir / "history.jsonl").operations()
        done = [o for o in ops if o.type is not OpType.INFO or o.ret_time is not None]
        return len(done) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--targets", default=",".join(TARGETS))
    args = parser.parse_args()
    targets = [t for t in args.targets.split(",") if t]
    puts: dict[str, float] = {}
    for target in targets:
        ready, rate = cluster(target, args.nodes, args.concurrency, args.seconds)
        line = f"{target:16s} ready in {ready:.2f} s ({args.nodes} nodes)"
        if not math.isnan(rate):
            puts[target] = rate
            line += f"; {rate:.0f} puts/s with {args.concurrency} clients"
        print(line, flush=True)
    for target in targets:
        rate = harness_ops(target, args.nodes, args.concurrency, args.seconds)
        print(f"{target:16s} harness: {rate:.0f} ops/s (set workload, {args.concurrency} "
              f"clients, unthrottled, {args.seconds:g} s)", flush=True)
    if "raftkv" in puts and "etcd" in puts:
        print(f"Raft KV write throughput = {puts['raftkv'] / puts['etcd']:.2f} x etcd's "
              f"({puts['raftkv']:.0f} vs {puts['etcd']:.0f} puts/s, {args.concurrency} clients)")


if __name__ == "__main__":
    main()
