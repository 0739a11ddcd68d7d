"""``splitbrain run --runtime ssh`` end to end on sshd-in-namespace hosts, and ``cleanup`` after a
SIGKILLed controller."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness.shell.runtime.ssh.sshd_cluster import PLAIN_USER, SUDO_USER, SshdCluster

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SPLITBRAIN = Path(sys.executable).parent / "splitbrain"


@pytest.fixture(scope="module")
def cluster() -> Iterator[SshdCluster]:
    with SshdCluster(3) as c:
        yield c


def _ssh_args(cluster: SshdCluster, known_hosts: Path | None = None) -> list[str]:
    return ["--runtime", "ssh", "--hosts", str(cluster.hosts_file),
            "--ssh-key", str(cluster.client_key),
            "--ssh-known-hosts", str(known_hosts or cluster.known_hosts), "--ssh-config", "none"]


def _env(state_dir: Path) -> dict[str, str]:
    return {**os.environ, "SPLITBRAIN_STATE_DIR": str(state_dir)}


def _run(cluster: SshdCluster, tmp_path: Path, *args: str,
         known_hosts: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SPLITBRAIN), "run", *_ssh_args(cluster, known_hosts), "--store",
         str(tmp_path / "store"), "--seed", "3", "--concurrency", "5", "--rate", "100", *args],
        capture_output=True, text=True, timeout=150, env=_env(tmp_path / "state"), check=False)


def _run_dir(tmp_path: Path) -> Path:
    runs = [p.parent for p in (tmp_path / "store").glob("*/*/test.json")
            if p.parent.parent.name != "latest"]
    assert len(runs) == 1, runs
    return runs[0]


def _history(run_dir: Path) -> list[dict[str, object]]:
    lines = (run_dir / "history.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.endswith("}")]


def _applied(history: list[dict[str, object]], f: str) -> int:
    """Completed nemesis ops ``f`` that acted on some node."""
    count = 0
    for op in history:
        value = op.get("value")
        if op["process"] == "nemesis" and op["f"] == f and isinstance(value, dict) and (
                value.get("nodes") or value.get("grudge")):
            count += 1
    return count


def _sshd_private(cluster: SshdCluster, node: str, argv: list[str]) -> str:
    """Run ``argv`` in the host's mount namespace (its private /var/tmp)."""
    sshd = min(cluster.pids_in(node))
    return subprocess.run(["nsenter", "-t", str(sshd), "-m", "-n", *argv], capture_output=True,
                          text=True, check=False, timeout=30).stdout


def _leftovers(cluster: SshdCluster) -> list[str]:
    """Processes (other than sshd), run chains and run directories on the hosts."""
    found: list[str] = []
    for node in cluster.hosts:
        for pid in cluster.pids_in(node):
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "sshd" not in cmd:
                found.append(f"{node}: process {pid} {cmd}")
        rules = cluster.nsexec(node, ["iptables", "-w", "-S"]).stdout
        found += [f"{node}: {line}" for line in rules.splitlines() if "sb-" in line]
        found += [f"{node}: dir {d}" for d in _sshd_private(
            cluster, node, ["ls", "/var/tmp/splitbrain"]).split()]
    return found


