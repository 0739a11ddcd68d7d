from __future__ import annotations

from pathlib import Path

import pytest

from checkers.compose import CompositeResult
from checkers.eventual import SetResult
from checkers.result_json import OtherResult
from checkers.stats import StatsResult
from checkers.verdict import Verdict
from harness.kernel.config import TestConfig
from harness.kernel.history import history_of
from harness.shell.gate import (
    anomalies,
    anomaly_summary,
    history_figures,
    mean_figures,
    percentile,
    run_figures,
)
from harness.shell.run_results import RunResults
from tests.harness.shell.gate.runs import (
    checked_results,
    stale_read_history,
    valid_history,
    write_run,
)


def test_a_stale_read_is_summarised_with_its_key_and_operation() -> None:
    results = checked_results(stale_read_history())
    assert results.verdict is Verdict.INVALID
    summary = anomaly_summary(results)
    assert summary.startswith("linearizable: invalid, 1 of 2 keys not linearizable")
    assert "key 0" in summary
    assert "read" in summary
    assert anomalies(results) == 1


def test_a_valid_run_has_no_summary_and_no_anomalies() -> None:
    results = checked_results(valid_history())
    assert results.verdict is Verdict.VALID
    assert anomaly_summary(results) == ""
    assert anomalies(results) == 0


def test_other_checkers_are_summarised_by_their_counts_and_reasons() -> None:
    lost = SetResult(verdict=Verdict.INVALID, attempted=5, acknowledged=5, lost=(1, 2, 3),
                     unexpected=(), recovered=(), converged=True, final_read_sizes={"n1": 2},
                     missing_by_node={"n1": (1, 2, 3)}, stale=(), stale_count=0,
                     visibility_ns={})
    plugin = OtherResult(verdict=Verdict.UNKNOWN, data={"verdict": "unknown",
                                                        "reason": "no reads"})
    stats = StatsResult(verdict=Verdict.VALID, operations=1, ok=1, by_f={})
    results = RunResults(verdict=Verdict.INVALID, workload=CompositeResult(
        verdict=Verdict.INVALID, parts={"set": lost, "counter": plugin, "stats": stats}))
    assert anomaly_summary(results) == "set: invalid, 3 lost; counter: unknown (reason: no reads)"
    assert anomalies(results) == 3
    assert anomaly_summary(RunResults(verdict=Verdict.UNKNOWN, reason="interrupted")) == \
        "reason: interrupted"


def test_figures_of_a_recorded_history() -> None:
    ops = stale_read_history()
    figures = history_figures(history_of(ops), checked_results(ops))
    assert figures.operations == 5
    assert figures.anomalies == 1
    # invoked under the partition (15..601 ms): write 2 ok, read ok, write 3 info
    assert figures.availability == pytest.approx(2 / 3)
    assert figures.p99_ms == pytest.approx(500.0)
    assert figures.unknown_rate == pytest.approx(1 / 5)


def test_without_faults_there_is_no_availability_figure() -> None:
    ops = valid_history()
    figures = history_figures(history_of(ops), checked_results(ops))
    assert figures.availability is None
    assert figures.unknown_rate == 0.0
    assert figures.p99_ms == pytest.approx(10.0)


def test_figures_of_a_stored_run(tmp_path: Path) -> None:
    test = TestConfig(name="t", target="raftkv", workload="register", store=tmp_path)
    run_dir = write_run(tmp_path, test, stale_read_history())
    figures = run_figures(run_dir, checked_results(stale_read_history()))
    assert figures is not None and figures.anomalies == 1
    assert run_figures(tmp_path / "nowhere", None) is None


def test_percentile_and_means() -> None:
    assert percentile([], 99) is None
    assert percentile([5.0, 1.0, 3.0], 50) == 3.0
    assert percentile([float(i) for i in range(1, 101)], 99) == 99.0
    a = history_figures(history_of(valid_history()), checked_results(valid_history()))
    b = history_figures(history_of(stale_read_history()),
                        checked_results(stale_read_history()))
    mean = mean_figures([a, b])
    assert mean is not None and mean.runs == 2
    assert mean.anomalies == 0.5
    assert mean.availability == b.availability  # absent in a: left out of the mean
    assert mean_figures([]) is None
