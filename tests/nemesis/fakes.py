"""Fakes for nemesis unit tests: a runtime that records commands and a DB that records calls."""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping, Sequence
from pathlib import Path

from harness.kernel.clock import ManualClock
from harness.kernel.config import TestConfig
from harness.kernel.context import RunContext
from harness.kernel.nodes import ExecError, ExecResult, ProcessHandle
from harness.kernel.protocols import DB


class FakeRuntime:
    def __init__(self, nodes: Sequence[str], fail: Mapping[str, str] | None = None) -> None:
        self._nodes = tuple(nodes)
        self.calls: list[tuple[str, tuple[str, ...], str | None]] = []
        self.fail = dict(fail or {})  # command name -> stderr to fail with

    @property
    def nodes(self) -> Sequence[str]:
        return self._nodes

    def address(self, node: str) -> str:
        return f"10.9.0.{self._nodes.index(node) + 1}"

    @property
    def controller_address(self) -> str:
        return "10.9.0.254"

    def exec(self, node: str, argv: Sequence[str], *, timeout: float = 10.0,
             check: bool = True, stdin: str | None = None) -> ExecResult:
        self.calls.append((node, tuple(argv), stdin))
        err = self.fail.get(argv[0])
        result = ExecResult(argv=tuple(argv), returncode=1 if err else 0, stdout="",
                            stderr=err or "")
        if check and err:
            raise ExecError(node, result)
        return result

    def net_exec(self, node: str, argv: Sequence[str], *, timeout: float = 10.0,
                 check: bool = True, stdin: str | None = None) -> ExecResult:
        return self.exec(node, argv, timeout=timeout, check=check, stdin=stdin)

    def spawn(self, node: str, name: str, argv: Sequence[str], *, log_path: Path,
              env: Mapping[str, str] | None = None, cwd: Path | None = None) -> ProcessHandle:
        raise NotImplementedError

    def net_spawn(self, node: str, name: str, argv: Sequence[str], *, log_path: Path,
                  env: Mapping[str, str] | None = None) -> ProcessHandle:
        raise NotImplementedError

    def put_file(self, node: str, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def get_file(self, node: str, path: Path) -> bytes:
        return path.read_bytes()

    def processes(self) -> Sequence[ProcessHandle]:
        return []


class RecordingDB:
    """Killable, Pausable, HasPrimaries; records every call."""

    def __init__(self, primaries: Sequence[str] = ("n1",)) -> None:
        self.calls: list[tuple[str, str]] = []
        self._primaries = list(primaries)

    def setup(self, ctx: RunContext, node: str) -> None:
        self.calls.append(("setup", node))

    def teardown(self, ctx: RunContext, node: str) -> None:
        self.calls.append(("teardown", node))

    def kill(self, ctx: RunContext, node: str) -> None:
        self.calls.append(("kill", node))

    def start(self, ctx: RunContext, node: str) -> None:
        self.calls.append(("start", node))

    def pause(self, ctx: RunContext, node: str) -> None:
        self.calls.append(("pause", node))

    def resume(self, ctx: RunContext, node: str) -> None:
        self.calls.append(("resume", node))

    def primaries(self, ctx: RunContext) -> Sequence[str]:
        return self._primaries


def fake_context(tmp_path: Path, *, nodes: Sequence[str] = ("n1", "n2", "n3", "n4", "n5"),
                 db: DB | None = None, runtime: FakeRuntime | None = None,
                 nemesis: tuple[str, ...] = ()) -> RunContext:
    test = TestConfig(name="t", target="fake", workload="none", nodes=tuple(nodes),
                      nemesis=nemesis)
    return RunContext(
        test=test, runtime=runtime or FakeRuntime(nodes), db=db or RecordingDB(),
        run_dir=tmp_path, clock=ManualClock(), rng=random.Random(0),
        log=logging.getLogger("test"),
    )