def _no_leftovers(cluster: SshdCluster, timeout: float = 10.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while True:
        left = _leftovers(cluster)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


@pytest.mark.timeout(180)
def test_raftkv_valid_under_partition_kill_and_pause(cluster: SshdCluster, tmp_path: Path) -> None:
    proc = _run(cluster, tmp_path, "--time-limit", "12", "--nemesis", "partition,kill,pause",
                "--nemesis-opt", "interval=2", "--nemesis-opt", "recovery=3",
                "--nemesis-opt", "targets=one,minority,majority")  # never an empty 'primaries'

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "verdict: valid" in proc.stdout
    assert "node  host" in proc.stderr and "python3" in proc.stderr  # the preflight table
    run_dir = _run_dir(tmp_path)
    history = _history(run_dir)
    for f in ("start-partition", "kill", "pause"):
        assert _applied(history, f) >= 1, f"no {f} was applied"
    for node in cluster.hosts:
        log = (run_dir / "nodes" / node / "raftkv.log").read_text()
        assert f" {node} raftkv" in log  # fetched from the host
    test = json.loads((run_dir / "test.json").read_text())["test"]
    assert test["runtime"] == "ssh" and test["nodes"] == ["h1", "h2", "h3"]
    assert _no_leftovers(cluster) == []
    assert not list((tmp_path / "state").glob("*.json"))


@pytest.mark.timeout(180)
def test_raftkv_stale_reads_bug_is_found_invalid(cluster: SshdCluster, tmp_path: Path) -> None:
    proc = _run(cluster, tmp_path, "--time-limit", "10", "--nemesis", "partition",
                "--target-opt", "bug=stale-reads", "--nemesis-opt", "interval=2",
                "--nemesis-opt", "recovery=2")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "verdict: invalid" in proc.stdout
    assert _applied(_history(_run_dir(tmp_path)), "start-partition") >= 1
    assert _no_leftovers(cluster) == []


@pytest.mark.timeout(180)
def test_etcd_on_ssh_hosts_is_valid(cluster: SshdCluster, tmp_path: Path) -> None:
    proc = _run(cluster, tmp_path, "--target", "etcd", "--time-limit", "8", "--nemesis",
                "partition", "--nemesis-opt", "interval=2", "--nemesis-opt", "recovery=2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "verdict: valid" in proc.stdout
    run_dir = _run_dir(tmp_path)
    assert _applied(_history(run_dir), "start-partition") >= 1
    assert "etcd" in (run_dir / "nodes" / "h1" / "etcd.log").read_text()
    assert _no_leftovers(cluster) == []


@pytest.mark.timeout(60)
def test_an_unknown_host_key_is_refused_before_anything_starts(
    cluster: SshdCluster, tmp_path: Path
) -> None:
    known = tmp_path / "known_hosts"  # h3's key is missing
    known.write_text("".join(line + "\n" for line in cluster.known_hosts.read_text().splitlines()
                             if not line.startswith(cluster.hosts["h3"].address + " ")))
    proc = _run(cluster, tmp_path, "--time-limit", "5", known_hosts=known)
    assert proc.returncode == 254, proc.stdout + proc.stderr
    assert "h3: unknown host key for " + cluster.hosts["h3"].address in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "store").exists()  # no run directory
    assert not list((tmp_path / "state").glob("*.json"))
    assert _leftovers(cluster) == []


@pytest.mark.timeout(90)
def test_what_a_host_lacks_is_refused_with_the_table(tmp_path: Path) -> None:
    hidden = {"h2": ["/usr/lib/x86_64-linux-gnu/faketime", "/usr/bin/etcd"]}
    with SshdCluster(3, hide=hidden) as hosts:
        clock = _run(hosts, tmp_path, "--time-limit", "5", "--nemesis", "clock")
        etcd = _run(hosts, tmp_path, "--time-limit", "5", "--target", "etcd")
    assert clock.returncode == 254, clock.stdout + clock.stderr
    assert "h2 (" in clock.stderr and "libfaketime is missing" in clock.stderr
    table = [line.split() for line in clock.stderr.splitlines()
             if line.startswith(("h1 ", "h2 ", "h3 "))]
    assert [row[4] for row in table] == ["yes", "no", "yes"]  # the libfaketime column
    assert [row[6] for row in table] == ["yes", "no", "yes"]  # the etcd column
    assert etcd.returncode == 254, etcd.stdout + etcd.stderr
    assert "h2 (" in etcd.stderr and "etcd is not installed" in etcd.stderr
    assert "apt-get install etcd-server" in etcd.stderr
    assert not (tmp_path / "store").exists()


@pytest.mark.timeout(180)
def test_cleanup_after_a_sigkilled_controller_leaves_nothing_on_the_hosts(
    cluster: SshdCluster, tmp_path: Path
) -> None:
    state_dir = tmp_path / "state"
    controller = subprocess.Popen(
        [str(SPLITBRAIN), "run", *_ssh_args(cluster), "--store", str(tmp_path / "store"),
         "--seed", "5", "--time-limit", "120", "--concurrency", "3", "--rate", "50",
         "--nemesis", "partition,pause", "--nemesis-opt", "interval=1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(state_dir))
    try:
        deadline = time.monotonic() + 90
        while True:  # until a partition is in force on the hosts
            runs = [p for p in (tmp_path / "store").glob("*/*/history.jsonl")
                    if p.parent.parent.name != "latest"]
            history = _history(runs[0].parent) if runs else []
            rules = [line for node in cluster.hosts for line in
                     cluster.nsexec(node, ["iptables", "-w", "-S"]).stdout.splitlines()
                     if line.startswith("-A sb-")]
            if _applied(history, "start-partition") and rules:
                break
            assert controller.poll() is None, "the controller ended early"
            assert time.monotonic() < deadline, "no partition within 90 s"
            time.sleep(0.1)
    finally:
        controller.send_signal(signal.SIGKILL)
        controller.wait(10)
    run_dir = _run_dir(tmp_path)
    before = _leftovers(cluster)
    assert any("targets.raftkv" in line for line in before), before  # the nodes survived
    assert any("-j sb-" in line for line in before), before
    result = subprocess.run(
        [str(SPLITBRAIN), "cleanup", "--state-dir", str(state_dir), "--runtime", "ssh"],
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "removed process raftkv on h1" in result.stdout.replace("removed ", "removed ", 1) \
        or "process raftkv on h1" in result.stdout
    assert "removed chain sb-" in result.stdout
    assert _no_leftovers(cluster) == []
    assert not list(state_dir.glob("*.json"))
    for node in cluster.hosts:  # logs fetched from the hosts after the crash
        assert "raftkv" in (run_dir / "nodes" / node / "raftkv.log").read_text()


@pytest.mark.timeout(180)
def test_a_sudo_login_runs_the_raft_kv_with_clock_faults(
    cluster: SshdCluster, tmp_path: Path
) -> None:
    proc = _run(cluster, tmp_path, "--ssh-user", SUDO_USER, "--time-limit", "6", "--nemesis",
                "partition,clock", "--nemesis-opt", "interval=1.5", "--nemesis-opt",
                "recovery=2", "--nemesis-opt", "targets=one,minority")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    table = [line.split() for line in proc.stderr.splitlines() if line.startswith("h")]
    assert table and all(row[2] == "sudo" for row in table)  # the login column
    history = _history(_run_dir(tmp_path))
    assert _applied(history, "start-partition") >= 1
    assert sum(_applied(history, f) for f in ("bump-clock", "strobe-clock", "rate-clock")) >= 1
    assert _no_leftovers(cluster) == []


@pytest.mark.timeout(60)
def test_a_login_without_root_or_sudo_is_refused(cluster: SshdCluster, tmp_path: Path) -> None:
    proc = _run(cluster, tmp_path, "--ssh-user", PLAIN_USER, "--time-limit", "5")
    assert proc.returncode == 254, proc.stdout + proc.stderr
    assert "the login is not root and 'sudo -n' needs a password" in proc.stderr
    assert "NO ROOT" in proc.stderr and not (tmp_path / "store").exists()


@pytest.mark.timeout(180)
def test_redis_runs_the_hosts_own_redis_server(cluster: SshdCluster, tmp_path: Path) -> None:
    proc = _run(cluster, tmp_path, "--target", "redis", "--workload", "set", "--time-limit", "4",
                "--nemesis", "none",
                "--workload-opt", "final-wait=2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    run_dir = _run_dir(tmp_path)
    for node in cluster.hosts:  # Debian's 7.x from the host's PATH, not the controller's 6.2
        assert "Redis version=7." in (run_dir / "nodes" / node / "redis.log").read_text()
        assert (run_dir / "nodes" / node / "sentinel.log").stat().st_size > 0
    assert _no_leftovers(cluster) == []
