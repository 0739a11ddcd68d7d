from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checkers.verdict import ExitCode
from harness.cli import cli
from harness.kernel.config import TestConfig
from harness.shell.commands import run as run_command
from harness.shell.run import RunOutcome
from nemesis.operations import UnsupportedByTargetError


@pytest.mark.parametrize(("args", "words"), [
    (["--nemesis", "kill", "--nemesis-opt", "kil.targets=one"], "unknown nemesis option"),
    (["--nemesis", "partition", "--nemesis-opt", "topologies=ring"], "unknown 'ring'"),
    (["--nemesis", "packet,delay"], "part of 'packet'"),
    (["--nemesis", "partition", "--nodes", "2", "--nemesis-opt", "topologies=bridge"],
     "bridge needs at least 3 nodes"),
])
def test_bad_nemesis_options_exit_254_before_anything_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], words: str
) -> None:
    started: list[TestConfig] = []
    monkeypatch.setattr(run_command, "run_test", lambda test, **kw: started.append(test))
    result = CliRunner().invoke(cli, ["run", "--store", str(tmp_path), *args])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert words in result.output and "Traceback" not in result.output
    assert started == []


def test_a_fault_the_target_cannot_take_exits_254(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(test: TestConfig, **kwargs: object) -> RunOutcome:
        raise UnsupportedByTargetError("clock faults need a target started under libfaketime")

    monkeypatch.setattr(run_command, "run_test", refuse)
    result = CliRunner().invoke(cli, ["run", "--store", str(tmp_path), "--nemesis", "clock"])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "libfaketime" in result.output and "Traceback" not in result.output


def test_options_reach_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[TestConfig] = []

    def fake(test: TestConfig, **kwargs: object) -> RunOutcome:
        started.append(test)
        raise SystemExit(0)

    monkeypatch.setattr(run_command, "run_test", fake)
    CliRunner().invoke(cli, ["run", "--store", str(tmp_path), "--nemesis", "partition,kill",
                             "--nemesis-opt", "interval=3", "--nemesis-opt",
                             "kill.targets=majority"])
    (test,) = started
    assert test.nemesis == ("partition", "kill")
    assert dict(test.nemesis_options) == {"interval": "3", "kill.targets": "majority"}
