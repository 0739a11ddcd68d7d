"""How reliably the default fault mix finds each Raft KV bug mode, and how fast (root: namespaces).

For each mode (every bug of ``targets/raftkv`` and the correct mode) it runs ``--seeds`` runs of
``splitbrain run --target-opt bug=MODE`` with the default nemesis (partition, kill, pause, clock
and the targeted patterns) and prints, per mode: the fraction of runs that found the bug (invalid;
for the correct mode, the fraction judged valid), the median time from the start of the run to
the first anomalous operation (the earliest completion among the operations the linearizability
checker could not linearize), the goal next to it, and the verdicts. ``correct-list-append`` is
the correct mode under ``txn-reads-outside-log``'s workload (list-append).

    sudo .venv/bin/python bench/bug_power.py [--seeds 5] [--time-limit 60] [--mode lease-reads]

Goal (issue 17): every bug mode found in at least 90% of runs with a median under 20 s, and the
correct mode valid in 100%.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from checkers.verdict import Verdict
from harness.config import TestConfig, options
from harness.jsonl import read_jsonl
from harness.jsontypes import JSON
from harness.run import run_test
from targets.raftkv.options import BUGS

CORRECT = "correct"
CORRECT_TXN = "correct-list-append"
"""The correct mode under the transactional workload (``txn-reads-outside-log``'s workload)."""
WORKLOAD_OF = {"txn-reads-outside-log": "list-append", CORRECT_TXN: "list-append"}
"""Bug modes that only a transactional workload can show (the rest run ``register``); their
first-anomaly time is not measured (only the linearizability checker's counterexamples are)."""


def first_anomaly_s(run_dir: Path, results: JSON) -> float | None:
    """Seconds from the start of the run to the completion of the earliest operation that could
    not be linearized, over every invalid key; None if there is none."""
    workload = results.get("workload") if isinstance(results, dict) else None
    checkers = workload.get("checkers") if isinstance(workload, dict) else None
    lin = checkers.get("linearizable") if isinstance(checkers, dict) else None
    keys = lin.get("keys") if isinstance(lin, dict) else None
    if not isinstance(keys, list):
        return None
    positions: list[int] = []
    for key in keys:
        example = key.get("counterexample") if isinstance(key, dict) else None
        prefixes = example.get("prefixes") if isinstance(example, dict) else None
        for prefix in prefixes if isinstance(prefixes, list) else []:
            stuck = prefix.get("stuck") if isinstance(prefix, dict) else None
            for s in stuck if isinstance(stuck, list) else []:
                op = s.get("operation") if isinstance(s, dict) else None
                if isinstance(op, dict):
                    at = op.get("ret") if op.get("ret") is not None else op.get("call")
                    if isinstance(at, int):
                        positions.append(at)
    if not positions:
        return None
    ops = read_jsonl(run_dir / "history.jsonl").ops
    return min(ops[p].time for p in positions if p < len(ops)) / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="runs per mode (default 5)")
    parser.add_argument("--first-seed", type=int, default=1000)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--mode", action="append", default=None,
                        help=f"a mode to run (repeatable): {CORRECT}, {CORRECT_TXN}, "
                             f"{', '.join(sorted(BUGS))}")
    parser.add_argument("--nemesis", default="default")
    parser.add_argument("--nemesis-opt", action="append", default=[], metavar="K=V")
    parser.add_argument("--store", type=Path, default=None)
    args = parser.parse_args()
    modes = args.mode or [CORRECT, CORRECT_TXN, *sorted(BUGS)]
    store = args.store or Path(tempfile.mkdtemp(prefix="bug-power-"))
    nemesis_opts = dict(kv.split("=", 1) for kv in args.nemesis_opt)
    print(f"bug power: {args.seeds} seeds x {args.time_limit:g} s, nemesis {args.nemesis}, "
          f"store {store}", flush=True)
    rows: list[str] = []
    for mode in modes:
        verdicts: list[str] = []
        found_at: list[float] = []
        wall: list[float] = []
        for i in range(args.seeds):
            seed = args.first_seed + i
            test = TestConfig(
                name=f"power-{mode}", target="raftkv", workload=WORKLOAD_OF.get(mode, "register"),
                seed=seed,
                nemesis=tuple(args.nemesis.split(",")), time_limit=args.time_limit,
                target_options=options({} if mode in (CORRECT, CORRECT_TXN) else {"bug": mode}),
                nemesis_options=options(nemesis_opts), store=store,
            )
            started = time.monotonic()
            outcome = run_test(test)
            wall.append(time.monotonic() - started)
            results = json.loads((outcome.run_dir / "results.json").read_text())
            at = first_anomaly_s(outcome.run_dir, results)
            verdicts.append(outcome.verdict.value)
            if outcome.verdict is Verdict.INVALID and at is not None:
                found_at.append(at)
            print(f"  {mode:19} seed {seed}: {outcome.verdict.value:8} "
                  f"first anomaly {'-' if at is None else f'{at:.1f} s'}  "
                  f"({wall[-1]:.0f} s, load {load()})  {outcome.run_dir}", flush=True)
        wanted = Verdict.VALID.value if mode in (CORRECT, CORRECT_TXN) else Verdict.INVALID.value
        fraction = verdicts.count(wanted) / len(verdicts)
        median = f"{statistics.median(found_at):.1f} s" if found_at else "-"
        count = f"{verdicts.count(wanted)}/{len(verdicts)}"
        goal = "100% valid" if wanted == Verdict.VALID.value else ">= 90%, median < 20 s"
        met = (fraction == 1.0 if wanted == Verdict.VALID.value
               else fraction >= 0.9 and bool(found_at) and statistics.median(found_at) < 20.0)
        rows.append(f"{mode:19} {wanted:8} {count:>6} {fraction:5.0%}  {median:>7}   "
                    f"{goal:22} {'met' if met else 'NOT met':8} "
                    f"{' '.join(v[0] for v in verdicts)}")
    print(f"\nseeds {args.first_seed}..{args.first_seed + args.seeds - 1}, "
          f"{args.time_limit:g} s runs, load at the end {load()}")
    print(f"{'mode':19} {'wanted':8} {'found':>6} {'':5}  {'median':>7}   {'goal':22} "
          f"{'':8} verdicts (v/i/u)")
    for row in rows:
        print(row)


def load() -> str:
    """The 1-minute load average (the box is shared: figures are noisy under load)."""
    return f"{os.getloadavg()[0]:.1f}"


if __name__ == "__main__":
    main()
