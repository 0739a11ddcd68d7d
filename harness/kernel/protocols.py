"""The extension points, as tiny Protocols (after Jepsen's client/db/nemesis/checker).

Optional abilities of a DB are separate protocols (Killable, Pausable, HasPrimaries, HasLogFiles);
test for them with ``isinstance`` (they are ``runtime_checkable``).

A client or nemesis receives an invocation :class:`~harness.kernel.ops.Op` (``type`` invoke) and
returns its completion: the same op with ``type`` ok, fail or info and the result in ``value``
(use :func:`complete`). The interpreter stamps ``index`` and ``time``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from harness.kernel.jsontypes import JSON
from harness.kernel.ops import Op, OpType
from harness.kernel.verdict import Verdict

if TYPE_CHECKING:
    from harness.kernel.config import TestConfig
    from harness.kernel.context import RunContext
    from harness.kernel.history import History


def complete(
    op: Op, type: OpType, value: JSON = None, *, error: str | None = None, node: str | None = None
) -> Op:
    """The completion of invocation ``op``: same process, f and key; new type, value, error."""
    return Op(
        index=op.index, time=op.time, type=type, process=op.process, f=op.f, value=value,
        key=op.key, node=node if node is not None else op.node, error=error,
    )


class Client(Protocol):
    """Talks to the system under test on behalf of one logical process."""

    def open(self, ctx: RunContext, node: str) -> Client:
        """A new client bound to ``node`` (this object is a template; it stays unopened)."""

    def setup(self, ctx: RunContext) -> None:
        """Once per test, on one opened client, before any invocation (e.g. create a table)."""

    def invoke(self, ctx: RunContext, op: Op) -> Op:
        """Perform ``op`` and return its completion; raising means ``info`` (indeterminate)."""

    def teardown(self, ctx: RunContext) -> None:
        """Once per test, on one opened client, after the workload."""

    def close(self, ctx: RunContext) -> None:
        """Release connections; called on every opened client."""


class DB(Protocol):
    """Installs, starts and removes the system under test on a node."""

    def setup(self, ctx: RunContext, node: str) -> None:
        """Start the system on ``node``; return once it is ready to serve (or raise)."""

    def teardown(self, ctx: RunContext, node: str) -> None:
        """Stop the system on ``node`` (and keep its logs)."""


@runtime_checkable
class Killable(Protocol):
    def kill(self, ctx: RunContext, node: str) -> None:
        """SIGKILL the system's process(es) on ``node``."""

    def start(self, ctx: RunContext, node: str) -> None:
        """(Re)start the system on ``node`` with the same data; no-op if running."""


@runtime_checkable
class Pausable(Protocol):
    def pause(self, ctx: RunContext, node: str) -> None:
        """SIGSTOP the system's process(es) on ``node``."""

    def resume(self, ctx: RunContext, node: str) -> None:
        """SIGCONT the system's process(es) on ``node``."""


@runtime_checkable
class HasPrimaries(Protocol):
    def primaries(self, ctx: RunContext) -> Sequence[str]:
        """The nodes that currently believe they are primary/leader (may be empty or several)."""


@runtime_checkable
class HasLogFiles(Protocol):
    def log_files(self, ctx: RunContext, node: str) -> Mapping[str, Path]:
        """Log files of ``node``: name in the store -> path on the controller's filesystem."""


@runtime_checkable
class HasFakeTime(Protocol):
    """A DB that can run its processes under libfaketime (what clock nemeses need)."""

    def faketime_file(self, ctx: RunContext, node: str) -> Path | None:
        """The libfaketime control file of ``node``; None if it does not run under libfaketime."""


class ProcessState(StrEnum):
    """What a node's process is doing, as far as the harness can observe."""

    RUNNING = "running"  # alive and answering
    UNRESPONSIVE = "unresponsive"  # alive but not answering (e.g. paused)
    DOWN = "down"  # not running
    UNKNOWN = "unknown"


@runtime_checkable
class ReportsProcessState(Protocol):
    """Optional for DBs: lets process faults verify that they took effect."""

    def process_state(self, ctx: RunContext, node: str) -> ProcessState:
        """Observe ``node``'s process now (within about half a second)."""


@runtime_checkable
class ReportsClock(Protocol):
    """Optional for DBs: lets clock faults read a node's (possibly faked) clock back."""

    def wall_clock(self, ctx: RunContext, node: str) -> float | None:
        """The node's wall clock now, seconds since the epoch; None if it cannot be read."""


@runtime_checkable
class ServesClients(Protocol):
    """A DB that says which TCP port its clients connect to on each node. The docker runtime's
    ``--adopt`` waits for this port on the adopted containers (the target's own option sets it,
    e.g. ``--target-opt client-port=8000``)."""

    def client_port(self) -> int: ...


