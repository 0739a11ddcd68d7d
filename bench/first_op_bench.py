"""Time from launching ``splitbrain run`` to the first recorded operation (5 Raft KV nodes).

Run as root: .venv/bin/python bench/first_op_bench.py [--repeat 3]
Goal: under 3 s. Measured from the exec of the CLI to the first line in history.jsonl.
"""

from __future__ import annotations

import argparse

from bench_common import first_op


def once(nodes: int) -> float:
    return first_op(["--nodes", str(nodes), "--time-limit", "2", "--seed", "1"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    times = [once(args.nodes) for _ in range(args.repeat)]
    print(f"time to first op, {args.nodes} raftkv nodes: "
          + ", ".join(f"{t:.2f} s" for t in times)
          + f" (best {min(times):.2f} s, goal < 3 s)")


if __name__ == "__main__":
    main()
