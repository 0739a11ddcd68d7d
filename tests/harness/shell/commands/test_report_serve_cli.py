from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from harness.cli import cli
from tests.reports.runs import register_history, write_run


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout, result.stderr


def test_report_rebuilds(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "r", register_history(100, seed=2), {})
    code, out, _ = run("report", str(run_dir))
    assert code == 0
    assert "report.html" in out and "100 of 100 operations" in out
    assert (run_dir / "report.html").read_text().startswith("<!DOCTYPE html>")
    other = tmp_path / "elsewhere.html"
    code, out, _ = run("report", str(run_dir), "-o", str(other), "--max-ops", "100")
    assert code == 0 and other.is_file()


def test_report_bad_input(tmp_path: Path) -> None:
    code, _, err = run("report", str(tmp_path / "missing"))
    assert code == 254 and "no such directory" in err
    code, _, err = run("report", str(tmp_path))
    assert code == 254 and "not a run directory" in err
    code, _, err = run("report", str(tmp_path), "--max-ops", "5")
    assert code == 254


def test_report_of_a_run_without_results(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "r", register_history(20, seed=2), {})
    (run_dir / "results.json").unlink()
    shutil.rmtree(run_dir / "nodes")
    code, out, _ = run("report", str(run_dir))
    assert code == 0 and "verdict none" in out
    page = (run_dir / "report.html").read_text()
    assert "no results: the run did not finish its analysis" in page


def test_serve_refuses_missing_store(tmp_path: Path) -> None:
    code, _, err = run("serve", "--store", str(tmp_path / "nope"))
    assert code == 254 and "no such store directory" in err


def test_report_refuses_a_torn_or_partial_results_json(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "r", register_history(20, seed=2), {})
    (run_dir / "results.json").write_text('{"schema_version": 2, "verdict": "val')
    code, out, err = run("report", str(run_dir))
    assert code == 254 and "verdict none" not in out
    assert "results.json: not JSON (torn or partly written?)" in err
    assert f"splitbrain analyze {run_dir}" in err
    assert not (run_dir / "report.html").exists()
    (run_dir / "results.json").write_text('{"schema_version": 2, "workload": {}}')
    code, _, err = run("report", str(run_dir))
    assert code == 254 and "results.json: verdict: missing" in err