class Nemesis(Protocol):
    """Injects faults; its ops are recorded with process ``"nemesis"`` and type info."""

    def setup(self, ctx: RunContext) -> Nemesis:
        """Prepare (e.g. check prerequisites); returns the nemesis to use."""

    def invoke(self, ctx: RunContext, op: Op) -> Op:
        """Start or stop a fault; the completion's value says what was done."""

    def teardown(self, ctx: RunContext) -> None:
        """Heal every fault this nemesis may have caused, whatever state it is in."""


@runtime_checkable
class ReportsFaults(Protocol):
    """Optional for nemeses: what is currently broken, for the live progress display."""

    def active_faults(self) -> Sequence[str]: ...


class CheckResult(Protocol):
    @property
    def verdict(self) -> Verdict: ...

    def to_json(self) -> dict[str, JSON]: ...


class Checker(Protocol):
    def check(self, test: TestConfig, history: History) -> CheckResult:
        """Judge ``history``; may raise (the caller records that as ``unknown``)."""


class NoopClient:
    """A client that completes every op ``ok`` with the invocation's value."""

    def open(self, ctx: RunContext, node: str) -> NoopClient:
        return self

    def setup(self, ctx: RunContext) -> None:
        pass

    def invoke(self, ctx: RunContext, op: Op) -> Op:
        return complete(op, OpType.OK, op.value)

    def teardown(self, ctx: RunContext) -> None:
        pass

    def close(self, ctx: RunContext) -> None:
        pass


class NoopDB:
    def setup(self, ctx: RunContext, node: str) -> None:
        pass

    def teardown(self, ctx: RunContext, node: str) -> None:
        pass


class NoopNemesis:
    def setup(self, ctx: RunContext) -> NoopNemesis:
        return self

    def invoke(self, ctx: RunContext, op: Op) -> Op:
        return complete(op, OpType.INFO, op.value)

    def teardown(self, ctx: RunContext) -> None:
        pass


class ContractError(RuntimeError):
    """A client or nemesis broke the protocol contract (a harness bug, not a target bug)."""


_COMPLETIONS = frozenset({OpType.OK, OpType.FAIL, OpType.INFO})


def validate_completion(invocation: Op, completion: object) -> Op:
    """Raise :class:`ContractError` unless ``completion`` properly completes ``invocation``."""
    if not isinstance(completion, Op):
        raise ContractError(f"invoke returned {type(completion).__name__}, not an Op")
    if completion.type not in _COMPLETIONS:
        raise ContractError(f"completion type must be ok/fail/info, got {completion.type.value}")
    if completion.process != invocation.process:
        raise ContractError(
            f"completion process {completion.process!r} != invocation's {invocation.process!r}"
        )
    if completion.f != invocation.f:
        raise ContractError(f"completion f {completion.f!r} != invocation's {invocation.f!r}")
    return completion


class ValidatingClient:
    """Wraps a client and checks the contract on every call (opened once, invoked after)."""

    def __init__(self, inner: Client, *, opened: bool = False) -> None:
        self._inner = inner
        self._opened = opened
        self._closed = False

    def open(self, ctx: RunContext, node: str) -> ValidatingClient:
        return ValidatingClient(self._inner.open(ctx, node), opened=True)

    def setup(self, ctx: RunContext) -> None:
        self._require_open("setup")
        self._inner.setup(ctx)

    def invoke(self, ctx: RunContext, op: Op) -> Op:
        self._require_open("invoke")
        if op.type is not OpType.INVOKE:
            raise ContractError(f"invoke called with a {op.type.value} op")
        return validate_completion(op, self._inner.invoke(ctx, op))

    def teardown(self, ctx: RunContext) -> None:
        self._require_open("teardown")
        self._inner.teardown(ctx)

    def close(self, ctx: RunContext) -> None:
        if self._opened and not self._closed:
            self._closed = True
            self._inner.close(ctx)

    def _require_open(self, what: str) -> None:
        if not self._opened:
            raise ContractError(f"{what} called on a client that was never opened")
        if self._closed:
            raise ContractError(f"{what} called on a closed client")


__all__ = [
    "DB",
    "CheckResult",
    "Checker",
    "Client",
    "ContractError",
    "HasFakeTime",
    "HasLogFiles",
    "HasPrimaries",
    "Killable",
    "Nemesis",
    "NoopClient",
    "NoopDB",
    "NoopNemesis",
    "Pausable",
    "ProcessState",
    "ReportsClock",
    "ReportsFaults",
    "ReportsProcessState",
    "ServesClients",
    "ValidatingClient",
    "complete",
    "validate_completion",
]
