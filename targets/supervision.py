"""The processes a target runs on its nodes: spawn, readiness polling, kill, pause, stop.

Shared by the etcd and Redis targets (a node may run several named processes, e.g. a Redis server
and its Sentinel). Every process is a child of the controller, signalled by PID.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from harness.kernel.context import RunContext
from harness.kernel.nodes import ProcessHandle
from harness.kernel.protocols import ProcessState


class TargetStartError(RuntimeError):
    """A node of the target did not start; the message names the node and ends with its log."""


def log_tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    tail = text.rstrip().splitlines()[-lines:]
    return "\n".join("    " + line for line in tail) if tail else "(empty log)"


class NodeProcesses:
    """Named processes per node, started through the node runtime."""

    def __init__(self, target: str) -> None:
        self.target = target
        self._procs: dict[tuple[str, str], ProcessHandle] = {}
        self._spawn_locks: dict[tuple[str, str], threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, node: str, name: str) -> ProcessHandle | None:
        with self._lock:
            return self._procs.get((node, name))

    def on(self, node: str) -> list[ProcessHandle]:
        with self._lock:
            return [p for (n, _), p in self._procs.items() if n == node]

    def spawn(self, ctx: RunContext, node: str, name: str, argv: Sequence[str], *,
              log_path: Path, env: Mapping[str, str] | None = None) -> ProcessHandle | None:
        """Start ``name`` on ``node`` unless it is running; returns the new process, or None.
        Nodes start in parallel (a spawn may take a while: a container runtime's exec)."""
        with self._lock:
            key_lock = self._spawn_locks.setdefault((node, name), threading.Lock())
        with key_lock:
            with self._lock:
                proc = self._procs.get((node, name))
            if proc is not None and proc.alive():
                return None
            proc = ctx.runtime.spawn(node, name, argv, log_path=log_path, env=env)
            with self._lock:
                self._procs[(node, name)] = proc
            return proc

    def wait_ready(self, node: str, proc: ProcessHandle, ready: Callable[[], bool], *,
                   timeout_s: float, what: str) -> None:
        """Poll ``ready`` until it is true; raise naming the node if the process dies or stalls."""
        deadline = time.monotonic() + timeout_s
        while True:
            if ready():
                return
            if not proc.alive():
                code = proc.wait(0)
                raise TargetStartError(
                    f"{self.target} {proc.name} on {node} exited with status {code} while "
                    f"starting; last lines of {proc.log_path}:\n{log_tail(proc.log_path)}"
                )
            if time.monotonic() > deadline:
                raise TargetStartError(
                    f"{self.target} {proc.name} on {node} not ready within {timeout_s:g} s "
                    f"({what}); last lines of {proc.log_path}:\n{log_tail(proc.log_path)}"
                )
            time.sleep(0.05)

    def state(self, node: str, name: str, answers: Callable[[], bool]) -> ProcessState:
        """What the process ``name`` on ``node`` is doing (for :class:`ReportsProcessState`):
        ``down`` when it is not running, ``running`` when ``answers()`` (a probe that should take
        at most about half a second), else ``unresponsive`` (e.g. paused)."""
        proc = self.get(node, name)
        if proc is None or not proc.alive():
            return ProcessState.DOWN
        return ProcessState.RUNNING if answers() else ProcessState.UNRESPONSIVE

    def kill(self, node: str) -> None:
        for proc in self.on(node):
            proc.kill()

    def pause(self, node: str) -> None:
        for proc in self.on(node):
            proc.pause()

    def resume(self, node: str) -> None:
        for proc in self.on(node):
            proc.resume()

    def stop(self, node: str, timeout_s: float = 2.0) -> None:
        with self._lock:
            procs = [(k, p) for k, p in self._procs.items() if k[0] == node]
            for k, _ in procs:
                del self._procs[k]
        for _, proc in procs:
            proc.resume()  # a paused process would never see SIGTERM
            proc.stop(timeout=timeout_s)


__all__ = ["NodeProcesses", "TargetStartError", "log_tail"]
