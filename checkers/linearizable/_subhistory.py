"""One independent sub-history, encoded for the search.

Operations keep their index in the checked operation list (for reporting). Events are ordered by
history position, an invocation before a completion at the same position (so that operations with
equal times count as concurrent, as in Porcupine). Indeterminate operations have no completion
event: they may be linearized at any point after their invocation, or never.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checkers.linearizable._model import UNKNOWN, Input, Output, freeze
from harness.kernel.history import Operation
from harness.kernel.jsontypes import Scalar
from harness.kernel.ops import OpType


@dataclass(frozen=True, kw_only=True, slots=True)
class SubHistory:
    """The operations of one key (or one model partition of a key)."""

    key: Scalar
    group: str | None
    indices: tuple[int, ...]
    """Each operation's index in the checked operation list."""
    operations: tuple[Operation, ...]
    history_index: tuple[int, ...] = ()
    """Each operation's history index (its invocation's ``index`` field, as explanations name
    it); empty when only operations were given (then the position ``call`` stands for it)."""


def class_of(operation: Operation) -> tuple[Input, Output]:
    """The model's view of an operation: its frozen input and output."""
    input = Input(f=operation.f, value=freeze(operation.value), key=operation.key)
    indeterminate = operation.type is OpType.INFO or operation.ret is None
    output: Output = UNKNOWN if indeterminate else freeze(operation.output)
    return input, output


@dataclass(frozen=True, kw_only=True, slots=True)
class Encoded:
    """A sub-history as integers: operation ``i`` has class ``cls[i]``; ``det[i]`` is False for
    indeterminate operations; ``order`` lists event nodes (``2i`` = call, ``2i + 1`` = return) in
    real-time order."""

    members: tuple[int, ...]
    """Positions (in the sub-history) of the operations kept after pruning."""
    cls: tuple[int, ...]
    det: tuple[bool, ...]
    order: tuple[int, ...]
    chain: tuple[int, ...]
    """For an indeterminate operation, the previous indeterminate operation of the same class in
    invocation order (-1 if none). Same-class indeterminate operations are interchangeable, so
    the search takes them in invocation order: any linearization using ``k`` of them can use the
    ``k`` earliest instead, each placed where the ``i``-th was (``i`` of them were invoked by
    then, so the ``i``-th earliest was too), with the same states."""


def encode(operations: Sequence[Operation], cls: Sequence[int], members: Sequence[int]) -> Encoded:
    """Encode the operations at ``members`` (positions in ``operations``)."""
    # Each event is one integer, ordered by (history position, invocation before completion),
    # with the event node in the low 32 bits.
    events: list[int] = []
    kept_cls: list[int] = []
    det: list[bool] = []
    for i, position in enumerate(members):
        op = operations[position]
        kept_cls.append(cls[position])
        node = 2 * i
        events.append((op.call << 33) | node)
        if op.type is not OpType.INFO and op.ret is not None:
            det.append(True)
            events.append((op.ret << 33) | (1 << 32) | node | 1)
        else:
            det.append(False)
    events.sort()
    order = [event & 0xFFFFFFFF for event in events]
    chain = [-1] * len(members)
    last: dict[int, int] = {}
    for node in order:
        i = node >> 1
        if node & 1 == 0 and not det[i]:
            chain[i] = last.get(kept_cls[i], -1)
            last[kept_cls[i]] = i
    return Encoded(
        members=tuple(members),
        cls=tuple(kept_cls),
        det=tuple(det),
        order=tuple(order),
        chain=tuple(chain),
    )


def ranks(enc: Encoded) -> dict[int, int]:
    """Each event node's position in the real-time order."""
    return {node: r for r, node in enumerate(enc.order)}


__all__ = ["Encoded", "SubHistory", "class_of", "encode", "ranks"]
