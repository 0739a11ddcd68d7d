"""Does every run end in time? N runs of one fault mix, each must end within its time limit + 60 s
(issue 17: a run that never ends). Runs the real CLI, one run at a time (root: namespaces).

    sudo .venv/bin/python bench/run_ends.py [--runs 20] [--seeds 202,204] [--time-limit 30]

Prints, per run: seed, exit code, wall seconds, verdict line, and whether the watchdog fired
(results.json ``harness_failure``); then how many ended within the limit.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SPLITBRAIN = Path(sys.executable).parent / "splitbrain"
MIX = ["--nemesis", "partition,kill,pause,clock", "--target-opt", "bug=stale-reads"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seeds", default="202,204", help="first seeds (the rest: 300, 301, ...)")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--store", type=Path, default=None)
    args = parser.parse_args()
    store = args.store or Path(tempfile.mkdtemp(prefix="run-ends-"))
    seeds = [int(s) for s in args.seeds.split(",") if s][: args.runs]
    seeds += [300 + i for i in range(args.runs - len(seeds))]
    budget = args.time_limit + 60.0
    within = 0
    for seed in seeds:
        started = time.monotonic()
        proc = subprocess.run(
            [str(SPLITBRAIN), "run", *MIX, "--time-limit", str(args.time_limit), "--seed",
             str(seed), "--store", str(store)],
            capture_output=True, text=True, timeout=budget + 600, check=False,
        )
        wall = time.monotonic() - started
        verdict = next((line for line in proc.stdout.splitlines() if line.startswith("verdict")),
                       "no verdict line")
        run_dir = next((line.split(": ", 1)[1] for line in proc.stdout.splitlines()
                        if line.startswith("run directory: ")), None)
        failure = None
        if run_dir is not None and (Path(run_dir) / "results.json").exists():
            failure = json.loads((Path(run_dir) / "results.json").read_text()).get(
                "harness_failure")
        ok = wall <= budget
        within += ok
        print(f"seed {seed:5}: exit {proc.returncode:3}  {wall:6.1f} s  "
              f"{'in time' if ok else 'TOO LONG'}  watchdog: {failure or '-'}  {verdict[:90]}",
              flush=True)
    print(f"\n{within} of {len(seeds)} runs ended within time limit + 60 s ({budget:.0f} s)")


if __name__ == "__main__":
    main()
