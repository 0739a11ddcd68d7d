from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from checkers.behaviour import Behaviour, BehaviourResult, SideCount
from checkers.compose import CompositeResult, SimpleResult
from checkers.coverage import CoverageResult
from checkers.verdict import ExitCode, Verdict, exit_code
from harness.cli import cli
from harness.kernel.config import TestConfig
from harness.shell.commands import run as run_command
from harness.shell.run import RunOutcome
from harness.shell.run_results import RunResults


def _valid_linearizable() -> CompositeResult:
    return CompositeResult(verdict=Verdict.VALID,
                           parts={"linearizable": SimpleResult(verdict=Verdict.VALID)})


class _Fake:
    def __init__(self, verdict: Verdict | None, error: Exception | None = None) -> None:
        self.verdict = verdict
        self.error = error
        self.tests: list[TestConfig] = []

    def __call__(self, test: TestConfig, **kwargs: object) -> RunOutcome:
        self.tests.append(test)
        if self.error is not None:
            raise self.error
        assert self.verdict is not None
        results = RunResults(verdict=self.verdict, workload=CompositeResult(
            verdict=self.verdict, parts={"linearizable": SimpleResult(verdict=self.verdict),
                                         "stats": SimpleResult(verdict=Verdict.VALID)}))
        return RunOutcome(run_dir=Path("store/x/1"), verdict=self.verdict,
                          exit_code=exit_code(self.verdict), results=results)


@pytest.mark.parametrize("verdict", list(Verdict))
def test_options_map_onto_the_config_and_the_verdict_onto_the_exit_code(
    monkeypatch: pytest.MonkeyPatch, verdict: Verdict
) -> None:
    fake = _Fake(verdict)
    monkeypatch.setattr(run_command, "run_test", fake)
    result = CliRunner().invoke(cli, [
        "run", "--nodes", "3", "--concurrency", "4", "--time-limit", "12", "--rate", "50",
        "--seed", "99", "--store", "st", "--target-opt", "bug=stale-reads",
        "--workload-opt", "keys=single", "--nemesis", "none",
    ])
    assert result.exit_code == exit_code(verdict), result.output
    (test,) = fake.tests
    assert test.nodes == ("n1", "n2", "n3") and test.concurrency == 4
    assert (test.time_limit, test.rate, test.seed, test.store) == (12.0, 50.0, 99, Path("st"))
    assert test.target_option("bug") == "stale-reads"
    assert test.workload_option("keys") == "single"
    assert test.name == "raftkv-register" and test.nemesis == ("none",)
    assert f"verdict: {verdict.value} (linearizable: {verdict.value}; stats: valid)" in (
        result.output
    )
    assert "run directory: store/x/1" in result.output


def test_defaults_are_a_meaningful_raftkv_test(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _Fake(Verdict.VALID)
    monkeypatch.setattr(run_command, "run_test", fake)
    result = CliRunner().invoke(cli, ["run"])
    assert result.exit_code == 0
    (test,) = fake.tests
    assert (test.target, test.workload, len(test.nodes)) == ("raftkv", "register", 5)
    assert 30 <= test.time_limit <= 60 and test.rate > 0
    assert f"seed {test.seed}" in result.output


def test_harness_failures_exit_255_without_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_command, "run_test", _Fake(None, RuntimeError("n3 would not start")))
    result = CliRunner().invoke(cli, ["run", "--seed", "1"])
    assert result.exit_code == ExitCode.HARNESS_FAILED
    assert "n3 would not start" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("args", "words"), [
    (["--target", "mongo"], "unknown target"),
    (["--workload", "bank"], "unknown workload"),
    (["--nemesis", "meteor"], "unknown nemesis"),
    (["--nemesis", ","], "at least one nemesis"),
    (["--target-opt", "bug=nope"], "raftkv option bug"),
    (["--target-opt", "bug"], "expected K=V"),
    (["--workload-opt", "keys=all"], "register option keys"),
    (["--name", "../up"], "test name"),
    (["--nodes", "0"], "--nodes"),
    (["--runtime", "vm"], "--runtime"),
    (["--docker-image", "x"], "the netns runtime has no option image"),
    (["--adopt", "a=b"], "(known: none); add --runtime docker"),
    (["--runtime-opt", "colour=red"], "has no option colour"),
])
def test_bad_arguments_exit_254_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], words: str
) -> None:
    fake = _Fake(Verdict.VALID)
    monkeypatch.setattr(run_command, "run_test", fake)
    result = CliRunner().invoke(cli, ["run", "--store", str(tmp_path), *args])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert words in result.output and "Traceback" not in result.output
    assert fake.tests == [] and not any(tmp_path.iterdir())


