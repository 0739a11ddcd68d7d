"""How reliably the default fault mix finds each Raft KV bug mode, and how fast (root: namespaces).

For each mode (every bug of ``targets/raftkv`` and the correct mode) it runs ``--seeds`` runs of
``splitbrain run --target-opt bug=MODE`` with the default nemesis (partition, kill, pause, clock
and the targeted patterns) and prints, per mode: the fraction of runs that found the bug (invalid;
for the correct mode, the fraction judged valid), the median time from the start of the run to
the first anomalous operation (the earliest completion among the operations the linearizability
checker could not linearize; for list-append, the earliest time every transaction of an Elle
finding had completed), the goal next to it, and the verdicts. ``correct-list-append`` is
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from checkers.elle import TxnCheckResult
from checkers.linearizable import LinearizabilityResult
from checkers.verdict import Verdict
from harness.kernel.config import TestConfig, options
from harness.kernel.jsonl import read_jsonl
from harness.kernel.ops import Op
from harness.shell.run import run_test
from harness.shell.run_results import RunResults
from targets.raftkv.options import BUGS

CORRECT = "correct"
CORRECT_TXN = "correct-list-append"
"""The correct mode under the transactional workload (``txn-reads-outside-log``'s workload)."""
WORKLOAD_OF = {"txn-reads-outside-log": "list-append", CORRECT_TXN: "list-append"}
"""Modes that run a transactional workload (the rest run ``register``)."""


def first_anomaly_s(run_dir: Path, results: RunResults) -> float | None:
    """Seconds from the start of the run to the completion of the earliest operation that could
    not be linearized, over every invalid key, or (transactional workloads) to the earliest time
    all transactions of an anomaly had completed; None if there is none."""
    ops = read_jsonl(run_dir / "history.jsonl").ops
    times: list[int] = []
    for _, result in results.checkers():
        if isinstance(result, LinearizabilityResult):
            times.extend(ops[p].time for p in _stuck_positions(result) if p < len(ops))
        elif isinstance(result, TxnCheckResult):
            times.extend(_txn_anomaly_times(result, ops))
    return min(times) / 1e9 if times else None


def _stuck_positions(result: LinearizabilityResult) -> list[int]:
    """History positions (completion, else invocation) of the operations that could not be
    linearized."""
    return [s.operation.ret if s.operation.ret is not None else s.operation.call
            for key in result.keys if key.counterexample is not None
            for prefix in key.counterexample.prefixes for s in prefix.stuck]


def _txn_anomaly_times(result: TxnCheckResult, ops: Sequence[Op]) -> list[int]:
    """Per finding of a transactional check, the time its last transaction completed (when the
    anomaly became provable)."""
    ret_of = {t.id: ops[at].time for t in result.txns
              if (at := t.ret if t.ret is not None else t.call) < len(ops)}
    out: list[int] = []
    for finding in result.findings:
        known = [ret_of[i] for i in finding.txns if i in ret_of]
        if known:
            out.append(max(known))
    return out


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
    parser.add_argument("--workload-opt", action="append", default=[], metavar="K=V",
                        help="a workload option for every run (e.g. reads=0.5)")
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--summarize", type=Path, action="append", default=[], metavar="STORE",
                        help="run nothing: print the table of the runs already in STORE "
                             "(repeatable; e.g. the stores of runs made in several sittings)")
    args = parser.parse_args()
    modes = args.mode or [CORRECT, CORRECT_TXN, *sorted(BUGS)]
    if args.summarize:
        summarize(modes, args.summarize)
        return
    store = args.store or Path(tempfile.mkdtemp(prefix="bug-power-"))
    nemesis_opts = dict(kv.split("=", 1) for kv in args.nemesis_opt)
    workload_opts = dict(kv.split("=", 1) for kv in args.workload_opt)
    print(f"bug power: {args.seeds} seeds x {args.time_limit:g} s, nemesis {args.nemesis}, "
          f"store {store}", flush=True)
    runs: dict[str, list[Run]] = {}
    for mode in modes:
        for i in range(args.seeds):
            seed = args.first_seed + i
            test = TestConfig(
                name=f"power-{mode}", target="raftkv", workload=WORKLOAD_OF.get(mode, "register"),
                seed=seed,
                nemesis=tuple(args.nemesis.split(",")), time_limit=args.time_limit,
                target_options=options({} if mode in (CORRECT, CORRECT_TXN) else {"bug": mode}),
                nemesis_options=options(nemesis_opts), store=store,
                workload_options=options(workload_opts),
            )
            started = time.monotonic()
            outcome = run_test(test)
            wall = time.monotonic() - started
            run = read_run(outcome.run_dir)
            runs.setdefault(mode, []).append(run)
            at = "-" if run.first_anomaly_s is None else f"{run.first_anomaly_s:.1f} s"
            print(f"  {mode:19} seed {seed}: {run.verdict:8} first anomaly {at}  "
                  f"({wall:.0f} s, load {load()})  {outcome.run_dir}", flush=True)
    print_table(runs)


