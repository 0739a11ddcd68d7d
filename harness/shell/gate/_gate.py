"""The gate: run every case of a suite with each of its seeds, judge, compare with a baseline."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.shell.gate._baseline import Baseline, Regression, compare
from harness.shell.gate._figures import Figures, mean_figures
from harness.shell.gate._judge import CaseJudgement, RunResult, Status, judge
from harness.shell.gate._runner import CaseRunner
from harness.shell.gate._suite import Case, Suite


@dataclass(frozen=True, kw_only=True, slots=True)
class GateReport:
    """Everything a gate run found."""

    suite: Suite
    cases: tuple[CaseJudgement, ...]
    figures: dict[str, Figures] = field(default_factory=dict)
    regressions: tuple[Regression, ...] = ()
    notes: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def broken(self) -> tuple[CaseJudgement, ...]:
        return tuple(c for c in self.cases if c.broken)

    @property
    def green(self) -> bool:
        return not self.broken

    def baseline(self) -> Baseline:
        return Baseline(suite=self.suite.name, cases=dict(self.figures))

    def with_baseline(self, baseline: Baseline) -> GateReport:
        cases = {c.case.name: (c.case, self.figures[c.case.name]) for c in self.cases
                 if c.case.name in self.figures}
        regressions, notes = compare(cases, baseline, self.suite.thresholds)
        if baseline.suite != self.suite.name:
            notes.insert(0, f"the baseline is of suite {baseline.suite!r}, not "
                            f"{self.suite.name!r}")
        return GateReport(suite=self.suite, cases=self.cases, figures=self.figures,
                          regressions=tuple(regressions), notes=tuple(notes),
                          seconds=self.seconds)


def _status_word(status: Status) -> str:
    return {Status.PASSED: "ok", Status.TOLERATED: "tolerated", Status.FAILED: "FAILED",
            Status.ERROR: "ERROR"}[status]


def run_cases(
    suite: Suite,
    cases: Sequence[Case],
    *,
    runner: CaseRunner,
    store: Path,
    gate_seed: int,
    say: Callable[[str], None],
    clock: Callable[[], float] = time.monotonic,
) -> GateReport:
    """Run ``cases`` of ``suite`` (each of its seeds, in order) and judge them; ``say`` gets
    one progress line per run and one per case."""
    start = clock()
    plan = [(case, case.run_seeds(gate_seed)) for case in cases]
    total = sum(len(seeds) for _, seeds in plan)
    done = 0
    judgements: list[CaseJudgement] = []
    figures: dict[str, Figures] = {}
    for case, seeds in plan:
        results: list[RunResult] = []
        for seed in seeds:
            done += 1
            say(f"[{done}/{total}] {case.name} (seed {seed}, expect {case.expect.value}) ...")
            result = runner.run(case.config(suite=suite.name, seed=seed, store=store))
            results.append(result)
            judged = judge(case, results).runs[-1]
            where = f"  {result.where}" if result.where else ""
            say(f"[{done}/{total}] {case.name} seed {seed}: {result.outcome} "
                f"({result.seconds:.1f} s) {_status_word(judged.status)}{where}")
            if judged.status is not Status.PASSED:
                say(f"    {judged.message}")
        judgement = judge(case, results)
        judgements.append(judgement)
        run_figs = [r.figures for r in results if r.figures is not None]
        mean = mean_figures(run_figs)
        if mean is not None:
            figures[case.name] = mean
        say(("BROKEN  " if judgement.broken else "held    ") + judgement.headline)
    return GateReport(suite=suite, cases=tuple(judgements), figures=figures,
                      seconds=clock() - start)


def conclusion(report: GateReport) -> list[str]:
    """The closing lines: what held, what broke and why (one line per failing run)."""
    lines: list[str] = []
    tolerated = sum(c.count(Status.TOLERATED) for c in report.cases)
    extra = f"; {tolerated} run(s) tolerated within budgets" if tolerated else ""
    if report.green:
        lines.append(f"gate {report.suite.name}: PASSED: all {len(report.cases)} case(s) held "
                     f"their expectation{extra} ({report.seconds:.0f} s)")
    else:
        lines.append(f"gate {report.suite.name}: FAILED: {len(report.broken)} of "
                     f"{len(report.cases)} case(s) broke their expectation{extra} "
                     f"({report.seconds:.0f} s):")
        for case in report.broken:
            lines.append(f"  - {case.headline}")
            for run in case.runs:
                if run.status in (Status.FAILED, Status.ERROR):
                    lines.append(f"      {run.message}")
    for regression in report.regressions:
        lines.append(f"regression: {regression.message}")
    for note in report.notes:
        lines.append(f"baseline: {note}")
    return lines


__all__ = ["GateReport", "conclusion", "run_cases"]
