"""How reliably the default fault mix finds each Raft KV bug mode, and how fast (root: namespaces).

For each mode (every bug of ``targets/raftkv`` and the correct mode) it runs ``--seeds`` runs of
``splitbrain run --target-opt bug=MODE`` with the default nemesis (partition, kill, pause, clock
and the targeted patterns) and prints, per mode: the fraction of runs that found the bug (invalid;
for the correct mode, the fraction judged valid), the median time from the start of the run to
the first anomalous operation (the earliest completion among the operations the linearizability
checker could not linearize), and the verdicts.

    sudo .venv/bin/python bench/bug_power.py [--seeds 5] [--time-limit 60] [--mode lease-reads]

Goal (issue 17): every bug mode found in at least 90% of runs with a median under 20 s, and the
correct mode valid in 100%.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from checkers.linearizable import LinearizabilityResult
from checkers.verdict import Verdict
from harness.config import TestConfig, options
from harness.jsonl import read_jsonl
from harness.run import run_test
from harness.run_results import RunResults
from targets.raftkv.options import BUGS

CORRECT = "correct"
WORKLOAD_OF = {"txn-reads-outside-log": "list-append"}
"""Bug modes that only a transactional workload can show (the rest run ``register``); their
first-anomaly time is not measured (only the linearizability checker's counterexamples are)."""


def first_anomaly_s(run_dir: Path, results: RunResults) -> float | None:
    """Seconds from the start of the run to the completion of the earliest operation that could
    not be linearized, over every invalid key; None if there is none."""
    lin = results.checker("linearizable")
    if not isinstance(lin, LinearizabilityResult):
        return None
    positions = [s.operation.ret if s.operation.ret is not None else s.operation.call
                 for key in lin.keys if key.counterexample is not None
                 for prefix in key.counterexample.prefixes for s in prefix.stuck]
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
                        help=f"a mode to run (repeatable): {CORRECT}, {', '.join(sorted(BUGS))}")
    parser.add_argument("--nemesis", default="default")
    parser.add_argument("--nemesis-opt", action="append", default=[], metavar="K=V")
    parser.add_argument("--store", type=Path, default=None)
    args = parser.parse_args()
    modes = args.mode or [CORRECT, *sorted(BUGS)]
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
                target_options=options({} if mode == CORRECT else {"bug": mode}),
                nemesis_options=options(nemesis_opts), store=store,
            )
            started = time.monotonic()
            outcome = run_test(test)
            wall.append(time.monotonic() - started)
            at = first_anomaly_s(outcome.run_dir, outcome.results)
            verdicts.append(outcome.verdict.value)
            if outcome.verdict is Verdict.INVALID and at is not None:
                found_at.append(at)
            print(f"  {mode:18} seed {seed}: {outcome.verdict.value:8} "
                  f"first anomaly {'-' if at is None else f'{at:.1f} s'}  "
                  f"({wall[-1]:.0f} s)  {outcome.run_dir}", flush=True)
        wanted = Verdict.VALID.value if mode == CORRECT else Verdict.INVALID.value
        fraction = verdicts.count(wanted) / len(verdicts)
        median = f"{statistics.median(found_at):.1f} s" if found_at else "-"
        rows.append(f"{mode:18} {wanted:8} {fraction:6.0%}   {median:>8}   "
                    f"{' '.join(v[0] for v in verdicts)}")
    print(f"\n{'mode':18} {'wanted':8} {'found':>6}   {'median':>8}   verdicts (v/i/u)")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
