"""A history: the ordered events of a run, and their pairing into operations.

Pairing follows DESIGN.md: a process is single-threaded, so each client invocation is completed by
the next event of the same process. An invocation that never completes is indeterminate (``info``).
Nemesis events are kept in the history but are not operations for the checkers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from harness.kernel.bulk import gc_paused, positional_constructor
from harness.kernel.errors import HistoryFormatError
from harness.kernel.jsontypes import JSON, Scalar
from harness.kernel.ops import Op, OpType

if TYPE_CHECKING:
    import pandas


@dataclass(frozen=True, kw_only=True, slots=True)
class Operation:
    """A client invocation paired with its completion.

    ``call`` and ``ret`` are positions in the history (its real-time order); ``ret`` is ``None``
    when the operation is indeterminate, which means it may take effect at any time after ``call``
    or never.
    """

    process: int
    f: str
    value: JSON
    """The invocation's arguments."""
    output: JSON
    """The completion's result (``None`` when indeterminate)."""
    type: OpType
    """``OK``, ``FAIL`` or ``INFO``; an invocation that never completed is ``INFO``."""
    call: int
    ret: int | None
    call_time: int
    ret_time: int | None
    key: Scalar = None
    node: str | None = None
    error: str | None = None

    @property
    def indeterminate(self) -> bool:
        """True if the operation may or may not have taken effect."""
        return self.type is OpType.INFO


@dataclass(frozen=True, slots=True)
class History:
    """An immutable sequence of :class:`Op` in the order the controller observed them.

    ``source`` names where it came from and ``lines[i]`` is the source line of ``ops[i]``, so that
    errors found later (while pairing) still point at the file and line.
    """

    ops: tuple[Op, ...]
    source: str | None = None
    lines: tuple[int, ...] | None = None
    _operations: list[Operation] | None = field(default=None, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.ops)

    def __iter__(self) -> Iterator[Op]:
        return iter(self.ops)

    def line_of(self, position: int) -> int | None:
        """The source line of the op at ``position``, if known."""
        if self.lines is None or not 0 <= position < len(self.lines):
            return None
        return self.lines[position]

    def client_ops(self) -> list[Op]:
        """The events of client processes, in order."""
        return [op for op in self.ops
                if isinstance(op.process, int) and not isinstance(op.process, bool)]

    def nemesis_ops(self) -> list[Op]:
        """The events of the nemesis, in order."""
        return [op for op in self.ops
                if not isinstance(op.process, int) or isinstance(op.process, bool)]

    def operations(self) -> list[Operation]:
        """Client operations, each invocation paired with its completion, in invocation order.

        Raises :class:`HistoryFormatError` (naming the source line) when a completion has no
        pending invocation, changes the invocation's ``f``, or a process invokes twice.
        """
        cached = self._operations
        if cached is None:
            cached = _pair(self)
            object.__setattr__(self, "_operations", cached)
        return list(cached)

    def by_key(self) -> dict[Scalar, list[Operation]]:
        """Operations grouped by their ``key`` (``None`` for single-key histories)."""
        groups: dict[Scalar, list[Operation]] = {}
        for operation in self.operations():
            groups.setdefault(operation.key, []).append(operation)
        return groups

    def to_frame(self, *, operations: bool = False) -> pandas.DataFrame:
        """The history as a pandas DataFrame, for analysis in notebooks: one row per event, or
        with ``operations`` one row per client operation with its latency
        (:mod:`harness.kernel.frame`). Needs the optional extra ``splitbrain[frames]`` (pandas);
        raises ImportError saying so without it."""
        from harness.kernel.frame import events_frame, operations_frame

        return operations_frame(self) if operations else events_frame(self)


def _error(history: History, position: int, fld: str, message: str) -> HistoryFormatError:
    return HistoryFormatError(
        message, file=history.source, line=history.line_of(position), field=fld
    )


_new_operation = positional_constructor(Operation)
"""``Operation`` from its fields in order: process, f, value, output, type, call, ret, call_time,
ret_time, key, node, error."""


def _pair(history: History) -> list[Operation]:
    with gc_paused():
        return _pair_ops(history)


def _pair_ops(history: History) -> list[Operation]:
    pending: dict[int, tuple[int, Op]] = {}
    slots: list[Operation | None] = []
    slot_of: dict[int, int] = {}
    new = _new_operation
    invoke_type, info_type = OpType.INVOKE, OpType.INFO
    for position, op in enumerate(history.ops):
        process = op.process
        if not isinstance(process, int) or isinstance(process, bool):
            continue  # the nemesis (Op.is_client, inlined: this loop runs per event)
        if op.type is invoke_type:
            if process in pending:
                first = pending[process][1]
                raise _error(
                    history,
                    position,
                    "process",
                    f"process {process} invokes {op.f!r} while its {first.f!r} "
                    f"(index {first.index}) has not completed",
                )
            pending[process] = (position, op)
            slot_of[process] = len(slots)
            slots.append(None)
            continue
        if process not in pending:
            raise _error(
                history,
                position,
                "type",
                f"{op.type.value} for process {process} with no pending invocation",
            )
        call_position, invoke = pending.pop(process)
        if op.f != invoke.f:
            raise _error(
                history,
                position,
                "f",
                f"completion {op.f!r} does not match invocation {invoke.f!r} "
                f"(index {invoke.index})",
            )
        done = op.type is not info_type
        slots[slot_of.pop(process)] = new(
            process,
            invoke.f,
            invoke.value,
            op.value if done else None,
            op.type,
            call_position,
            position if done else None,
            invoke.time,
            op.time if done else None,
            invoke.key if invoke.key is not None else op.key,
            op.node if op.node is not None else invoke.node,
            op.error,
        )
    for process, (call_position, invoke) in pending.items():
        slots[slot_of[process]] = new(
            process, invoke.f, invoke.value, None, info_type, call_position, None, invoke.time,
            None, invoke.key, invoke.node, "never completed",
        )
    return [s for s in slots if s is not None]


def history_of(ops: Sequence[Op], source: str | None = None) -> History:
    """A :class:`History` of in-memory ops (no source lines)."""
    return History(tuple(ops), source=source)


__all__ = ["History", "Operation", "history_of"]
