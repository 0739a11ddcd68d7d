"""The correct Raft KV under every nemesis, over several seeds (needs root; minutes, not CI).

    .venv/bin/python bench/nemesis_sweep.py [--seeds 5] [--time-limit 15] [--nodes 3]

Prints one line per run: nemesis, seed, verdict, ok/fail/info counts, nemesis ops, seconds.
Every verdict should be valid; the exit status is 1 if one is not.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from checkers.verdict import Verdict
from harness.kernel.config import TestConfig, options
from harness.kernel.jsonl import read_jsonl
from harness.shell.run import run_test

NEMESES = ("partition", "kill", "pause", "clock", "packet", "partition,kill,pause,clock,packet")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=15.0)
    parser.add_argument("--nodes", type=int, default=3)
    args = parser.parse_args()
    bad = 0
    with tempfile.TemporaryDirectory() as store:
        for nemesis in NEMESES:
            for seed in range(1, args.seeds + 1):
                test = TestConfig(
                    name="sweep", target="raftkv", workload="register",
                    nodes=tuple(f"n{i}" for i in range(1, args.nodes + 1)), concurrency=6,
                    time_limit=args.time_limit, rate=100, seed=seed, store=Path(store),
                    nemesis=tuple(nemesis.split(",")),
                    nemesis_options=options({"interval": "2", "recovery": "3"}),
                )
                started = time.monotonic()
                outcome = run_test(test)
                history = read_jsonl(outcome.run_dir / "history.jsonl")
                counts = Counter(op.type.value for op in history.operations())
                faults = len(history.nemesis_ops()) // 2
                bad += outcome.verdict is not Verdict.VALID
                print(f"{nemesis:34} seed {seed}: {outcome.verdict.value:8} ok {counts['ok']:5} "
                      f"fail {counts['fail']:5} info {counts['info']:3} nemesis ops {faults:3} "
                      f"{time.monotonic() - started:5.1f} s", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
