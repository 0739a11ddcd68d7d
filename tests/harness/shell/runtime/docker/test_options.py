from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checkers.verdict import ExitCode
from harness.cli import cli
from harness.kernel.config import RuntimeKind, TestConfig, options
from harness.kernel.nodes import RuntimeOptionError, RuntimeUnavailableError
from harness.shell.runtime.docker._engine import connect
from harness.shell.runtime.docker._options import parse
from harness.shell.runtime.registry import validate


def _test(**opts: str) -> TestConfig:
    return TestConfig(name="t", target="raftkv", workload="register",
                      runtime=RuntimeKind.DOCKER, runtime_options=options(opts))


def test_adopt_options_are_parsed() -> None:
    assert parse(_test(adopt="com.docker.compose.project=app")).adopt_label == (
        "com.docker.compose.project", "app")
    assert parse(_test(**{"adopt-names": "a, b,c"})).adopt_names == ("a", "b", "c")
    assert not parse(_test(image="x:1")).adopting


@pytest.mark.parametrize(("opts", "words"), [
    ({"adopt": "nolabel"}, "expected LABEL=VALUE"),
    ({"adopt-names": "a,a"}, "twice"),
    ({"adopt-names": "a b"}, "expected container names"),
    ({"adopt": "k=v", "adopt-names": "a"}, "not both"),
    ({"adopt": "k=v", "image": "x"}, "keep their own image"),
    ({"colour": "red"}, "no option colour"),
])
def test_bad_options_are_refused(opts: dict[str, str], words: str) -> None:
    with pytest.raises(RuntimeOptionError, match=words):
        validate(_test(**opts))


def test_every_fault_is_possible_on_created_containers() -> None:
    validate(TestConfig(name="t", target="raftkv", workload="register",
                        runtime=RuntimeKind.DOCKER,
                        nemesis=("partition", "kill", "pause", "clock", "packet")))


def test_no_engine_is_exit_255_saying_how_to_get_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    with pytest.raises(RuntimeUnavailableError, match="scripts/setup"):
        connect()
    result = CliRunner().invoke(cli, ["run", "--runtime", "docker", "--store", str(tmp_path)])
    assert result.exit_code == ExitCode.HARNESS_FAILED, result.output
    assert "no Docker engine answers at unix:///nonexistent/docker.sock" in result.output
    assert "Traceback" not in result.output
    monkeypatch.setenv("DOCKER_HOST", "tcp://10.0.0.1:2375")
    with pytest.raises(RuntimeUnavailableError, match="engine on this machine"):
        connect()


def test_cleanup_without_an_engine_sweeps_nothing_and_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.shell.runtime.cleanup import cleanup

    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    summary = cleanup(state_dir=tmp_path, sweep=True)
    assert summary.errors == () and summary.runs == ()
