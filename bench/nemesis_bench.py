"""How long applying and healing a partition takes on real namespace nodes (needs root).

    .venv/bin/python bench/nemesis_bench.py [--nodes 5] [--rounds 20]

Prints the median and max of: iptables rules applied on every node (start-partition), and
removed (stop-partition), per topology.
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import tempfile
import time
from pathlib import Path

from harness.clock import MonotonicClock
from harness.config import TestConfig
from harness.context import RunContext
from harness.ops import NEMESIS, Op, OpType
from harness.protocols import NoopDB
from harness.runtime.netns import NetnsRuntime
from nemesis.operations import F
from nemesis.partition import PartitionNemesis
from nemesis.topology import Topology


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    nodes = tuple(f"n{i}" for i in range(1, args.nodes + 1))
    with tempfile.TemporaryDirectory() as tmp, NetnsRuntime(list(nodes)) as runtime:
        ctx = RunContext(
            test=TestConfig(name="bench", target="none", workload="none", nodes=nodes),
            runtime=runtime, db=NoopDB(), run_dir=Path(tmp), clock=MonotonicClock(),
            rng=random.Random(0), log=logging.getLogger("bench"),
        )
        nemesis = PartitionNemesis(seed=1).setup(ctx)
        try:
            print(f"{args.nodes} nodes, {args.rounds} rounds per topology")
            print(f"{'topology':18} {'apply median':>13} {'max':>8} {'heal median':>12} {'max':>8}")
            for topology in Topology:
                if topology is Topology.ISOLATE_PRIMARY:
                    continue  # needs a DB that names its primaries
                apply, heal = [], []
                for _ in range(args.rounds):
                    op = Op(index=0, time=0, type=OpType.INFO, process=NEMESIS,
                            f=F.START_PARTITION.value, value={"topology": topology.value})
                    t0 = time.perf_counter()
                    done = nemesis.invoke(ctx, op)
                    apply.append(time.perf_counter() - t0)
                    assert done.error is None, done.error
                    op = Op(index=0, time=0, type=OpType.INFO, process=NEMESIS,
                            f=F.STOP_PARTITION.value)
                    t0 = time.perf_counter()
                    nemesis.invoke(ctx, op)
                    heal.append(time.perf_counter() - t0)
                print(f"{topology.value:18} {statistics.median(apply) * 1e3:10.1f} ms "
                      f"{max(apply) * 1e3:5.1f} ms {statistics.median(heal) * 1e3:9.1f} ms "
                      f"{max(heal) * 1e3:5.1f} ms")
        finally:
            nemesis.teardown(ctx)


if __name__ == "__main__":
    main()
