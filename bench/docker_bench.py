"""The docker runtime against netns nodes, in one run (needs root and a Docker engine).

    .venv/bin/python bench/docker_bench.py [--rebuild] [--repeat 3] [--seconds 15] [--rounds 20]

Prints: the node image's build time (first build only with --rebuild, which deletes the cached
image first; then the cached lookup); for each runtime, the time from launching
``splitbrain run`` (5 Raft KV nodes, cached image) to the first recorded operation; ops/s and
p50/p99 latency of ok operations of a register workload at full speed; the time to apply and to
heal a partition (random halves) on every node.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import docker.errors
from bench_common import bench_context, first_op, partition_times

from harness.kernel.nodes import ManagedRuntime
from harness.shell.runtime.docker._engine import connect
from harness.shell.runtime.docker._image import REPOSITORY, default_image, ensure_image
from harness.shell.runtime.docker._runtime import DockerRuntime
from harness.shell.runtime.netns import NetnsRuntime
from nemesis.partition import PartitionNemesis

SPLITBRAIN = Path(sys.executable).parent / "splitbrain"
RUNTIMES = ("netns", "docker")


def image_build(rebuild: bool) -> None:
    client = connect()
    tag = default_image().tag
    if rebuild:
        for name in (tag, f"{REPOSITORY}:latest"):
            with contextlib.suppress(docker.errors.ImageNotFound):
                client.images.remove(name, force=True)
        t0 = time.perf_counter()
        ensure_image(client, say=lambda line: None)
        print(f"image build, first:  {time.perf_counter() - t0:7.1f} s ({tag})")
    t0 = time.perf_counter()
    ensure_image(client, say=lambda line: None)
    print(f"image build, cached: {1000 * (time.perf_counter() - t0):7.1f} ms")
    client.close()


def first_op_of(runtime: str) -> float:
    """Seconds from launching ``splitbrain run --runtime RUNTIME`` to its first op."""
    return first_op(["--runtime", runtime, "--nodes", "5", "--time-limit", "2", "--seed", "1"],
                    timeout=120)


def throughput(runtime: str, seconds: float) -> tuple[float, float, float, int]:
    """ok ops/s, p50 and p99 latency (ms) of ok ops, and the number of ok ops."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        subprocess.run(
            [str(SPLITBRAIN), "run", "--runtime", runtime, "--nodes", "5", "--time-limit",
             str(seconds), "--rate", "0", "--concurrency", "10", "--seed", "1", "--nemesis", "none",
             "--store", str(store)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            check=False, timeout=seconds + 120)
        history = next(store.glob("*/*/history.jsonl"))
        invoked: dict[object, int] = {}
        latencies: list[float] = []
        first = last = None
        for line in history.read_text().splitlines():
            op = json.loads(line)
            if op["process"] == "nemesis":
                continue
            if op["type"] == "invoke":
                invoked[op["process"]] = op["time"]
            elif op["type"] == "ok":
                t0 = invoked.pop(op["process"])
                latencies.append((op["time"] - t0) / 1e6)
                first = t0 if first is None else first
                last = op["time"]
        span = ((last or 0) - (first or 0)) / 1e9
        latencies.sort()
        p50 = latencies[len(latencies) // 2]
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        return len(latencies) / span, p50, p99, len(latencies)


def partition_medians(make: Callable[[], ManagedRuntime], rounds: int,
                      store: Path) -> tuple[float, float]:
    """Median ms to apply and to heal a random-halves partition on a fresh runtime."""
    runtime = make()
    runtime.start(store_dir=store)
    try:
        ctx = bench_context(runtime, store)
        nemesis = PartitionNemesis(seed=1).setup(ctx)
        try:
            apply, heal = partition_times(nemesis, ctx, rounds)
        finally:
            nemesis.teardown(ctx)
        return statistics.median(apply) * 1000, statistics.median(heal) * 1000
    finally:
        runtime.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rebuild", action="store_true",
                        help="delete the cached node image first, to time a first build")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    image_build(args.rebuild)
    nodes = [f"n{i}" for i in range(1, 6)]
    makers: dict[str, Callable[[], ManagedRuntime]] = {
        "netns": lambda: NetnsRuntime(nodes), "docker": lambda: DockerRuntime(nodes)}
    print(f"{'runtime':8} {'first op (best of ' + str(args.repeat) + ')':>24} {'ok ops/s':>9} "
          f"{'p50 ms':>7} {'p99 ms':>7} {'partition apply':>16} {'heal':>7}")
    for runtime in RUNTIMES:
        firsts = [first_op_of(runtime) for _ in range(args.repeat)]
        ops, p50, p99, _ = throughput(runtime, args.seconds)
        with tempfile.TemporaryDirectory() as tmp:
            apply_ms, heal_ms = partition_medians(makers[runtime], args.rounds, Path(tmp))
        print(f"{runtime:8} {min(firsts):22.2f} s {ops:9.0f} {p50:7.1f} {p99:7.1f} "
              f"{apply_ms:13.1f} ms {heal_ms:4.1f} ms")


if __name__ == "__main__":
    main()
