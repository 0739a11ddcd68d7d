"""The ``gate`` verb in-process (CliRunner), with a scripted runner instead of a cluster."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from checkers.verdict import Verdict
from harness.kernel.config import TestConfig
from harness.shell.commands import gate
from harness.shell.gate import CaseRunner
from harness.shell.signals import InterruptGuard
from tests.harness.shell.gate.runs import FakeRunner, read_json, stale_read_history, write_run

V, INV, U = Verdict.VALID, Verdict.INVALID, Verdict.UNKNOWN

SUITE = """
[defaults]
nodes = 3
time-limit = 2

[[case]]
name = "correct"
nemesis = "partition"
seeds = [1, 2]
unknown-budget = 1

[[case]]
name = "stale"
target-options = { bug = "stale-reads" }
nemesis = "partition"
expect = "invalid"
seeds = [3]
"""


def invoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           script: Mapping[str, Sequence[Verdict | None]], *args: str,
           suite: str = SUITE) -> tuple[Result, FakeRunner]:
    fake = FakeRunner(script)

    def make_runner(guard: InterruptGuard, reports: bool) -> CaseRunner:
        return fake

    monkeypatch.setattr(gate, "make_runner", make_runner)
    path = tmp_path / "demo.toml"
    path.write_text(suite, encoding="utf-8")
    result = CliRunner().invoke(gate.command, [str(path), "--store", str(tmp_path / "store"),
                                               *args])
    return result, fake


def test_a_green_gate_exits_0_and_writes_junit_and_an_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    junit = tmp_path / "junit.xml"
    result, fake = invoke(tmp_path, monkeypatch, {"correct": [V, U], "stale": [INV]},
                          "--junit", str(junit))
    assert result.exit_code == 0, result.output
    assert "gate demo: PASSED: all 2 case(s) held their expectation; 1 run(s) tolerated" \
        in result.output
    assert [(t.name, t.seed) for t in fake.calls] == [("demo.correct", 1), ("demo.correct", 2),
                                                       ("demo.stale", 3)]
    assert fake.calls[2].target_option("bug") == "stale-reads"
    root = ET.parse(junit).getroot()
    assert root.get("tests") == "3" and root.get("failures") == "0"
    assert root.get("skipped") == "1"
    index = (tmp_path / "store" / "gate-demo.html").read_text(encoding="utf-8")
    assert "all 2 case(s) held their expectation" in index
    assert "demo.stale/" in index  # links the run directories relative to the page
    assert "[3/3] stale seed 3: invalid" in result.output


def test_a_broken_expectation_exits_1_with_a_readable_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    junit = tmp_path / "junit.xml"
    result, _ = invoke(tmp_path, monkeypatch, {"correct": [V, INV], "stale": [V]},
                       "--junit", str(junit))
    assert result.exit_code == 1
    out = result.output
    assert "gate demo: FAILED: 2 of 2 case(s) broke their expectation" in out
    assert "correct: expected valid in 2 run(s); got valid 1, invalid 1: BROKEN" in out
    assert "seed 2: expected valid, found INVALID" in out
    assert "linearizable: invalid, 1 of 2 keys not linearizable" in out
    assert "seed 3: expected invalid (a known bug), found valid: the bug was not found" in out
    root = ET.parse(junit).getroot()
    assert root.get("failures") == "2"


def test_unknown_beyond_the_budget_breaks_the_gate(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, _ = invoke(tmp_path, monkeypatch, {"correct": [U, None], "stale": [INV]})
    assert result.exit_code == 1
    assert "seed 2: the harness failed, beyond the unknown budget of 1" in result.output


def test_case_selection_and_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, fake = invoke(tmp_path, monkeypatch, {"stale": [INV]}, "--case", "stale")
    assert result.exit_code == 0, result.output
    assert [t.name for t in fake.calls] == ["demo.stale"]
    result, _ = invoke(tmp_path, monkeypatch, {}, "--case", "nope")
    assert result.exit_code == 254
    assert "no case named 'nope'" in result.output


def test_a_bad_suite_exits_254_naming_file_and_case(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, fake = invoke(tmp_path, monkeypatch, {}, suite='[[case]]\nname = "x"\nrate = -1\n')
    assert result.exit_code == 254
    assert "demo.toml: case 'x' (#1): rate must be in" in result.output
    assert fake.calls == []


def test_bad_target_options_exit_254_before_any_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    suite = '[[case]]\nname = "ok"\n[[case]]\nname = "x"\ntarget-options = { bug = "nope" }\n'
    result, fake = invoke(tmp_path, monkeypatch, {"ok": [V]}, suite=suite)
    assert result.exit_code == 254
    assert "demo.toml: case 'x': raftkv option bug: 'nope' is not one of" in result.output
    assert fake.calls == []


def test_save_then_compare_a_baseline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    baseline = tmp_path / "baseline.json"
    result, _ = invoke(tmp_path, monkeypatch, {"correct": [V, V], "stale": [INV]},
                       "--save-baseline", str(baseline))
    assert result.exit_code == 0, result.output
    assert f"baseline saved: {baseline}" in result.output
    saved = read_json(baseline)
    assert isinstance(saved, dict) and isinstance(saved["cases"], dict)
    assert set(saved["cases"]) == {"correct", "stale"}
    # the next run is worse: the correct case now has unknown runs (availability/unknowns)
    result, _ = invoke(tmp_path, monkeypatch, {"correct": [V, INV], "stale": [INV]},
                       "--baseline", str(baseline), "--save-baseline", str(tmp_path / "b2.json"))
    assert result.exit_code == 1
    assert "regression: correct: anomalies 0 -> 0.5" in result.output
    assert "baseline not saved" in result.output
    assert not (tmp_path / "b2.json").exists()


def test_regressions_fail_the_gate_only_when_asked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text('{"format": 1, "suite": "demo", "cases": {"stale": {"runs": 1, '
                        '"operations": 5, "anomalies": 1, "availability": 1.0, '
                        '"p99_ms": 1.0, "unknown_rate": 0.0}}}', encoding="utf-8")
    script = {"correct": [V, V], "stale": [INV]}
    result, _ = invoke(tmp_path, monkeypatch, script, "--baseline", str(baseline))
    assert result.exit_code == 0, result.output
    assert "regression: stale: availability under faults 1 -> 0.667" in result.output
    assert "baseline: correct: not in the baseline (new case)" in result.output
    result, _ = invoke(tmp_path, monkeypatch, script, "--baseline", str(baseline),
                       "--fail-on-regression")
    assert result.exit_code == 1


def test_replay_reruns_a_stored_run_with_its_seed_and_config(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    original = TestConfig(name="demo.stale", target="raftkv", workload="register",
                          nemesis=("partition",), nodes=("n1", "n2", "n3"), seed=4242,
                          store=store, target_options=(("bug", "stale-reads"),),
                          nemesis_options=(("interval", "2"),), time_limit=3.5)
    run_dir = write_run(store, original, stale_read_history())
    fake = FakeRunner({"stale": [INV]})
    monkeypatch.setattr(gate, "make_runner", lambda guard, reports: fake)
    result = CliRunner().invoke(gate.command, ["--replay", str(run_dir)])
    assert result.exit_code == 1, result.output
    assert fake.calls == [original]
    assert "replaying demo.stale with seed 4242 (stored verdict: invalid)" in result.output
    assert "verdict: invalid (the same as the stored run's invalid)" in result.output


def test_replay_of_a_non_run_is_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(gate.command, ["--replay", str(tmp_path)])
    assert result.exit_code == 254
    assert "test.json: cannot read it" in result.output
    result = CliRunner().invoke(gate.command, [])
    assert result.exit_code == 254
    assert "give a SUITE file" in result.output
