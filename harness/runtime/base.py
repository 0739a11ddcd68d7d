"""What every node runtime offers the rest of the harness (netns today; docker and ssh later)."""

from __future__ import annotations

import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True, kw_only=True, slots=True)
class ExecResult:
    """The outcome of a short command run inside a node."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class ExecError(RuntimeError):
    """A command inside a node exited non-zero (when ``check=True``)."""

    def __init__(self, node: str, result: ExecResult) -> None:
        self.node = node
        self.result = result
        tail = (result.stderr or result.stdout).strip()[-500:]
        super().__init__(
            f"on {node}: {' '.join(result.argv)!r} exited {result.returncode}: {tail}"
        )


class ProcessHandle(Protocol):
    """A supervised process started inside a node (a child of the controller)."""

    @property
    def node(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def pid(self) -> int: ...

    @property
    def log_path(self) -> Path: ...

    def alive(self) -> bool: ...

    def signal(self, sig: signal.Signals) -> None:
        """Send ``sig`` to the process (by PID); no-op if it already exited."""

    def kill(self) -> None:
        """SIGKILL and reap."""

    def stop(self, timeout: float = 5.0) -> int | None:
        """SIGTERM, wait up to ``timeout``, then SIGKILL; returns the exit status."""

    def pause(self) -> None:
        """SIGSTOP."""

    def resume(self) -> None:
        """SIGCONT."""

    def wait(self, timeout: float | None = None) -> int | None:
        """Reap; the exit status, or None if still running after ``timeout``."""


class NodeRuntime(Protocol):
    """Nodes, their addresses, and process control inside them."""

    @property
    def nodes(self) -> Sequence[str]: ...

    def address(self, node: str) -> str:
        """The node's IP address (reachable from the controller, even during partitions)."""

    @property
    def controller_address(self) -> str:
        """The controller's own address on the node network."""

    def exec(
        self,
        node: str,
        argv: Sequence[str],
        *,
        timeout: float = 10.0,
        check: bool = True,
        stdin: str | None = None,
    ) -> ExecResult:
        """Run a short command inside ``node`` (e.g. iptables, tc) and wait for it."""

    def spawn(
        self,
        node: str,
        name: str,
        argv: Sequence[str],
        *,
        log_path: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> ProcessHandle:
        """Start a long-running process inside ``node``; stdout and stderr go to ``log_path``."""

    def processes(self) -> Sequence[ProcessHandle]:
        """Every process spawned and not yet reaped."""


SIGNALS = signal.Signals

__all__ = ["SIGNALS", "ExecError", "ExecResult", "NodeRuntime", "ProcessHandle"]
