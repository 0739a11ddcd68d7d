"""How reliably does each case of a suite show its expectation? Runs every case with N fresh
seeds (needs root) and prints, per case, how many runs came out as expected and the time per run.

    .venv/bin/python bench/gate_detection.py [--repeat 5] [--suite suites/raftkv.toml]
        [--case NAME ...] [--store DIR] [--seed N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from checkers.verdict import Verdict
from harness.shell.gate import Expectation, LocalRunner, load_suite, run_cases
from harness.shell.signals import interrupts_raise

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--suite", type=Path, default=ROOT / "suites" / "raftkv.toml")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--case", action="append", default=[])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=1000)
    args = parser.parse_args()
    suite = load_suite(args.suite)
    cases = [replace(c, seeds=(), repeat=args.repeat, unknown_budget=0, miss_budget=0)
             for c in suite.cases if not args.case or c.name in args.case]
    store = args.store or Path(tempfile.mkdtemp(prefix="gate-detection-"))
    with interrupts_raise() as guard:
        report = run_cases(suite, cases, runner=LocalRunner(guard=guard, reports=False),
                           store=store, gate_seed=args.seed,
                           say=lambda line: print(line, file=sys.stderr, flush=True))
    print(f"suite {suite.name}: {args.repeat} run(s) per case, gate seed {args.seed}, "
          f"store {store}")
    for judgement in report.cases:
        expected = Verdict.VALID if judgement.case.expect is Expectation.VALID \
            else Verdict.INVALID
        runs = judgement.runs
        hits = sum(1 for r in runs if r.result.verdict is expected)
        seconds = sum(r.result.seconds for r in runs) / len(runs)
        print(f"{judgement.case.name:24} expect {expected.value:8} "
              f"{hits}/{len(runs)} as expected ({hits / len(runs):.0%}); "
              f"{seconds:.1f} s per run; outcomes {judgement.outcomes()}")


if __name__ == "__main__":
    main()
