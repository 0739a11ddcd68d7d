"""How a run's end is judged: an interrupted prefix (Ctrl-C), checked within a short budget."""

from __future__ import annotations

import json
import logging
import signal
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from checkers.compose import SimpleResult
from checkers.verdict import ExitCode, Verdict
from harness.kernel.config import TestConfig
from harness.kernel.generators import NOTHING
from harness.kernel.history import History
from harness.shell.run import Plan, RunOutcome, _analyse_prefix
from harness.shell.signals import Interrupted
from harness.shell.store import RunDir
from workloads.base import Workload


@dataclass(frozen=True)
class _Checker:
    verdict: Verdict
    delay_s: float = 0.0

    def check(self, test: TestConfig, history: History) -> SimpleResult:
        time.sleep(self.delay_s)
        return SimpleResult(verdict=self.verdict, data={"said": "fake"})


def _plan(checker: _Checker) -> Plan:
    workload = Workload(name="register", generator=NOTHING, checker=checker)
    plan = Plan.__new__(Plan)  # only the test and the workload are read when analysing
    object.__setattr__(plan, "test", TestConfig(name="t", target="raftkv", workload="register"))
    object.__setattr__(plan, "workload", workload)
    return plan


def _analyse(tmp_path: Path, checker: _Checker) -> tuple[ExitCode, dict[str, object]]:
    run = RunDir(path=tmp_path, started=datetime.now(UTC))
    outcome = _analyse_prefix(_plan(checker), run, History(()), Interrupted(signal.SIGINT),
                              logging.getLogger("test"))
    assert outcome.interrupted
    return outcome.exit_code, json.loads((tmp_path / "results.json").read_text())


def test_an_anomaly_already_in_the_prefix_is_reported_invalid(tmp_path: Path) -> None:
    code, results = _analyse(tmp_path, _Checker(Verdict.INVALID))
    assert code is ExitCode.INVALID
    assert results["verdict"] == "invalid"
    assert "already shows an anomaly" in str(results["reason"])


@pytest.mark.parametrize("verdict", [Verdict.VALID, Verdict.UNKNOWN])
def test_a_prefix_without_anomaly_stays_unknown(tmp_path: Path, verdict: Verdict) -> None:
    code, results = _analyse(tmp_path, _Checker(verdict))
    assert code is ExitCode.UNKNOWN
    assert results["verdict"] == "unknown" and "interrupted" in str(results["reason"])


def test_a_check_over_budget_is_unknown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("harness.shell.run.INTERRUPTED_CHECK_S", 0.2)
    code, results = _analyse(tmp_path, _Checker(Verdict.INVALID, delay_s=2.0))
    assert code is ExitCode.UNKNOWN
    assert "not checked within" in str(results["reason"])


def test_another_signal_while_analysing_leaves_a_result(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl-C pressed several times: a later one lands while the history is read; the run must
    # still end unknown with its results.json (it used to escape run_test, and the CLI said
    # "interrupted before the run directory existed")
    from harness.shell import run as run_module
    from harness.shell.signals import InterruptGuard

    def interrupted(*args: object, **kwargs: object) -> None:
        raise Interrupted(signal.SIGINT)

    test = TestConfig(name="t", target="raftkv", workload="register", nemesis=("none",),
                      store=tmp_path)
    the_plan = run_module.plan(test)
    the_plan = replace(the_plan, runtime=replace(the_plan.runtime, preflight=lambda t: t))
    monkeypatch.setattr(run_module, "_run_stages", interrupted)
    monkeypatch.setattr(run_module, "read_jsonl", interrupted)
    monkeypatch.setattr(run_module, "_write_report", interrupted)
    outcome = run_module.run_test(test, resolved=the_plan, guard=InterruptGuard())
    assert outcome.exit_code is ExitCode.UNKNOWN and outcome.interrupted
    results = json.loads((outcome.run_dir / "results.json").read_text())
    assert results["verdict"] == "unknown"
    assert "interrupted by SIGINT; the history is a prefix" in results["reason"]


def _run_with(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, stages: object,
              check: object = None) -> tuple[RunOutcome, str]:
    """run_test with the stages and (optionally) the check replaced; its controller.log."""
    from harness.shell import run as run_module
    from harness.shell.signals import InterruptGuard

    test = TestConfig(name="t", target="raftkv", workload="register", nemesis=("none",),
                      store=tmp_path)
    the_plan = run_module.plan(test)
    the_plan = replace(the_plan, runtime=replace(the_plan.runtime, preflight=lambda t: t))
    monkeypatch.setattr(run_module, "_run_stages", stages)
    monkeypatch.setattr(run_module, "read_jsonl", lambda path: History(()))
    monkeypatch.setattr(run_module, "_write_report", lambda *a, **k: None)
    if check is not None:
        monkeypatch.setattr(run_module, "_check", check)
    outcome = run_module.run_test(test, resolved=the_plan, guard=InterruptGuard())
    return outcome, (outcome.run_dir / "controller.log").read_text()


def test_the_interrupt_is_in_controller_log(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # it was logged after the log file was detached: lost from controller.log, and printed
    # bare on stderr by logging's last-resort handler
    def interrupted(*args: object, **kwargs: object) -> None:
        raise Interrupted(signal.SIGINT)

    _, log = _run_with(monkeypatch, tmp_path, interrupted)
    assert "interrupted by SIGINT; torn down" in log


def test_a_checker_that_raises_is_in_controller_log(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object) -> None:
        raise RuntimeError("boom")

    outcome, log = _run_with(monkeypatch, tmp_path, lambda *a, **k: None, check=boom)
    assert outcome.results.error == "RuntimeError: boom"  # what the CLI prints
    assert "checker failed" in log and "RuntimeError: boom" in log  # with the traceback
