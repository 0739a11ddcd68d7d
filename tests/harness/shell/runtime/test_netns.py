from __future__ import annotations

import ipaddress
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.shell.runtime import runstate
from harness.shell.runtime.cleanup import cleanup
from harness.shell.runtime.netns import NetnsRuntime, pick_subnet


def _state(pid: int) -> str:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("State:"):
            return line.split()[1]
    raise AssertionError("no State line")


def _until(cond: object, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(cond) and cond():
            return True
        time.sleep(0.05)
    return False


def test_pick_subnet_avoids_used_networks() -> None:
    used = [ipaddress.IPv4Network("10.0.0.0/8")]
    with pytest.raises(RuntimeError, match="no free"):
        pick_subnet("abc", used)
    first = pick_subnet("abc", [])
    second = pick_subnet("abc", [first])
    assert first != second and not first.overlaps(second)
    assert first.subnet_of(ipaddress.IPv4Network("10.0.0.0/8"))


def test_process_start_time_of_a_missing_pid_is_none() -> None:
    assert runstate.process_start_time(os.getpid()) is not None
    assert runstate.process_start_time(2**22 + 17) is None


@pytest.mark.integration
@pytest.mark.timeout(60)
def test_nodes_processes_and_teardown(tmp_path: Path) -> None:
    rt = NetnsRuntime(["n1", "n2", "n3"], state_dir=tmp_path / "state")
    with rt:
        assert rt.state is not None and rt.state.path.exists()
        ping = rt.exec("n1", ["ping", "-c", "1", "-W", "2", rt.address("n3")], check=False)
        assert ping.ok, ping.stderr
        assert "default" not in rt.exec("n2", ["ip", "route"]).stdout
        proc = rt.spawn("n2", "sleeper", ["sleep", "300"], log_path=tmp_path / "n2" / "s.log")
        recorded = json.loads(rt.state.path.read_text())["processes"]
        assert [p["pid"] for p in recorded] == [proc.pid]
        proc.pause()
        assert _until(lambda: _state(proc.pid) == "T")
        proc.resume()
        assert _until(lambda: _state(proc.pid) != "T")
        proc.kill()
        assert not proc.alive()
        assert json.loads(rt.state.path.read_text())["processes"] == []
        again = rt.spawn("n2", "sleeper", ["sleep", "300"], log_path=tmp_path / "s.log")
        namespaces = list(rt.state.namespaces)
        state_path = rt.state.path
    assert not again.alive()
    assert not state_path.exists()
    listed = subprocess.run(
        ["ip", "netns", "list"], capture_output=True, text=True, check=True
    ).stdout
    assert not any(ns in listed for ns in namespaces)
    assert not Path("/sys/class/net", rt.bridge).exists()


_CRASHER = """
import sys, time
from pathlib import Path
from harness.shell.runtime.netns import NetnsRuntime
rt = NetnsRuntime(["n1", "n2"], state_dir=Path(sys.argv[1])).start()
rt.spawn("n1", "sleeper", ["sleep", "300"], log_path=Path(sys.argv[2]))
print(rt.run_id, flush=True)
time.sleep(300)
"""


@pytest.mark.integration
@pytest.mark.timeout(60)
def test_cleanup_after_sigkill_removes_only_that_run(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    child = subprocess.Popen([sys.executable, "-c", _CRASHER, str(state_dir),
                              str(tmp_path / "s.log")], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        run_id = child.stdout.readline().strip()
        state = runstate.load(state_dir / f"{run_id}.json")
        # while the controller lives, cleanup leaves the run alone
        summary = cleanup(state_dir=state_dir)
        assert summary.runs[0].skipped is not None
        assert Path("/run/netns", state.namespaces[0]).exists()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert child.stdout is not None
        child.stdout.close()
    (sleeper,) = state.processes
    assert runstate.process_start_time(sleeper.pid) == sleeper.start_time  # orphaned
    with NetnsRuntime(["n1"], state_dir=state_dir) as live:  # a live run is left alone
        summary = cleanup(state_dir=state_dir)
        reports = {r.run_id: r for r in summary.runs}
        assert reports[live.run_id].skipped is not None
        assert Path("/run/netns", live.namespace("n1")).exists()
        assert live.state is not None and live.state.path.exists()
    report = reports[run_id]
    assert report.skipped is None
    assert any("sleeper" in r for r in report.removed)
    assert _until(lambda: runstate.process_start_time(sleeper.pid) is None
                  or _state(sleeper.pid) == "Z")
    for ns in state.namespaces:
        assert not Path("/run/netns", ns).exists()
    assert state.bridge is not None and not Path("/sys/class/net", state.bridge).exists()
    assert not (state_dir / f"{run_id}.json").exists()


def test_clear_messages_when_not_root_or_without_iproute2(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from harness.shell.runtime import netns

    monkeypatch.setattr(netns.os, "geteuid", lambda: 1000)
    with pytest.raises(netns.RuntimeUnavailableError, match="needs root"):
        netns.check_prerequisites()
    monkeypatch.setattr(netns.os, "geteuid", lambda: 0)
    monkeypatch.setattr(netns.shutil, "which", lambda name: None)
    with pytest.raises(netns.RuntimeUnavailableError, match="iproute2"):
        netns.check_prerequisites()


@pytest.mark.integration
@pytest.mark.timeout(60)
def test_a_taken_run_id_is_refused_and_the_other_run_untouched(tmp_path: Path) -> None:
    with NetnsRuntime(["n1"], state_dir=tmp_path / "a") as first:
        clash = NetnsRuntime(["n1"], state_dir=tmp_path / "b", run_id=first.run_id)
        with pytest.raises(RuntimeError, match="in use"):
            clash.start()
        clash.close()
        assert Path("/run/netns", first.namespace("n1")).exists()
        assert first.exec("n1", ["true"]).ok
    assert list((tmp_path / "b").glob("*.json")) == []
