"""The ssh runtime against netns nodes, in one run (needs root; the ssh hosts are sshd inside
network namespaces on this machine, so network latency is near zero and the figures show the cost
of SSH itself).

    .venv/bin/python bench/ssh_bench.py [--nodes 5] [--repeat 3] [--rounds 20]

Prints, for each runtime: the time from launching ``splitbrain run`` (5 Raft KV nodes) to the
first recorded operation; the latency of one command on a node (``true``); the time to apply and
to heal a partition (random halves) on every node.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_common import bench_context, first_op, partition_times

from harness.kernel.nodes import ManagedRuntime
from harness.shell.runtime.netns import NetnsRuntime
from harness.shell.runtime.ssh import SshOptions, read_hosts
from harness.shell.runtime.ssh.runtime import SshRuntime
from nemesis.partition import PartitionNemesis

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the test hosts come from the test suite
    sys.path.insert(0, str(ROOT))
from tests.harness.shell.runtime.ssh.sshd_cluster import SshdCluster  # noqa: E402


def first_op_with(extra: list[str], nodes: int) -> float:
    """Seconds from launching ``splitbrain run`` to the first line of its history."""
    return first_op(["--nodes", str(nodes), "--time-limit", "2", "--seed", "1", *extra])


def timed(fn: Callable[[], object], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def runtime_figures(runtime: ManagedRuntime, rounds: int) -> dict[str, list[float]]:
    """Command latency, partition apply and heal times on a started runtime."""
    with tempfile.TemporaryDirectory() as tmp:
        nodes = tuple(runtime.nodes)
        ctx = bench_context(runtime, Path(tmp))
        command = timed(lambda: runtime.exec(nodes[0], ["true"]), rounds)
        nemesis = PartitionNemesis(seed=1).setup(ctx)
        try:
            apply, heal = partition_times(nemesis, ctx, rounds)
        finally:
            nemesis.teardown(ctx)
    return {"command": command, "apply": apply, "heal": heal}


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:7.1f} ms, max {max(values) * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="runs for time-to-first-op")
    parser.add_argument("--rounds", type=int, default=20, help="commands / partitions timed")
    args = parser.parse_args()
    with SshdCluster(args.nodes, prefix="n") as hosts:
        ssh_args = ["--runtime", "ssh", "--hosts", str(hosts.hosts_file), "--ssh-key",
                    str(hosts.client_key), "--ssh-known-hosts", str(hosts.known_hosts),
                    "--ssh-config", "none"]
        results: dict[str, dict[str, list[float]]] = {}
        results["netns"] = {"first op": [first_op_with([], args.nodes) for _ in range(args.repeat)]}
        results["ssh"] = {"first op": [first_op_with(ssh_args, args.nodes)
                                       for _ in range(args.repeat)]}
        with NetnsRuntime([f"n{i}" for i in range(1, args.nodes + 1)]) as netns:
            results["netns"].update(runtime_figures(netns, args.rounds))
        with tempfile.TemporaryDirectory() as tmp:
            ssh = SshRuntime(read_hosts(hosts.hosts_file), SshOptions(
                key=hosts.client_key, known_hosts=hosts.known_hosts, config=None))
            try:
                ssh.start(store_dir=Path(tmp))
                results["ssh"].update(runtime_figures(ssh, args.rounds))
            finally:
                ssh.close()
    print(f"{args.nodes} nodes; first op over {args.repeat} runs, the rest over {args.rounds}")
    for kind, figures in results.items():
        print(f"{kind}:")
        print(f"  time to first op        best {min(figures['first op']):5.2f} s, "
              f"median {statistics.median(figures['first op']):5.2f} s")
        print(f"  one command (true)      {ms(figures['command'])}")
        print(f"  partition apply         {ms(figures['apply'])}")
        print(f"  partition heal          {ms(figures['heal'])}")


if __name__ == "__main__":
    main()
