"""Ten small real runs (raftkv in namespaces: each workload, once valid and once with a bug
caught), recorded with main at edad781. ``expected.json`` holds what main's code said about each
before results were typed end to end (9f91f18, ``capture_main.py.txt`` is the script that wrote
it): its report, gate summary, run summary line, ``splitbrain check --json``, and the
``results.json`` its ``splitbrain analyze`` wrote. Today's code must say the same about the same
files, and its ``analyze`` must reach the same verdicts and findings, and reproduce them.

(The stored results.json files are those the runs wrote at edad781; ``analyze`` and ``check``
judge again with today's checkers, so an intended change of a checker changes their expected
``check`` and ``analyze`` entries: rewrite those two entries from today's output, and say so.)

Differences allowed, each a fix: the gate's summary no longer lists the CP/AP classification as
``behaviour: None`` (it has no verdict of its own); the report names the checker type Elle
results carry since schema 2 (``elle``) next to their name; ``splitbrain check --json``'s
transactional result names its checker (``"checker": "elle"``).
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import cli
from harness.kernel.jsontypes import JSON
from harness.shell.analysis import analyze
from harness.shell.commands.run import _breakdown
from harness.shell.gate import anomalies, anomaly_summary
from harness.shell.run_results import RESULTS_SCHEMA, RunResults
from reports._counterexample import counterexamples_section
from reports._elle import transactions_section
from reports._findings import findings_section
from reports._focus import focus_positions
from reports._results import read_results
from reports._run import load_run
from reports._verdicts import reasons

RECORDED = Path(__file__).parent / "recorded_runs"
RUNS = sorted(p.name for p in RECORDED.iterdir() if (p / "expected.json").is_file())
MODELS = {"register": "cas-register", "list-append": "list-append",
          "rw-register": "rw-register"}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _untimed(value: JSON) -> JSON:
    if isinstance(value, dict):
        return {k: _untimed(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [_untimed(v) for v in value]
    return value


def _added_checkers(new: JSON, old: JSON) -> JSON:
    """``new`` without the ``"checker"`` fields that ``old`` does not have."""
    if isinstance(new, dict) and isinstance(old, dict):
        return {k: _added_checkers(v, old.get(k)) for k, v in new.items()
                if k != "checker" or "checker" in old}
    if isinstance(new, list) and isinstance(old, list):
        return [_added_checkers(n, o) for n, o in zip(new, old, strict=False)] + new[len(old):]
    return new


def _unpack(name: str, into: Path) -> Path:
    run_dir = into / name
    run_dir.mkdir(parents=True)
    for f in ("test.json", "results.json"):
        shutil.copy(RECORDED / name / f, run_dir / f)
    with gzip.open(RECORDED / name / "history.jsonl.gz", "rb") as src:
        (run_dir / "history.jsonl").write_bytes(src.read())
    return run_dir


def observe(run_dir: Path) -> dict[str, JSON]:
    """What the report, the gate and the run's summary line say about a stored run."""
    run = load_run(run_dir)
    r = read_results(run.results)
    stored = RunResults.read(run_dir / "results.json")
    h = run.history
    return {
        "report": {
            "verdict": None if r.verdict is None else r.verdict.value,
            "problems": list(r.problems),
            "checkers": [[c.name, None if c.verdict is None else c.verdict.value, reasons(c)]
                         for c in r.checkers],
            "focus": sorted(focus_positions(r)),
            "findings": _text(findings_section(r.checkers, h)),
            "counterexamples": _text(counterexamples_section(r.checkers, h)),
            "transactions": _text(transactions_section(r.checkers, h)),
        },
        "gate": {"anomalies": anomalies(stored), "summary": anomaly_summary(stored)},
        "run": {"breakdown": _breakdown(stored)},
    }


def _expected(name: str) -> dict[str, JSON]:
    value = json.loads((RECORDED / name / "expected.json").read_text())
    assert isinstance(value, dict)
    for checker in value["report"]["checkers"]:  # type: ignore[call-overload,index,union-attr]
        del checker[1]  # the checker type shown next to the name (now "elle" for Elle's)
    gate = value["gate"]
    assert isinstance(gate, dict) and isinstance(gate["summary"], str)
    parts = [p for p in gate["summary"].split("; ") if p != "behaviour: None"]
    gate["summary"] = "; ".join(parts)
    value.pop("check", None)
    value.pop("analyze", None)
    return value


def test_every_workload_is_recorded_valid_and_invalid() -> None:
    verdicts = {(json.loads((RECORDED / n / "test.json").read_text())["test"]["workload"],
                 json.loads((RECORDED / n / "results.json").read_text())["verdict"])
                for n in RUNS}
    for workload in ("register", "set", "counter", "list-append", "rw-register"):
        assert {(workload, "valid"), (workload, "invalid")} <= verdicts


@pytest.mark.parametrize("name", RUNS)
def test_report_gate_and_summary_say_what_they_said(name: str, tmp_path: Path) -> None:
    run_dir = _unpack(name, tmp_path)
    assert observe(run_dir) == _expected(name)


@pytest.mark.parametrize("name", [n for n in RUNS
                                  if n.startswith(("register-", "list-append-", "rw-register-"))])
def test_check_says_what_it_said(name: str, tmp_path: Path) -> None:
    run_dir = _unpack(name, tmp_path)
    expected = json.loads((RECORDED / name / "expected.json").read_text())["check"]
    workload = json.loads((run_dir / "test.json").read_text())["test"]["workload"]
    got = CliRunner().invoke(cli, ["check", "--json", "-m", MODELS[workload],
                                   str(run_dir / "history.jsonl")])
    assert got.exit_code == expected["exit"], got.output
    lines = [json.loads(line) for line in got.output.splitlines() if line.startswith("{")]
    assert len(lines) == len(expected["json"]) == 1
    line, old = lines[0], expected["json"][0]
    line.pop("file")
    # (expected.json was written without timings; session and Elle results name their checker
    # since schema 2)
    assert _added_checkers(_untimed(line), old) == old


@pytest.mark.parametrize("name", RUNS)
def test_analyze_reproduces_the_stored_results(name: str, tmp_path: Path) -> None:
    run_dir = _unpack(name, tmp_path)
    before = RunResults.read(run_dir / "results.json")
    assert before.schema_version == 1
    expected = json.loads((RECORDED / name / "expected.json").read_text())["analyze"]
    first = analyze(run_dir)
    assert first.verdict is before.verdict and first.verdict.value == expected["verdict"]
    assert first.changed  # rewritten in schema 2 ...
    # the same verdicts and findings as main's analyze, in today's schema (timings aside)
    assert _untimed(first.results.to_json()) == _untimed(
        RunResults.from_json(expected["results"]).to_json())
    changed = name.startswith("rw-register")  # Elle finds lost updates there since 2d7bdbc
    if not changed:  # ... with the same findings
        assert first.upgraded
        assert _untimed(first.results.to_json()) == _untimed(before.to_json())
    written = json.loads((run_dir / "results.json").read_text())
    assert written["schema_version"] == RESULTS_SCHEMA
    assert RunResults.from_json(written) == first.results
    again = analyze(run_dir)
    assert not again.changed  # a run analysed with today's code reproduces its results.json
    if not changed:
        assert observe(run_dir) == _expected(name)