def test_verdict_breakdown_shows_the_behaviour_label_not_none() -> None:
    from harness.shell.commands.run import _breakdown

    behaviour = BehaviourResult(behaviour=Behaviour.CP_LIKE, summary="", minority=SideCount(
        nodes=()), majority=SideCount(nodes=()), windows=(), anomalies=())
    text = _breakdown(RunResults(verdict=Verdict.INVALID, workload=CompositeResult(
        verdict=Verdict.INVALID, parts={
            "linearizable": SimpleResult(verdict=Verdict.INVALID,
                                         data={"reason": "1 key invalid"}),
            "behaviour": behaviour})))
    assert text == " (linearizable: invalid, 1 key invalid; behaviour: CP-like)"


def test_runtime_options_map_onto_the_config(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _Fake(Verdict.VALID)
    monkeypatch.setattr(run_command, "run_test", fake)
    # a plan without faults (the pre-run time-limit warning reads the plan's test)
    monkeypatch.setattr(run_command, "plan",
                        lambda test: SimpleNamespace(test=replace(test, nemesis=("none",))))
    result = CliRunner().invoke(cli, [
        "run", "--runtime", "docker", "--docker-image", "img:1", "--adopt", "a=b",
        "--runtime-opt", "port=7001",
    ])
    assert result.exit_code == 0, result.output
    (test,) = fake.tests
    assert test.runtime.value == "docker"
    assert dict(test.runtime_options) == {"image": "img:1", "adopt": "a=b", "port": "7001"}
    assert test.to_json()["runtime_options"] == {"adopt": "a=b", "image": "img:1",
                                                 "port": "7001"}


def test_help_shows_the_capability_table() -> None:
    result = CliRunner().invoke(cli, ["run", "--help"])
    assert result.exit_code == 0
    assert "Faults each runtime can inject" in result.output
    assert "partition  yes" in result.output


def test_verdict_breakdown_says_why_a_run_of_valid_checkers_is_unknown() -> None:
    # every checker valid, but a requested fault never applied: the line must say so
    from harness.shell.commands.run import _breakdown

    reason = "the requested fault 'pause' was never applied"
    text = _breakdown(RunResults(
        verdict=Verdict.UNKNOWN, reason=reason, workload=_valid_linearizable(),
        coverage=CoverageResult(verdict=Verdict.UNKNOWN, problems=(reason,))))
    assert text == f" (linearizable: valid; coverage: unknown, {reason})"


def test_verdict_breakdown_says_a_run_was_interrupted() -> None:
    from harness.shell.commands.run import _breakdown

    reason = "interrupted by SIGINT; the history is a prefix"
    text = _breakdown(RunResults(verdict=Verdict.UNKNOWN, reason=reason,
                                 workload=_valid_linearizable()))
    assert text == f" (linearizable: valid; {reason})"


def test_the_runtime_options_named_in_help_are_the_ones_accepted() -> None:
    from harness.shell.runtime.registry import get_spec

    text = CliRunner().invoke(cli, ["run", "--help"]).output
    text = "".join(text.split())  # help is wrapped, also at hyphens
    for kind in ("docker", "ssh"):
        options = sorted(get_spec(kind).options)
        named = f"{','.join(options[:-1])}and{options[-1]}"
        assert f"the{kind}runtime's{named}" in text.replace("runtime'sare", "runtime's")


def test_help_says_how_to_find_target_and_workload_option_keys() -> None:
    text = " ".join(CliRunner().invoke(cli, ["run", "--help"]).output.split())
    assert "bug=stale-reads" in text and "reads=serializable" in text
    assert "values=1000" in text
    assert text.count("an unknown key is refused (exit 254) with the known ones") == 2
