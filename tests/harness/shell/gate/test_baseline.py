from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.shell.gate import (
    Baseline,
    BaselineError,
    Case,
    Expectation,
    Figures,
    Thresholds,
    compare,
    compare_case,
    load_baseline,
    save_baseline,
)

BASE = Figures(runs=2, operations=1000, anomalies=0, availability=0.8, p99_ms=40.0,
               unknown_rate=0.01)


def test_a_baseline_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "b" / "baseline.json"
    save_baseline(path, Baseline(suite="s", cases={"a": BASE}))
    loaded = load_baseline(path)
    assert loaded.suite == "s"
    assert loaded.cases == {"a": BASE}


def test_figures_within_thresholds_are_no_regression() -> None:
    now = Figures(anomalies=0, availability=0.7, p99_ms=75.0, unknown_rate=0.05)
    assert compare_case(Case(name="a"), BASE, now, Thresholds()) == []


def test_each_figure_regresses_beyond_its_threshold() -> None:
    now = Figures(anomalies=2, availability=0.5, p99_ms=400.0, unknown_rate=0.2)
    found = compare_case(Case(name="a"), BASE, now, Thresholds())
    assert [r.figure for r in found] == ["availability under faults", "p99 latency (ms)",
                                         "unknown rate", "anomalies"]
    assert found[0].message == "a: availability under faults 0.8 -> 0.5 (dropped by more " \
                               "than 0.15)"


def test_latency_needs_both_the_relative_and_the_absolute_rise() -> None:
    small = Figures(runs=1, p99_ms=1.0)
    assert compare_case(Case(name="a"), small, Figures(p99_ms=50.0), Thresholds()) == []
    assert compare_case(Case(name="a"), small, Figures(p99_ms=150.0), Thresholds()) != []


def test_anomalies_only_regress_in_cases_that_expect_valid() -> None:
    bug = Case(name="bug", expect=Expectation.INVALID)
    now = Figures(anomalies=9)
    assert compare_case(bug, Figures(anomalies=1), now, Thresholds()) == []


def test_compare_notes_new_and_missing_cases() -> None:
    baseline = Baseline(suite="s", cases={"a": BASE, "gone": BASE})
    regressions, notes = compare({"a": (Case(name="a"), BASE), "new": (Case(name="new"), BASE)},
                                 baseline, Thresholds())
    assert regressions == []
    assert notes == ["new: not in the baseline (new case)", "gone: in the baseline but not run"]


@pytest.mark.parametrize(("content", "expected"), [
    ("{", "not a JSON baseline"),
    ('{"format": 99}', "not a gate baseline"),
    ('{"format": 1, "suite": 3, "cases": {}}', "needs 'suite'"),
    ('{"format": 1, "suite": "s", "cases": {"a": {"runs": 1, "anomalies": "x", '
     '"operations": 1}}}', "case 'a': figure 'anomalies' must be a number"),
])
def test_a_bad_baseline_is_a_clear_error(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError, match=expected):
        load_baseline(path)


def test_a_missing_baseline_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="cannot read the baseline"):
        load_baseline(tmp_path / "none.json")
    assert json.loads(json.dumps(BASE.to_json())) == BASE.to_json()
