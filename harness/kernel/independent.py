"""``jepsen.independent`` histories: values of the form ``[key value]``, split by key.

Jepsen's multi-key tests (``jepsen.independent``) and Maelstrom's ``lin-kv`` write one register (or
other object) per key into a single history, with every value a pair: a write of ``[k v]``, a read
invoked as ``[k nil]`` and completed as ``[k v]``, a cas of ``[k [old new]]``. Such a history is
checked as one sub-history per key (Jepsen's ``independent/checker``): this module turns each op's
value ``[k v]`` into the op ``key`` ``k`` and the value ``v``.

Detection (:attr:`Independence.AUTO`), on client invocations and ``ok`` completions:

- *pair-shaped*: a two-element list whose first element is a scalar; for ``cas``, the second
  element must itself be a two-element list (``[k [old new]]``; a plain cas is ``[old new]``);
- *independent evidence*: a pair-shaped invocation whose value is ``nil`` (``[k nil]``: a read,
  acquire, dequeue ...) or a ``cas`` of ``[k [old new]]``: shapes a single object's history does
  not have;
- *mixed invocations*: one operation (``f``) invoked with a pair in some ops and with another
  non-nil value in others (``write [0 1]`` and ``write 3``): a jepsen.independent history
  with some values not wrapped, or a single register holding values of both shapes. Which one
  it is cannot be told, so it is refused, never silently read as plain values;
- every op pair-shaped, with evidence: split; no op pair-shaped, or ops with keys already: leave
  the history as it is; pairs without evidence next to values of other shapes in other
  operations (a register of pairs, read with ``nil``): plain values; anything else (mixed
  invocations, evidence next to plain values, pairs everywhere without evidence) is ambiguous
  and refused (:class:`HistoryFormatError` naming the file, a line of each kind and the field
  ``value``), asking for ``--independent`` or ``--no-independent``.

:attr:`Independence.ON` splits and requires every client invocation to be a pair (an ``ok``
completion must be a pair with the same key); :attr:`Independence.OFF` never splits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from harness.kernel.edn import SetValue
from harness.kernel.errors import HistoryFormatError
from harness.kernel.history import History
from harness.kernel.jsontypes import JSON, Scalar
from harness.kernel.ops import Op, OpType
from harness.kernel.values import freeze
from harness.kernel.valuetext import show


class Independence(StrEnum):
    """Whether ``[key value]`` values are split by key."""

    AUTO = "auto"
    ON = "on"
    OFF = "off"


@dataclass(frozen=True, kw_only=True, slots=True)
class Split:
    """The history to check, and whether (and into how many keys) it was split."""

    history: History
    split: bool
    keys: int = 0


def _scalar(value: JSON) -> bool:
    return not isinstance(value, list | dict)


def _pair(value: JSON) -> bool:
    """``[k v]``: a two-element list (never an EDN set) whose first element is a scalar."""
    return (isinstance(value, list) and not isinstance(value, SetValue) and len(value) == 2
            and _scalar(value[0]))


def _shaped(op: Op) -> bool:
    if not _pair(op.value):
        return False
    if op.f == "cas":
        assert isinstance(op.value, list)
        inner = op.value[1]
        return isinstance(inner, list) and len(inner) == 2
    return True


def _evidence(op: Op) -> bool:
    assert isinstance(op.value, list)
    return op.type is OpType.INVOKE and (op.value[1] is None or op.f == "cas")


def _judged(op: Op) -> bool:
    """Ops whose values detection looks at: client invocations and ok completions."""
    return op.is_client and op.type in (OpType.INVOKE, OpType.OK)


def split_independent(history: History, mode: Independence = Independence.AUTO) -> Split:
    """The history with ``[k v]`` values split into ``key`` ``k`` and value ``v`` (see the module
    docstring for when). Raises :class:`HistoryFormatError` naming the line when ``mode`` is
    ``ON`` and an op is not a pair, or when ``AUTO`` finds the history ambiguous."""
    if mode is Independence.OFF:
        return Split(history=history, split=False)
    if mode is Independence.AUTO:
        if any(op.is_client and op.key is not None for op in history.ops):
            return Split(history=history, split=False)
        shaped: int | None = None
        plain: int | None = None
        evidence = False
        for position, op in enumerate(history.ops):
            if not _judged(op):
                continue
            if _shaped(op):
                shaped = position if shaped is None else shaped
                evidence = evidence or _evidence(op)
            elif plain is None:
                plain = position
        if shaped is None:
            return Split(history=history, split=False)
        mixed = _mixed_invocations(history)
        if mixed is not None:
            raise _ambiguous(history, *mixed, f=history.ops[mixed[0]].f)
        if not evidence and plain is not None:
            return Split(history=history, split=False)
        if plain is not None or not evidence:
            raise _ambiguous(history, shaped, plain)
    return _split(history)


def _mixed_invocations(history: History) -> tuple[int, int] | None:
    """The first operation ``f`` whose client invocations carry a ``[key value]`` pair in some
    ops and another (non-nil) value in others: the positions of the first of each, else None."""
    first: dict[str, tuple[int | None, int | None]] = {}
    for position, op in enumerate(history.ops):
        if not op.is_client or op.type is not OpType.INVOKE or op.value is None:
            continue
        pair, other = first.get(op.f, (None, None))
        if _shaped(op):
            pair = position if pair is None else pair
        else:
            other = position if other is None else other
        if pair is not None and other is not None:
            return pair, other
        first[op.f] = (pair, other)
    return None


def _ambiguous(history: History, shaped: int, plain: int | None,
               f: str | None = None) -> HistoryFormatError:
    where = f"line {history.line_of(shaped)}" if history.line_of(shaped) else f"op {shaped}"
    if plain is None:
        why = (
            f"every value is a [key value] pair (e.g. {where}: {show(history.ops[shaped].value)}) "
            "but no op shows that they are keys (a read of [key nil] or a cas of "
            "[key [old new]])"
        )
    else:
        other = f"line {history.line_of(plain)}" if history.line_of(plain) else f"op {plain}"
        which = "values" if f is None else f"{f!r} invocations"
        why = (
            f"some {which} are jepsen.independent [key value] pairs ({where}: "
            f"{show(history.ops[shaped].value)}) and some are not ({other}: "
            f"{show(history.ops[plain].value)})"
        )
    return HistoryFormatError(
        f"cannot tell whether this is a jepsen.independent history: {why}; pass "
        "--independent to split values by key, or --no-independent to check them whole",
        file=history.source,
        # the line where the second kind first appears (mixed invocations), else the plain one
        line=history.line_of(shaped if plain is None else max(shaped, plain) if f else plain),
        field="value",
    )


def _split(history: History) -> Split:
    ops: list[Op] = []
    pending: dict[int, Scalar] = {}
    keys: set[object] = set()
    for position, op in enumerate(history.ops):
        if not op.is_client:
            ops.append(op)
            continue
        assert isinstance(op.process, int)

        def bad(message: str, position: int = position, op: Op = op) -> HistoryFormatError:
            return HistoryFormatError(
                f"{message} (jepsen.independent values are [key value]), got {show(op.value)}",
                file=history.source,
                line=history.line_of(position),
                field="value",
            )

        if op.key is not None:
            raise bad("the op has a key field already; cannot split its value by key too")
        if op.type is OpType.INVOKE:
            if not _pair(op.value):
                raise bad("expected a [key value] pair")
            assert isinstance(op.value, list)
            key: Scalar = op.value[0]  # type: ignore[assignment]
            pending[op.process] = key
            keys.add(freeze(key))
            ops.append(replace(op, key=key, value=op.value[1]))
            continue
        key = pending.pop(op.process, None)
        if _pair(op.value):
            assert isinstance(op.value, list)
            if key is not None and freeze(op.value[0]) != freeze(key):
                raise bad(f"the completion's key differs from the invocation's {show(key)}")
            completed_key: Scalar = op.value[0]  # type: ignore[assignment]
            ops.append(replace(op, key=completed_key, value=op.value[1]))
        elif op.type is OpType.OK:
            raise bad("expected a [key value] pair in an ok completion")
        else:
            ops.append(replace(op, key=key))
    return Split(
        history=History(tuple(ops), source=history.source, lines=history.lines),
        split=True,
        keys=len(keys),
    )


__all__ = ["Independence", "Split", "split_independent"]
