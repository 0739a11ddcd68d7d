"""Report size and build time for generated histories of 10k, 100k and 1M operations.

    .venv/bin/python bench/report_bench.py [--sizes 10000,100000,1000000] [--keep DIR]
                                           [--reuse] [--stale-reads P]

Each history is a simulated multi-key cas-register run with partitions (see
tests/reports/runs.py); results.json comes from the real linearizability checker (with a time
limit, so a big history may be partly ``unknown``). Prints, per size: history size, check time,
report build time (load + render + write) and the part of it spent loading the run (parsing
history.jsonl and pairing operations), report size, and the operations drawn in the timeline.
With ``--stale-reads P`` (e.g. 0.01) reads return an overwritten value with probability P, so
the history is invalid and the report carries the failure views (explanations, lane diagrams of
every failing key, up to its bound), with the primary band of a simulated leader poll.

Goal (issue #15): the report of 1M operations built in under 30 s, its size still bounded; the
last column says whether the row meets it (wall-clock build time), and the load average is
printed with the figures. ``cpu s`` is the build's CPU time: what the build costs on a quiet
machine, when other work shares the cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checkers.linearizable import check, get_model
from harness.kernel.history import History
from harness.kernel.jsontypes import JSON
from reports import load_run, render
from tests.reports.runs import primary_changes, register_history, write_run

CHECK_TIME_LIMIT = 60.0
GOAL_BUILD_S = 30.0
"""Issue #15: the report of 1M operations in under 30 s."""
GOAL_REPORT_MB = 5.0
"""What "bounded" means here: the page stays a few MB whatever the history's length."""


def _checker(history: History) -> dict[str, JSON]:
    return check(history, get_model("cas-register"), time_limit=CHECK_TIME_LIMIT).to_json()


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--keep", type=Path, default=None, help="keep the runs in this folder")
    parser.add_argument("--stale-reads", type=float, default=0.0,
                        help="probability that a read returns an overwritten value (invalid runs)")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: report the runs already there (check s is then nan)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    root = args.keep or Path(tempfile.mkdtemp(prefix="report-bench-"))
    print(f"load average {_load()}; goal: build < {GOAL_BUILD_S:.0f} s for 1M operations, "
          f"report < {GOAL_REPORT_MB:.0f} MB at any size")
    print(f"{'ops':>9} {'history MB':>10} {'check s':>8} {'build s':>8} {'cpu s':>6} "
          f"{'load s':>7} {'report MB':>9} {'shown':>7} {'verdict':>8} goal")
    for n in sizes:
        run_dir = root / f"run-{n}"
        check_s = float("nan")
        if not (args.reuse and (run_dir / "results.json").exists()):
            history = register_history(n, seed=n, keys=10, concurrency=10,
                                       fault_every=max(100, n // 12),
                                       stale_reads=args.stale_reads)
            t0 = time.perf_counter()
            write_run(run_dir, history, {"linearizable": _checker}, name=f"bench-{n}",
                      concurrency=10, primaries=primary_changes(history))
            check_s = time.perf_counter() - t0
            del history
        t0, c0 = time.perf_counter(), time.process_time()
        run = load_run(run_dir)
        load_s = time.perf_counter() - t0
        page, info = render(run)
        info.path.write_text(page, encoding="utf-8")
        build_s, build_cpu = time.perf_counter() - t0, time.process_time() - c0
        hist_mb = (run_dir / "history.jsonl").stat().st_size / 1e6
        met = info.bytes / 1e6 < GOAL_REPORT_MB and (n < 1_000_000 or build_s < GOAL_BUILD_S)
        print(f"{n:>9} {hist_mb:>10.1f} {check_s:>8.1f} {build_s:>8.2f} {build_cpu:>6.2f} "
              f"{load_s:>7.2f} "
              f"{info.bytes / 1e6:>9.2f} {info.shown:>7} {info.verdict!s:>8} "
              f"{'met' if met else 'MISSED'} (load {_load()})", flush=True)
    if args.keep is None:
        print(f"(runs left in {root}; remove them when done)")


if __name__ == "__main__":
    main()
