from __future__ import annotations

import signal
from pathlib import Path
from types import SimpleNamespace

import pytest

from harness.kernel.protocols import ProcessState
from targets.supervision import NodeProcesses, TargetStartError, log_tail


class FakeProcess:
    def __init__(self, log: Path, *, alive: bool = True) -> None:
        self.node, self.name, self.pid, self.log_path = "n1", "etcd", 99999999, log
        self._alive = alive
        self.events: list[str] = []

    def alive(self) -> bool:
        return self._alive

    def signal(self, sig: signal.Signals) -> None:
        self.events.append(sig.name)

    def kill(self) -> None:
        self.events.append("kill")
        self._alive = False

    def stop(self, timeout: float = 5.0) -> int | None:
        self.events.append("stop")
        self._alive = False
        return 0

    def pause(self) -> None:
        self.events.append("pause")

    def resume(self) -> None:
        self.events.append("resume")

    def wait(self, timeout: float | None = None) -> int | None:
        return None if self._alive else 3


def test_a_process_that_dies_while_starting_is_named_with_its_log(tmp_path: Path) -> None:
    log = tmp_path / "etcd.log"
    log.write_text("starting\npanic: bad flag\n")
    procs = NodeProcesses("etcd")
    with pytest.raises(TargetStartError, match=r"etcd etcd on n1 exited with status 3") as e:
        procs.wait_ready("n1", FakeProcess(log, alive=False), lambda: False, timeout_s=5,
                         what="no leader")
    assert "panic: bad flag" in str(e.value)


def test_a_process_that_never_gets_ready_times_out(tmp_path: Path) -> None:
    procs = NodeProcesses("redis")
    pattern = r"redis etcd on n1 not ready within 0\.1 s \(no answer to PING\)"
    with pytest.raises(TargetStartError, match=pattern):
        procs.wait_ready("n1", FakeProcess(tmp_path / "none.log"), lambda: False,
                         timeout_s=0.1, what="no answer to PING")


def test_log_tail(tmp_path: Path) -> None:
    assert log_tail(tmp_path / "missing") == "(no log)"
    (tmp_path / "l").write_text("\n".join(str(i) for i in range(30)))
    assert log_tail(tmp_path / "l", lines=2) == "    28\n    29"


class _Runtime:
    def __init__(self, proc: FakeProcess) -> None:
        self.proc = proc

    def spawn(self, node: str, name: str, argv: object, **kwargs: object) -> FakeProcess:
        return self.proc


def test_state_is_down_running_or_unresponsive(tmp_path: Path) -> None:
    procs = NodeProcesses("etcd")
    assert procs.state("n1", "etcd", lambda: True) is ProcessState.DOWN  # never started
    proc = FakeProcess(tmp_path / "etcd.log")
    ctx = SimpleNamespace(runtime=_Runtime(proc))
    procs.spawn(ctx, "n1", "etcd", ["etcd"], log_path=proc.log_path)  # type: ignore[arg-type]
    assert procs.state("n1", "etcd", lambda: True) is ProcessState.RUNNING
    assert procs.state("n1", "etcd", lambda: False) is ProcessState.UNRESPONSIVE
    assert procs.state("n1", "sentinel", lambda: True) is ProcessState.DOWN
    procs.kill("n1")
    assert procs.state("n1", "etcd", lambda: True) is ProcessState.DOWN
