"""Transactions read from a history: ``f: txn`` operations whose value is a list of micro-ops.

Micro-ops follow Elle's spelling (Kingsbury and Alvaro, VLDB 2020): ``[append k v]``,
``[r k list-or-nil]`` for list-append and ``[w k v]``, ``[r k v-or-nil]`` for rw-register; the
other spellings of :mod:`checkers.micro_ops` (``read``, ``write``) are read as the same functions
and kept under Elle's names. In EDN keywords become their names (``:append`` -> ``"append"``), so
the same records come from ``history.jsonl`` and from Jepsen's ``history.edn``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import NamedTuple

from checkers.micro_ops import MicroF, micro_f, spellings
from harness.kernel.errors import HistoryFormatError
from harness.kernel.history import History, Operation
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import OpType

Key = str | int | float | bool | None
"""A micro-op's key (JSON scalar)."""
Value = str | int | float | bool | None
"""An appended or written value (JSON scalar)."""


class Status(IntEnum):
    """What the completion says about a transaction."""

    OK = 0  # committed
    INFO = 1  # may or may not have committed
    FAIL = 2  # certainly aborted


class MicroOp(NamedTuple):
    """One micro-op: ``f`` is ``append``, ``w`` or ``r``; ``value`` is what was appended or
    written, or what was read (``None`` when the read is unknown: invocations, info, fail)."""

    f: str
    key: Key
    value: JSON


@dataclass(frozen=True, kw_only=True, slots=True)
class Txn:
    """A transaction: ``id`` is its position among the history's txn operations; ``call`` and
    ``ret`` are history positions (``ret`` is None if it never completed)."""

    id: int
    process: int
    status: Status
    mops: tuple[MicroOp, ...]
    call: int
    ret: int | None
    call_time: int
    ret_time: int | None


def _bad(history: History, position: int | None, message: str) -> HistoryFormatError:
    line = None if position is None else history.line_of(position)
    if line is None and position is not None:
        message = f"{message} (history position {position})"
    return HistoryFormatError(message, file=history.source, line=line, field="value")


def _show(value: JSON) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_SCALAR = (str, int, float, bool, type(None))


def _mops(history: History, position: int | None, value: JSON, writes: frozenset[str],
          read_kind: str) -> tuple[MicroOp, ...]:
    if not isinstance(value, list):
        raise _bad(history, position, f"expected a list of micro-ops, got {_show(value)}")
    out: list[MicroOp] = []
    for i, mop in enumerate(value):
        if not isinstance(mop, list) or len(mop) != 3 or not isinstance(mop[0], str):
            raise _bad(history, position,
                       f"micro-op {i}: expected [f k v], got {_show(mop)}")
        spelled, key, v = mop
        named = micro_f(spelled)
        f = spelled if named is None else named.value  # Elle's name: r, w, append
        if not isinstance(key, _SCALAR):
            raise _bad(history, position, f"micro-op {i}: key must be a scalar, got {_show(key)}")
        if f in writes:
            if not isinstance(v, _SCALAR) or v is None:
                raise _bad(history, position,
                           f"micro-op {i}: [{f} k v] needs a scalar value, got {_show(v)}")
        elif f == "r":
            if read_kind == "list" and not (v is None or isinstance(v, list)):
                raise _bad(history, position,
                           f"micro-op {i}: a list-append read must be a list or nil, "
                           f"got {_show(v)}")
            if read_kind == "list" and isinstance(v, list) and not all(
                    isinstance(e, _SCALAR) for e in v):
                raise _bad(history, position,
                           f"micro-op {i}: list elements must be scalars, got {_show(v)}")
            if read_kind == "register" and not isinstance(v, _SCALAR):
                raise _bad(history, position,
                           f"micro-op {i}: a register read must be a scalar or nil, "
                           f"got {_show(v)}")
        else:
            allowed = spellings(*(MicroF(w) for w in sorted(writes)), MicroF.READ)
            raise _bad(history, position,
                       f"micro-op {i}: unknown f {spelled!r} (expected {allowed})")
        out.append(MicroOp(f=f, key=key, value=v))
    return tuple(out)


def read_txns(history: History, *, writes: frozenset[str], read_kind: str) -> list[Txn]:
    """The ``f: txn`` operations of ``history`` as :class:`Txn`, in invocation order.

    ``writes`` is the set of write micro-op names (``{"append"}`` or ``{"w"}``); ``read_kind`` is
    ``"list"`` or ``"register"``. Completed (ok) transactions take their micro-ops from the
    completion (reads filled in) and must keep the invocation's shape; others from the
    invocation. Raises :class:`HistoryFormatError` naming the file, line and field ``value`` for
    any micro-op that cannot be interpreted, and when the history has no txn operation at all.
    """
    txns: list[Txn] = []
    operations: list[Operation] = history.operations()
    for op in operations:
        if op.f != "txn":
            continue
        invoked = _mops(history, op.call, op.value, writes, read_kind)
        status = {OpType.OK: Status.OK, OpType.FAIL: Status.FAIL}.get(op.type, Status.INFO)
        mops = invoked
        if status is Status.OK:
            mops = _mops(history, op.ret, op.output, writes, read_kind)
            if len(mops) != len(invoked) or any(
                    a.f != b.f or a.key != b.key or (a.f != "r" and a.value != b.value)
                    for a, b in zip(invoked, mops, strict=True)):
                raise _bad(history, op.ret, "the completion's micro-ops differ from the "
                           "invocation's (only reads may be filled in)")
        else:
            mops = tuple(MicroOp(f=m.f, key=m.key, value=None) if m.f == "r" else m
                         for m in invoked)
        txns.append(Txn(id=len(txns), process=op.process, status=status, mops=mops,
                        call=op.call, ret=op.ret,
                        call_time=op.call_time, ret_time=op.ret_time))
    if not txns:
        raise HistoryFormatError("no txn operations (f txn) in the history: nothing to check",
                                 file=history.source, field="f")
    return txns


__all__ = ["Key", "MicroOp", "Status", "Txn", "Value", "read_txns"]
