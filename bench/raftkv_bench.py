"""Benchmark of the bundled Raft KV store on this machine (fsync on, default timeouts).

Prints acknowledged writes/s and reads/s with 10 concurrent clients against a 3-node cluster,
latency percentiles, and leader failover time (kill -9 the leader; time until a write through
another node succeeds), repeated a few times.

    .venv/bin/python bench/raftkv_bench.py [--clients 10] [--seconds 5] [--failovers 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from targets.raftkv.client import RaftKVClient, RaftKVError
from targets.raftkv.local import LocalCluster


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, int(q * len(sorted_values)))
    return sorted_values[k]


def run_load(
    clients: list[RaftKVClient],
    seconds: float,
    op: Callable[[RaftKVClient, int, int], None],
) -> tuple[int, int, list[float]]:
    latencies: list[list[float]] = [[] for _ in clients]
    errors = [0] * len(clients)
    stop = threading.Event()

    def worker(i: int) -> None:
        client = clients[i]
        n = 0
        while not stop.is_set():
            t0 = time.perf_counter()
            try:
                op(client, i, n)
            except RaftKVError:
                errors[i] += 1
                continue
            latencies[i].append(time.perf_counter() - t0)
            n += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    flat = sorted(x for per in latencies for x in per)
    return len(flat), sum(errors), flat


def report(label: str, count: int, errors: int, seconds: float, lat: list[float]) -> None:
    ms = [x * 1000 for x in lat]
    print(
        f"{label:<34} {count / seconds:8.0f} ops/s   errors {errors:4d}   latency ms "
        f"p50 {percentile(ms, 0.5):6.2f}  p95 {percentile(ms, 0.95):6.2f}  "
        f"p99 {percentile(ms, 0.99):6.2f}  max {ms[-1] if ms else float('nan'):7.2f}"
    )


def failover(cluster: LocalCluster) -> float:
    leader = cluster.wait_leader()
    other = next(i for i in cluster.ids if i != leader)
    with cluster.client(other, timeout=1.0) as client:
        client.put("failover", "before")
        cluster.kill_node(leader)
        t0 = time.perf_counter()
        while True:
            try:
                client.put("failover", "after")
                break
            except RaftKVError:
                time.sleep(0.005)
        elapsed = time.perf_counter() - t0
    cluster.start_node(leader)
    time.sleep(1.0)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--failovers", type=int, default=5)
    args = parser.parse_args()
    with LocalCluster(3) as cluster:
        leader = cluster.wait_leader()
        print(f"3-node cluster on loopback, fsync on, default timeouts; leader {leader}")
        on_leader = [cluster.client(leader) for _ in range(args.clients)]
        spread = [cluster.client(cluster.ids[i % 3]) for i in range(args.clients)]

        def put(c: RaftKVClient, i: int, n: int) -> None:
            c.put(f"k{i}-{n % 100}", f"v{n}")

        def get(c: RaftKVClient, i: int, n: int) -> None:
            c.get(f"k{i}-{n % 100}")

        s = args.seconds
        for label, clients in (("leader", on_leader), ("all nodes", spread)):
            count, errors, lat = run_load(clients, s, put)
            report(f"writes, {args.clients} clients, {label}", count, errors, s, lat)
            count, errors, lat = run_load(clients, s, get)
            report(f"reads, {args.clients} clients, {label}", count, errors, s, lat)
        for c in on_leader + spread:
            c.close()
        times = [failover(cluster) for _ in range(args.failovers)]
        print(
            f"leader failover (kill -9 -> next acked write), {len(times)} runs: "
            f"min {min(times) * 1000:.0f} ms  median {statistics.median(times) * 1000:.0f} ms  "
            f"max {max(times) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
