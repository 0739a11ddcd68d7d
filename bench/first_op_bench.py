"""Time from launching ``splitbrain run`` to the first recorded operation (5 Raft KV nodes).

Run as root: .venv/bin/python bench/first_op_bench.py [--repeat 3]
Goal: under 3 s. Measured from the exec of the CLI to the first line in history.jsonl.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SPLITBRAIN = Path(sys.executable).parent / "splitbrain"


def once(nodes: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(SPLITBRAIN), "run", "--nodes", str(nodes), "--time-limit", "2", "--seed", "1",
             "--store", str(store)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                histories = list(store.glob("*/*/history.jsonl"))
                if histories and histories[0].stat().st_size > 0:
                    return time.perf_counter() - start
                if proc.poll() is not None:
                    raise RuntimeError(f"splitbrain run exited {proc.returncode} before any op")
                time.sleep(0.002)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=60)


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
