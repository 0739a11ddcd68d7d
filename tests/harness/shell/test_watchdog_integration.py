"""End to end: a run whose generator stalls is ended by the watchdog, torn down and analysed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from checkers.verdict import ExitCode, Verdict
from harness.kernel.config import TestConfig
from harness.shell.run import run_test
from harness.shell.run_results import RunResults


@pytest.mark.integration
@pytest.mark.timeout(120)
def test_a_stalled_run_is_a_harness_failure_with_its_history_checked(tmp_path: Path) -> None:
    test = TestConfig(name="it-stall", target="raftkv",
                      workload="tests.harness.shell.stalling_workload:workload",
                      nodes=("n1", "n2", "n3"), concurrency=4, time_limit=30.0, rate=200,
                      seed=8, store=tmp_path / "store", stall_timeout=2.0, op_timeout=1.0,
                      min_ok=1)
    started = time.monotonic()
    outcome = run_test(test, state_dir=tmp_path / "state")
    assert time.monotonic() - started < 25  # not the 30 s time limit: the watchdog ended it
    assert outcome.stalled
    assert outcome.verdict is Verdict.UNKNOWN, outcome.results
    assert outcome.exit_code is ExitCode.HARNESS_FAILED
    stored = RunResults.read(outcome.run_dir / "results.json")
    assert stored.harness_failure is not None and stored.harness_failure.kind == "stall"
    assert stored.workload is not None
    assert stored.workload.verdict is Verdict.VALID  # the prefix was checked
    log = (outcome.run_dir / "controller.log").read_text()
    assert "watchdog" in log and "thread MainThread" in log
    report = (outcome.run_dir / "report.html").read_text()
    assert "harness failure (stall)" in report
    assert list((tmp_path / "state").glob("*.json")) == []  # torn down
