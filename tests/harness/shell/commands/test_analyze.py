from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from checkers.compose import CompositeResult
from checkers.linearizable import KeyResult, LinearizabilityResult
from checkers.verdict import ExitCode, Verdict
from harness.cli import cli
from harness.kernel.config import TestConfig
from harness.kernel.jsonl import write_jsonl
from harness.kernel.jsontypes import JSON
from harness.shell.analysis import RESULTS_SCHEMA, check_history, write_results
from harness.shell.run_results import RunResults
from harness.shell.store import write_json
from tests.checkers.eventual.simulated import Shape, simulate
from workloads.registry import get_workload


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout, result.stderr


def stored_set_run(path: Path) -> Path:
    """A run directory as ``splitbrain run`` leaves it, for a simulated Redis-like set run."""
    path.mkdir(parents=True)
    test = TestConfig(name="sim", target="redis", workload="set", nemesis=("partition",),
                      concurrency=10, time_limit=10, store=path.parent)
    write_json(path / "test.json", {"test": test.to_json(), "seed": 0})
    history = simulate(Shape(operations=1200, seed=4), compact=True)
    write_jsonl(path / "history.jsonl", history.ops)
    write_results(path / "results.json", check_history(test, get_workload(test), history))
    return path


def test_analyze_reproduces_a_stored_runs_results(tmp_path: Path) -> None:
    run_dir = stored_set_run(tmp_path / "run")
    stored = (run_dir / "results.json").read_text()
    assert json.loads(stored)["schema_version"] == RESULTS_SCHEMA
    assert json.loads(stored)["verdict"] == "invalid"  # the simulated failovers lose elements
    code, out, _ = run("analyze", str(run_dir))
    assert code == 1
    assert "invalid (unchanged)" in out and "report.html rewritten" in out
    assert (run_dir / "results.json").read_text() == stored
    assert (run_dir / "report.html").is_file()


def test_analyze_rewrites_results_judged_by_older_code(tmp_path: Path) -> None:
    run_dir = stored_set_run(tmp_path / "run")
    stored = json.loads((run_dir / "results.json").read_text())
    old = dict(stored, verdict="valid")
    del old["schema_version"]  # written before results.json had a version
    (run_dir / "results.json").write_text(json.dumps(old))
    code, out, _ = run("analyze", "--no-report", str(run_dir))
    assert code == 1 and "invalid (changed)" in out
    assert json.loads((run_dir / "results.json").read_text()) == stored


def test_analyze_bad_input_is_254(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = run("analyze", str(tmp_path / "empty"))
    assert code == 254 and "test.json" in err
    run_dir = stored_set_run(tmp_path / "run")
    (run_dir / "test.json").write_text('{"test": {"name": 3}}')
    code, _, err = run("analyze", str(run_dir))
    assert code == 254 and "field 'name'" in err


def test_a_checkers_running_time_is_not_a_change(tmp_path: Path) -> None:
    # a register run's results carry how long each key took; that differs on every check
    from harness.shell.analysis import Analysis

    key = KeyResult(key=None, group=None, verdict=Verdict.VALID, operations=2, pruned=0,
                    configurations=3, seconds=0.01)
    lin = LinearizabilityResult(verdict=Verdict.VALID, model="cas-register", operations=2,
                                keys=(key,), seconds=0.12)
    results = RunResults(verdict=Verdict.VALID, workload=CompositeResult(
        verdict=Verdict.VALID, parts={"linearizable": lin}))
    previous: JSON = json.loads(json.dumps(results.to_json()).replace("0.01", "0.02"))
    same = Analysis(verdict=Verdict.VALID, exit_code=ExitCode.VALID, results=results,
                    previous=previous)
    assert not same.changed
    other: JSON = json.loads(json.dumps(results.to_json()).replace('"configurations": 3',
                                                                   '"configurations": 4'))
    assert Analysis(verdict=Verdict.VALID, exit_code=ExitCode.VALID, results=results,
                    previous=other).changed


def test_a_torn_results_json_is_replaced_not_refused(tmp_path: Path) -> None:
    # a controller that died while writing results.json: analyze is how the user repairs it
    run_dir = stored_set_run(tmp_path / "run")
    stored = json.loads((run_dir / "results.json").read_text())
    (run_dir / "results.json").write_text('{"verdict": "val')
    code, out, _ = run("analyze", "--no-report", str(run_dir))
    assert code == 1 and "invalid (changed)" in out
    assert json.loads((run_dir / "results.json").read_text()) == stored


def test_a_run_that_never_finished_is_not_valid(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # a SIGKILLed controller leaves test.json and a history prefix, never results.json
    from harness.shell import analysis

    def all_valid(test: TestConfig, workload: object, history: object) -> RunResults:
        return RunResults(verdict=Verdict.VALID)

    monkeypatch.setattr(analysis, "check_history", all_valid)
    run_dir = stored_set_run(tmp_path / "run")
    assert analysis.analyze(run_dir).verdict is Verdict.VALID  # it finished: results.json
    (run_dir / "results.json").unlink()
    outcome = analysis.analyze(run_dir)
    assert outcome.verdict is Verdict.UNKNOWN and outcome.exit_code is ExitCode.UNKNOWN
    assert "did not finish" in str(outcome.results.reason)


def test_a_run_without_results_json_is_judged_for_the_first_time_not_changed(
        tmp_path: Path) -> None:
    run_dir = stored_set_run(tmp_path / "run")
    (run_dir / "results.json").unlink()  # a SIGKILLed controller never wrote it
    code, out, _ = run("analyze", "--no-report", str(run_dir))
    assert code == 1  # the prefix proves an anomaly: invalid, even unfinished
    assert "invalid (first results.json: there was none)" in out and "(changed)" not in out


def test_a_run_of_schema_1_is_rewritten_with_the_same_findings(tmp_path: Path) -> None:
    recorded = Path(__file__).parents[2] / "recorded_runs" / "counter-lost"
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    for name in ("test.json", "results.json"):
        (run_dir / name).write_bytes((recorded / name).read_bytes())
    with gzip.open(recorded / "history.jsonl.gz", "rb") as f:
        (run_dir / "history.jsonl").write_bytes(f.read())
    code, out, _ = run("analyze", "--no-report", str(run_dir))
    assert code == 1 and f"invalid (unchanged; rewritten in schema {RESULTS_SCHEMA})" in out
    code, out, _ = run("analyze", "--no-report", str(run_dir))
    assert code == 1 and "invalid (unchanged)" in out


def test_a_bad_directory_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    run_dir = stored_set_run(tmp_path / "run")
    code, out, err = run("analyze", "--no-report", str(tmp_path / "empty"), str(run_dir))
    assert code == 254 and "test.json" in err  # the worst: bad input over invalid
    assert f"{run_dir}: invalid (unchanged)" in out  # judged all the same
