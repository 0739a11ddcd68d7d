"""End to end: runs that tested nothing are unknown, with the reason (real nodes, real faults)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checkers.verdict import ExitCode, Verdict
from harness.kernel.config import TestConfig, options
from harness.shell.run import run_test
from harness.shell.run_results import RunResults

NODES = ("n1", "n2", "n3")


@pytest.mark.integration
@pytest.mark.timeout(120)
def test_a_run_at_a_very_low_rate_is_unknown_for_too_little_traffic(tmp_path: Path) -> None:
    test = TestConfig(name="it-low-rate", target="raftkv", workload="register", nodes=NODES,
                      concurrency=3, time_limit=4.0, rate=1.0, seed=3, store=tmp_path / "store")
    outcome = run_test(test, state_dir=tmp_path / "state")
    assert outcome.verdict is Verdict.UNKNOWN, outcome.results
    assert outcome.exit_code is ExitCode.UNKNOWN
    stored = RunResults.read(outcome.run_dir / "results.json")
    assert stored.verdict is Verdict.UNKNOWN
    assert stored.reason is not None and "too little traffic" in stored.reason
    assert stored.workload is not None
    assert stored.workload.verdict is Verdict.VALID  # what was seen was fine: just too little


@pytest.mark.integration
@pytest.mark.timeout(120)
def test_a_kill_nemesis_that_never_acts_is_unknown_for_coverage(tmp_path: Path) -> None:
    # faults 30 s apart (at least 15 s to the first) in a 4 s run: the kill never happens
    test = TestConfig(name="it-no-kill", target="raftkv", workload="register", nodes=NODES,
                      concurrency=4, time_limit=4.0, rate=100, seed=4, nemesis=("kill",),
                      nemesis_options=options({"interval": "30", "recovery": "1"}),
                      store=tmp_path / "store")
    outcome = run_test(test, state_dir=tmp_path / "state")
    assert outcome.verdict is Verdict.UNKNOWN, outcome.results
    assert outcome.exit_code is ExitCode.UNKNOWN
    stored = RunResults.read(outcome.run_dir / "results.json")
    assert stored.reason is not None and "'kill' was never applied" in stored.reason
    assert stored.coverage is not None and stored.coverage.applied == {"kill": 0}
    assert stored.workload is not None and stored.workload.verdict is Verdict.VALID
