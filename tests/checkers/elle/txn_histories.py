"""Small transactional histories for tests, written as event lists."""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.kernel.history import History, history_of
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import Op, OpType

Mop = list[JSON]


def invoke_form(mops: list[Mop]) -> list[JSON]:
    """The invocation's micro-ops: reads unknown (nil)."""
    if not isinstance(mops, list):
        return mops
    return [[m[0], m[1], None] if m[0] == "r" else list(m) for m in mops]


@dataclass
class Builder:
    """Events in order: ``invoke`` then ``ok``/``fail``/``info`` per process."""

    ops: list[Op] = field(default_factory=list)
    pending: dict[int, list[Mop]] = field(default_factory=dict)

    def _add(self, t: OpType, p: int, value: JSON) -> Builder:
        i = len(self.ops)
        self.ops.append(Op(index=i, time=i * 1000, type=t, process=p, f="txn", value=value))
        return self

    def invoke(self, p: int, mops: list[Mop]) -> Builder:
        self.pending[p] = mops
        return self._add(OpType.INVOKE, p, invoke_form(mops))

    def ok(self, p: int) -> Builder:
        return self._add(OpType.OK, p, self.pending.pop(p))  # type: ignore[arg-type]

    def fail(self, p: int) -> Builder:
        return self._add(OpType.FAIL, p, invoke_form(self.pending.pop(p)))

    def info(self, p: int) -> Builder:
        return self._add(OpType.INFO, p, invoke_form(self.pending.pop(p)))

    def txn(self, p: int, mops: list[Mop]) -> Builder:
        """A whole committed transaction, alone in time."""
        return self.invoke(p, mops).ok(p)

    def history(self) -> History:
        return history_of(self.ops, source="test")


def serial(*txns: tuple[int, list[Mop]]) -> History:
    """Committed transactions one after the other."""
    b = Builder()
    for p, mops in txns:
        b.txn(p, mops)
    return b.history()


def concurrent(*txns: tuple[int, list[Mop]]) -> History:
    """Committed transactions all invoked first, then all completed (no real-time order)."""
    b = Builder()
    for p, mops in txns:
        b.invoke(p, mops)
    for p, _ in txns:
        b.ok(p)
    return b.history()
