"""How long applying and healing a partition takes on real namespace nodes (needs root).

    .venv/bin/python bench/nemesis_bench.py [--nodes 5] [--rounds 20]

Prints the median and max of: iptables rules applied on every node (start-partition), and
removed (stop-partition), per topology.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from bench_common import bench_context, partition_times

from harness.shell.runtime.netns import NetnsRuntime
from nemesis.partition import PartitionNemesis
from nemesis.topology import Topology


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    nodes = tuple(f"n{i}" for i in range(1, args.nodes + 1))
    with tempfile.TemporaryDirectory() as tmp, NetnsRuntime(list(nodes)) as runtime:
        ctx = bench_context(runtime, Path(tmp))
        nemesis = PartitionNemesis(seed=1).setup(ctx)
        try:
            print(f"{args.nodes} nodes, {args.rounds} rounds per topology")
            print(f"{'topology':18} {'apply median':>13} {'max':>8} {'heal median':>12} {'max':>8}")
            for topology in Topology:
                if topology is Topology.ISOLATE_PRIMARY:
                    continue  # needs a DB that names its primaries
                apply, heal = partition_times(nemesis, ctx, args.rounds, topology.value)
                print(f"{topology.value:18} {statistics.median(apply) * 1e3:10.1f} ms "
                      f"{max(apply) * 1e3:5.1f} ms {statistics.median(heal) * 1e3:9.1f} ms "
                      f"{max(heal) * 1e3:5.1f} ms")
        finally:
            nemesis.teardown(ctx)


if __name__ == "__main__":
    main()
