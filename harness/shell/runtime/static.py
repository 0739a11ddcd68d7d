"""A runtime of named nodes without processes: for clients that need no cluster (tests, benches)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from harness.kernel.nodes import ExecResult, ProcessHandle


class NoProcessesError(RuntimeError):
    """The static runtime cannot run anything on its nodes."""


class StaticRuntime:
    """Nodes with fixed addresses; ``exec`` and ``spawn`` are refused with a clear error."""

    def __init__(self, addresses: Mapping[str, str], controller_address: str = "127.0.0.1") -> None:
        self._addresses = dict(addresses)
        self._controller = controller_address

    @property
    def nodes(self) -> Sequence[str]:
        return tuple(self._addresses)

    def address(self, node: str) -> str:
        return self._addresses[node]

    @property
    def controller_address(self) -> str:
        return self._controller

    def exec(
        self,
        node: str,
        argv: Sequence[str],
        *,
        timeout: float = 10.0,
        check: bool = True,
        stdin: str | None = None,
    ) -> ExecResult:
        raise NoProcessesError(f"the static runtime cannot run {list(argv)!r} on {node}")

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
        raise NoProcessesError(f"the static runtime cannot start {name} on {node}")

    def net_exec(
        self,
        node: str,
        argv: Sequence[str],
        *,
        timeout: float = 10.0,
        check: bool = True,
        stdin: str | None = None,
    ) -> ExecResult:
        raise NoProcessesError(f"the static runtime cannot run {list(argv)!r} on {node}")

    def net_spawn(
        self,
        node: str,
        name: str,
        argv: Sequence[str],
        *,
        log_path: Path,
        env: Mapping[str, str] | None = None,
    ) -> ProcessHandle:
        raise NoProcessesError(f"the static runtime cannot start {name} on {node}")

    def put_file(self, node: str, path: Path, data: bytes) -> None:
        raise NoProcessesError(f"the static runtime cannot write {path} on {node}")

    def get_file(self, node: str, path: Path) -> bytes:
        raise NoProcessesError(f"the static runtime cannot read {path} on {node}")

    def processes(self) -> Sequence[ProcessHandle]:
        return ()


__all__ = ["NoProcessesError", "StaticRuntime"]
