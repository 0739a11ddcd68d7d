"""What every node runtime offers the rest of the harness (netns, docker; ssh implements it too).

Targets and nemeses only ever talk to a :class:`NodeRuntime`; they never know where nodes live.
The contract, for whoever adds a runtime (see :mod:`harness.shell.runtime.registry` to register
one):

- **Addresses.** ``address(node)`` is reachable from the controller at all times, also during
  partitions (rules only ever match other *nodes'* addresses).
- **Inside the node.** ``exec`` runs a short command and ``spawn`` a supervised long-running one
  *inside* the node (its filesystem, its network). Paths handed to them (``log_path``, data
  directories under ``RunContext.node_dir``) are the same paths the controller sees: a runtime
  shares the run directory with its nodes (netns: the same filesystem; docker: a bind mount at
  the same path), or, if it cannot, maps them (ssh: remote copies, fetched by ``get_file``).
  Python targets run ``sys.executable``: a runtime makes the controller's Python environment
  (the project and its virtualenv) runnable at the same paths on the node.
- **The node's network namespace.** ``net_exec`` and ``net_spawn`` run a *controller-side* tool
  (iptables, tc, ip, the packet delayer) in the node's network namespace, so node images need
  none of those tools. On netns this is the same as ``exec``; docker enters the container's
  network namespace with ``nsenter -t PID -n``.
- **Files.** ``put_file``/``get_file`` write and read one file on the node (libfaketime control
  files, logs to collect into the store).
- **Processes.** A :class:`ProcessHandle` signals by PID and cleans up after its process when it
  is reaped (libfaketime's shared-memory files included), so targets never do.
- **Nodes as a whole.** Runtimes whose nodes are machines of their own (containers) also offer
  :class:`NodeControl`: kill/start and pause/resume the whole node. Adopted containers are
  controlled only this way.
"""

from __future__ import annotations

import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from harness.kernel.errors import BadInputError


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


class RuntimeUnavailableError(RuntimeError):
    """A runtime cannot work on this machine (not root, no engine, ...): exit 255."""


class RuntimeOptionError(BadInputError):
    """Bad runtime options, or a fault the runtime cannot inject: exit 254, before anything
    starts."""


class ProcessHandle(Protocol):
    """A supervised process started inside a node."""

    @property
    def node(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def pid(self) -> int:
        """The process id as the controller sees it (for logs and messages)."""

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
        """The controller's own address on the node network (never matched by fault rules)."""

    def exec(
        self,
        node: str,
        argv: Sequence[str],
        *,
        timeout: float = 10.0,
        check: bool = True,
        stdin: str | None = None,
    ) -> ExecResult:
        """Run a short command inside ``node`` and wait for it. Raises :class:`ExecError` when
        it exits non-zero and ``check``; a timeout is returncode -1."""

    def net_exec(
        self,
        node: str,
        argv: Sequence[str],
        *,
        timeout: float = 10.0,
        check: bool = True,
        stdin: str | None = None,
    ) -> ExecResult:
        """Run a controller-side tool (iptables, tc, ip) in ``node``'s network namespace."""

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

    def net_spawn(
        self,
        node: str,
        name: str,
        argv: Sequence[str],
        *,
        log_path: Path,
        env: Mapping[str, str] | None = None,
    ) -> ProcessHandle:
        """Start a long-running controller-side program in ``node``'s network namespace (the
        packet delayer); its log is a controller file."""

    def put_file(self, node: str, path: Path, data: bytes) -> None:
        """Write ``data`` to ``path`` on ``node`` atomically (parents created)."""

    def get_file(self, node: str, path: Path) -> bytes:
        """Read ``path`` on ``node``; raises ``FileNotFoundError``/``OSError``."""

    def processes(self) -> Sequence[ProcessHandle]:
        """Every process spawned and not yet reaped."""


@runtime_checkable
class NodeControl(Protocol):
    """Whole-node faults, for runtimes whose nodes are machines of their own (containers)."""

    def kill_node(self, node: str) -> None:
        """Kill everything on the node at once (SIGKILL); :meth:`start_node` brings it back."""

    def start_node(self, node: str) -> None:
        """Start a node killed by :meth:`kill_node` (its own processes start as configured)."""

    def pause_node(self, node: str) -> None:
        """Freeze every process of the node."""

    def resume_node(self, node: str) -> None:
        """Thaw a node frozen by :meth:`pause_node`."""


class ManagedRuntime(NodeRuntime, Protocol):
    """A runtime with a lifecycle: :meth:`start` creates the nodes, :meth:`close` removes what it
    created (and only that). Both are called by the run, once."""

    @property
    def run_id(self) -> str: ...

    def start(self, *, store_dir: Path | None = None) -> ManagedRuntime: ...

    def close(self) -> None: ...


__all__ = [
    "ExecError",
    "ExecResult",
    "ManagedRuntime",
    "NodeControl",
    "NodeRuntime",
    "ProcessHandle",
    "RuntimeOptionError",
    "RuntimeUnavailableError",
]
