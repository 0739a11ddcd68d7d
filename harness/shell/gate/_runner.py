"""Running one test for the gate: in-process, through :func:`harness.shell.run.run_test`.

The lifecycle tears everything down whatever happens, so runs can follow each other in one
process. A harness failure (the target would not start, a bad option found late) becomes a
:class:`RunResult` without a verdict; only an interrupt (Ctrl-C, SIGTERM) stops the gate.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from checkers.verdict import Verdict
from harness.kernel.config import TestConfig
from harness.shell.gate._figures import run_figures
from harness.shell.gate._judge import RunResult
from harness.shell.gate._summary import anomaly_summary
from harness.shell.run import run_test
from harness.shell.run_results import RESULTS_FILE, ResultsFileError, RunResults
from harness.shell.signals import Interrupted, InterruptGuard

log = logging.getLogger("splitbrain.gate")


class CaseRunner(Protocol):
    """Runs one test configuration to a :class:`RunResult` (never raises for harness failures)."""

    def run(self, test: TestConfig) -> RunResult: ...


def read_results(run_dir: Path) -> RunResults | None:
    """The run's ``results.json``; None (and a log line) when it is missing or unreadable."""
    try:
        return RunResults.read(run_dir / RESULTS_FILE)
    except ResultsFileError as e:
        log.warning("%s", e)
        return None


def result_from_run_dir(seed: int, run_dir: Path, *, verdict: Verdict | None, seconds: float,
                        report: Path | None = None, error: str | None = None) -> RunResult:
    """The :class:`RunResult` of a stored run: its results, anomaly summary and figures."""
    results = read_results(run_dir)
    if verdict is None and error is None and results is not None:
        verdict = results.verdict
    return RunResult(
        seed=seed, verdict=verdict, run_dir=run_dir, report=report, error=error,
        seconds=seconds, summary=anomaly_summary(results) if results is not None else "",
        results=results, figures=run_figures(run_dir, results),
    )


def build_run_report(run_dir: Path) -> Path | None:
    """Write the run's ``report.html``; None (and a log line) if it cannot be built."""
    try:
        from reports import build_report

        return build_report(run_dir).path
    except Exception as e:  # a report that cannot be drawn never fails the gate
        log.warning("no report for %s: %s", run_dir, e)
        return None


class LocalRunner:
    """Runs tests in this process, one after the other; writes each run's report when the
    lifecycle did not (``reports``)."""

    def __init__(self, *, guard: InterruptGuard | None = None, reports: bool = True,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._guard = guard
        self._reports = reports
        self._clock = clock

    def run(self, test: TestConfig) -> RunResult:
        start = self._clock()
        try:
            outcome = run_test(test, guard=self._guard)
        except Interrupted:
            raise
        except Exception as e:
            return RunResult(seed=test.seed, verdict=None, error=f"{type(e).__name__}: {e}",
                             seconds=self._clock() - start)
        report: Path | None = outcome.run_dir / "report.html"
        if report is not None and not report.is_file():  # the lifecycle did not write one
            report = build_run_report(outcome.run_dir) if self._reports else None
        if outcome.interrupted:
            raise Interrupted(signal.SIGINT)  # torn down; the gate stops here
        return result_from_run_dir(test.seed, outcome.run_dir, verdict=outcome.verdict,
                                   seconds=self._clock() - start, report=report)


__all__ = ["CaseRunner", "LocalRunner", "build_run_report", "read_results",
           "result_from_run_dir"]
