"""A process started inside a container with ``docker exec`` (in the container's PID namespace
and cgroup, so it dies with the container), signalled by its host PID."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path
from typing import Protocol

import docker
import docker.errors

from harness.shell.runtime.runstate import process_start_time

POLL_S = 0.02


class ExecReapListener(Protocol):
    def _exec_reaped(self, proc: ExecProcess) -> None: ...


class ExecProcess:
    """One ``docker exec`` of a long-running program; stdout and stderr go to ``log_path``."""

    def __init__(self, owner: ExecReapListener, client: docker.DockerClient, exec_id: str, *,
                 node: str, name: str, pid: int, log_path: Path) -> None:
        self._owner = owner
        self._client = client
        self._exec_id = exec_id
        self._node = node
        self._name = name
        self._pid = pid
        self._start = process_start_time(pid)
        self._log_path = log_path
        self._code: int | None = None
        self._reaped = False

    @property
    def node(self) -> str:
        return self._node

    @property
    def name(self) -> str:
        return self._name

    @property
    def pid(self) -> int:
        """The host PID (the engine runs on this machine)."""
        return self._pid

    @property
    def log_path(self) -> Path:
        return self._log_path

    def alive(self) -> bool:
        if self._reaped:
            return False
        if self._start is None or process_start_time(self._pid) != self._start:
            return False
        try:
            state = Path(f"/proc/{self._pid}/stat").read_text()
        except OSError:
            return False
        return state[state.rindex(")") + 2:].split()[0] not in ("Z", "X")

    def signal(self, sig: signal.Signals) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, sig)

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        self.wait()

    def stop(self, timeout: float = 5.0) -> int | None:
        self.signal(signal.SIGTERM)
        self.signal(signal.SIGCONT)
        code = self.wait(timeout)
        if code is None:
            self.kill()
            code = self._code
        return code

    def pause(self) -> None:
        self.signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.signal(signal.SIGCONT)

    def wait(self, timeout: float | None = None) -> int | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.alive():
            if deadline is not None and time.monotonic() >= deadline:
                return None
            time.sleep(POLL_S)
        if not self._reaped:
            self._code = self._exit_code()
            self._reaped = True
            self._owner._exec_reaped(self)
        return self._code

    def _exit_code(self) -> int:
        """The exit status the engine recorded (-9 style for signals: 128 + n from the shell)."""
        deadline = time.monotonic() + 2.0
        while True:
            try:
                info = self._client.api.exec_inspect(self._exec_id)
            except docker.errors.DockerException:
                return -1  # the container is gone (removed with the run)
            if not info.get("Running") or time.monotonic() > deadline:
                code = info.get("ExitCode")
                return code if isinstance(code, int) else -1
            time.sleep(POLL_S)

    def __repr__(self) -> str:
        return f"ExecProcess({self._node}/{self._name} pid {self._pid})"


__all__ = ["ExecProcess", "ExecReapListener"]
