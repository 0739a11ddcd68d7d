"""Command-line configuration: good arguments, and clear errors (exit 2) for bad ones."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from targets.raftkv.__main__ import main
from targets.raftkv._config import BugMode, ConfigError, config_from_args

PEERS = "n1=127.0.0.1:9001,n2=127.0.0.2:9001,n3=127.0.0.3:9001"


def args(tmp_path: Path, *extra: str, peers: str = PEERS, peer_port: str = "9001") -> list[str]:
    return [
        "--id", "n1", "--host", "127.0.0.1", "--client-port", "8001",
        "--peer-port", peer_port, "--peers", peers, "--data-dir", str(tmp_path / "d"), *extra,
    ]  # fmt: skip


def test_parses_a_full_command_line(tmp_path: Path) -> None:
    config = config_from_args(
        args(tmp_path, "--election-timeout-ms", "500", "--bug", "lease-reads", "--seed", "3")
    )
    assert config.node_id == "n1"
    assert config.members == ("n1", "n2", "n3")
    assert config.peers[1].host == "127.0.0.2"
    assert config.election_timeout_ms == 500
    assert config.heartbeat_ms == 50
    assert config.bug is BugMode.LEASE_READS
    assert config.seed == 3


@pytest.mark.parametrize(
    ("extra", "peers", "message"),
    [
        ((), "n2=127.0.0.2:9001", "not among --peers"),
        ((), "n1=127.0.0.1", "not ID=HOST:PORT"),
        ((), "n1=127.0.0.1:x", "bad port"),
        ((), "n1=localhost:9001", "not an IP address"),
        ((), "n1=127.0.0.1:9001,n1=127.0.0.2:9001", "appears twice"),
        ((), "n1=127.0.0.1:9002", "--peer-port is 9001"),
        (("--heartbeat-ms", "400"), PEERS, "at least twice --heartbeat-ms"),
        (("--snapshot-every", "0"), PEERS, "--snapshot-every"),
    ],
)
def test_semantic_errors_name_the_problem(
    tmp_path: Path, extra: tuple[str, ...], peers: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        config_from_args(args(tmp_path, *extra, peers=peers))


def test_main_reports_bad_config_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args(tmp_path, peers="n2=127.0.0.2:9001")) == 2
    err = capsys.readouterr().err
    assert err.startswith("raftkv: error:")
    assert "Traceback" not in err


def test_unknown_bug_and_missing_options_exit_2(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as info:
        config_from_args(args(tmp_path, "--bug", "nope"))
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        config_from_args(["--id", "n1"])
    assert info.value.code == 2


def test_help_explains_every_option() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "targets.raftkv", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for option in (
        "--id", "--host", "--client-port", "--peer-port", "--peers", "--data-dir",
        "--election-timeout-ms", "--heartbeat-ms", "--snapshot-every", "--bug",
    ):  # fmt: skip
        assert option in out
    assert "unsynced-writes" in out