@dataclass(frozen=True, kw_only=True, slots=True)
class Run:
    seed: int
    time_limit_s: float
    verdict: str
    first_anomaly_s: float | None


def read_run(run_dir: Path) -> Run:
    """A finished run's seed, verdict and first-anomaly time, from its directory."""
    results = RunResults.read(run_dir / "results.json")
    test = json.loads((run_dir / "test.json").read_text())["test"]
    return Run(seed=int(test["seed"]), time_limit_s=float(test["time_limit"]),
               verdict=results.verdict.value,
               first_anomaly_s=first_anomaly_s(run_dir, results))


def summarize(modes: Sequence[str], stores: Sequence[Path]) -> None:
    """The table of every finished run of ``modes`` found under ``stores``."""
    runs: dict[str, list[Run]] = {}
    for mode in modes:
        for store in stores:
            for run_dir in sorted((store / f"power-{mode}").glob("*/results.json")):
                runs.setdefault(mode, []).append(read_run(run_dir.parent))
    print_table(runs)


def print_table(runs: Mapping[str, Sequence[Run]]) -> None:
    every = [r for rs in runs.values() for r in rs]
    if not every:
        print("no finished runs")
        return
    seeds = sorted({r.seed for r in every})
    limits = sorted({r.time_limit_s for r in every})
    print(f"\nseeds {seeds[0]}..{seeds[-1]} ({len(seeds)} distinct), "
          f"{'/'.join(f'{t:g}' for t in limits)} s runs, load now {load()}")
    print(f"{'mode':19} {'wanted':8} {'found':>6} {'':5}  {'median':>7}   {'goal':22} "
          f"{'':8} verdicts (v/i/u)")
    for mode, rs in runs.items():
        verdicts = [r.verdict for r in rs]
        wanted = Verdict.VALID.value if mode in (CORRECT, CORRECT_TXN) else Verdict.INVALID.value
        found_at = [r.first_anomaly_s for r in rs
                    if r.verdict == Verdict.INVALID.value and r.first_anomaly_s is not None]
        fraction = verdicts.count(wanted) / len(verdicts)
        median = f"{statistics.median(found_at):.1f} s" if found_at else "-"
        count = f"{verdicts.count(wanted)}/{len(verdicts)}"
        goal = "100% valid" if wanted == Verdict.VALID.value else ">= 90%, median < 20 s"
        met = (fraction == 1.0 if wanted == Verdict.VALID.value
               else fraction >= 0.9 and bool(found_at) and statistics.median(found_at) < 20.0)
        print(f"{mode:19} {wanted:8} {count:>6} {fraction:5.0%}  {median:>7}   "
              f"{goal:22} {'met' if met else 'NOT met':8} "
              f"{' '.join(v[0] for v in verdicts)}")


def load() -> str:
    """The 1-minute load average (the box is shared: figures are noisy under load)."""
    return f"{os.getloadavg()[0]:.1f}"


if __name__ == "__main__":
    main()
