"""The paramiko layer against real sshd hosts (network namespaces): keys, config, commands,
files and processes."""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.shell.runtime.ssh import _process
from harness.shell.runtime.ssh._connect import (
    ChangedHostKeyError,
    SshOptions,
    UnknownHostKeyError,
    load_config,
    resolve,
)
from harness.shell.runtime.ssh._host import Host
from tests.harness.shell.runtime.ssh.sshd_cluster import ALT_PORT, SshdCluster

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


@pytest.fixture(scope="module")
def cluster() -> Iterator[SshdCluster]:
    with SshdCluster(2) as c:
        yield c


def _open(cluster: SshdCluster, node: str, options: SshOptions) -> Host:
    config = load_config(options)
    return Host.open(node, resolve(cluster.hosts[node].address, None, options, config), options,
                     config)


def _state(pid: int) -> str:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("State:"):
            return line.split()[1]
    raise AssertionError("no State line")


def _becomes(pid: int, states: str, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _state(pid) in states:
            return True
        time.sleep(0.01)
    return False


def test_unknown_and_changed_host_keys_are_refused(cluster: SshdCluster, tmp_path: Path) -> None:
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    with pytest.raises(UnknownHostKeyError, match=r"h1: unknown host key for .*ssh-ed25519 "
                                                  r"SHA256:.* is not in"):
        _open(cluster, "h1", SshOptions(key=cluster.client_key, known_hosts=empty, config=None))
    wrong = tmp_path / "wrong"
    wrong.write_text(f"{cluster.hosts['h1'].address} {cluster.hosts['h2'].host_key_line}\n")
    with pytest.raises(ChangedHostKeyError, match=r"h1: the host key of .* CHANGED"):
        _open(cluster, "h1", SshOptions(key=cluster.client_key, known_hosts=wrong, config=None))


def test_skipping_verification_is_explicit_and_loud(
    cluster: SshdCluster, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    options = SshOptions(key=cluster.client_key, known_hosts=tmp_path / "none", config=None,
                         insecure=True)
    with caplog.at_level(logging.WARNING, logger="splitbrain.ssh"):
        host = _open(cluster, "h1", options)
    try:
        assert host.run(["hostname"]).stdout.strip() == "h1"
    finally:
        host.close()
    assert "HOST KEY NOT VERIFIED" in caplog.text


def test_the_ssh_config_gives_user_port_key_and_proxyjump(
    cluster: SshdCluster, tmp_path: Path
) -> None:
    h1, h2 = cluster.hosts["h1"], cluster.hosts["h2"]
    config = tmp_path / "config"
    config.write_text(
        f"Host bastion\n  HostName {h1.address}\n  User root\n"
        f"  IdentityFile {cluster.client_key}\n"
        f"Host db2\n  HostName {h2.address}\n  Port {ALT_PORT}\n  User root\n"
        f"  IdentityFile {cluster.client_key}\n  ProxyJump bastion\n")
    options = SshOptions(known_hosts=cluster.known_hosts, config=config)
    cfg = load_config(options)
    host = Host.open("n2", resolve("db2", None, options, cfg), options, cfg)
    try:
        out = host.run(["sh", "-c", "hostname; id -un; echo $SSH_CONNECTION"]).stdout.split()
    finally:
        host.close()
    # the connection came from the jump host h1, to port ALT_PORT of h2
    assert out[:3] == ["h2", "root", h1.address] and out[-2:] == [h2.address, str(ALT_PORT)]


def test_commands_files_and_timeouts(cluster: SshdCluster, tmp_path: Path) -> None:
    host = _open(cluster, "h1", SshOptions(key=cluster.client_key,
                                           known_hosts=cluster.known_hosts, config=None))
    try:
        result = host.run(["sh", "-c", "cat; echo oops >&2; exit 3"], stdin="in put\n")
        assert (result.returncode, result.stdout, result.stderr) == (3, "in put\n", "oops\n")
        assert host.run(["echo", "a b; c"]).stdout == "a b; c\n"  # no shell in between
        slow = host.run(["sleep", "5"], timeout=0.3)
        assert slow.returncode == -1 and "timed out" in slow.stderr
        host.makedirs("/var/tmp/sbtest/d")
        host.write_bytes("/var/tmp/sbtest/d/f", b"\x00data")
        assert host.read_bytes("/var/tmp/sbtest/d/f") == b"\x00data"
        assert host.get("/var/tmp/sbtest/d/f", tmp_path / "copy")
        assert (tmp_path / "copy").read_bytes() == b"\x00data"
        assert not host.get("/var/tmp/sbtest/d/missing", tmp_path / "missing")
        with pytest.raises(FileNotFoundError):
            host.read_bytes("/var/tmp/sbtest/missing")
        assert not (tmp_path / "nothing").exists()
        # the host's /var/tmp is its own: the controller does not see the file
        assert not Path("/var/tmp/sbtest/d/f").exists()
    finally:
        host.close()


def test_processes_signals_exit_status_logs_and_pid_files(
    cluster: SshdCluster, tmp_path: Path
) -> None:
    host = _open(cluster, "h2", SshOptions(key=cluster.client_key,
                                           known_hosts=cluster.known_hosts, config=None))
    remote = "/var/tmp/sbtest/p"
    try:
        proc = _process.spawn(host, "sleeper", ["sleep", "300"], remote_dir=remote,
                              log_path=tmp_path / "sleeper.log")
        assert proc.alive() and proc.pid in cluster.pids_in("h2")
        assert host.run(["cat", f"{remote}/sleeper.pid"]).stdout.split() == [
            str(proc.pid), str(proc.start_time)]
        proc.pause()
        assert _becomes(proc.pid, "T")
        proc.resume()
        assert _becomes(proc.pid, "SR")
        assert proc.stop(timeout=5) == -signal.SIGTERM and not proc.alive()

        failing = _process.spawn(host, "failing", ["sh", "-c", "echo boom; exit 7"],
                                 remote_dir=remote, log_path=tmp_path / "failing.log",
                                 env={"X": "1"})
        assert failing.wait(10) == 7
        assert (tmp_path / "failing.log").read_text() == "boom\n"  # fetched at exit

        # a pid file whose start time does not match (a reused PID) is never acted on
        other = _process.spawn(host, "other", ["sleep", "300"], remote_dir=remote,
                               log_path=tmp_path / "other.log")
        host.write_bytes(f"{remote}/stale.pid", f"{other.pid} 12345\n".encode())
        killed = host.shell(_process.kill_script(f"{remote}/stale.pid"))
        assert killed.stdout == "" and other.alive()
        killed = host.shell(_process.kill_script(f"{remote}/*.pid"))
        assert killed.stdout.split() == ["killed", str(other.pid), "other"]
        assert other.wait(10) == -signal.SIGKILL
        assert host.run(["sh", "-c", f"ls {remote}/*.pid"]).returncode != 0  # files removed
    finally:
        host.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and len(cluster.pids_in("h2")) > 1:
        time.sleep(0.05)
