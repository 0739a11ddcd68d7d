"""How the checkers name operations, times and durations in their explanations.

One wording for every checker's sentences (``checkers/linearizable/_narrate.py``, the set and
counter checkers), printed alike by ``splitbrain check`` and the report: an operation is its call
as written (``write(4)``, ``cas(3, 5)``), its process, its history index and when it completed;
values are shown as users write them (:mod:`harness.kernel.valuetext`).
"""

from __future__ import annotations

from checkers.micro_ops import MicroF, micro_f
from harness.kernel.history import Operation
from harness.kernel.ops import OpType
from harness.kernel.valuetext import show, show_key


def seconds(ns: int | None) -> str:
    """``0.932 s``."""
    return "?" if ns is None else f"{ns / 1e9:.3f} s"


def interval(ns: int) -> str:
    """A duration: ``850 µs``, ``2 ms``, ``1.25 s``."""
    if ns < 1_000_000:
        return f"{ns / 1e3:.0f} µs"
    if ns < 1_000_000_000:
        return f"{ns / 1e6:.0f} ms"
    return f"{ns / 1e9:.2f} s"


def call_text(op: Operation) -> str:
    """The invocation as written: ``write(4)``, ``cas(3, 5)``, ``read()``, ``txn[w x 1]``."""
    value = op.value
    if isinstance(value, list) and op.f == "cas" and len(value) == 2:
        args = f"{show(value[0])}, {show(value[1])}"
    elif isinstance(value, list) and op.f == "txn":
        micros = [m for m in value if isinstance(m, list) and len(m) == 3]
        return "txn[" + ", ".join(
            f"{_name(m[0])} {show_key(m[1])}"
            + ("" if _reads(m[0]) else f" {show(m[2])}") for m in micros) + "]"
    else:
        args = "" if value is None else show(value)
    return f"{op.f}({args})"


def _reads(f: object) -> bool:
    """A transaction micro-op that reads (``read``, ``r``, ``:r``: :mod:`checkers.micro_ops`)."""
    return micro_f(f) is MicroF.READ


def _name(f: object) -> str:
    """A micro-op's function by Elle's short name (``r``, ``w``, ``append``)."""
    named = micro_f(f)
    return named.value if named is not None else show(f)


def named(op: Operation, *, index: int | None = None) -> str:
    """``write(4) of process 0 (index 31, completed at 0.932 s)``; indeterminate ops say so.
    ``index``: the invocation's history index (default: its position, ``op.call``)."""
    if op.type is OpType.INFO or op.ret_time is None:
        when = f"invoked at {seconds(op.call_time)}, indeterminate"
    elif op.type is OpType.FAIL:
        when = f"failed at {seconds(op.ret_time)}"
    else:
        when = f"completed at {seconds(op.ret_time)}"
    return f"{call_text(op)} of process {op.process} (index {_index(op, index)}, {when})"


def _index(op: Operation, index: int | None) -> int:
    return op.call if index is None else index


def short(op: Operation, *, index: int | None = None) -> str:
    """``write(4) (index 31)``, for an operation already named in the sentence."""
    return f"{call_text(op)} (index {_index(op, index)})"


__all__ = ["call_text", "interval", "named", "seconds", "short"]
