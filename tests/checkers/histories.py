"""Build small histories for checker tests: ``H().call(...)`` returns a History in order."""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.kernel.history import History, history_of
from harness.kernel.jsontypes import JSON, Scalar
from harness.kernel.ops import Op, OpType


@dataclass
class H:
    """A tiny history builder; times are 10 ns per event unless given."""

    ops: list[Op] = field(default_factory=list)

    def _add(
        self,
        type_: OpType,
        process: int | str,
        f: str,
        value: JSON,
        *,
        node: str | None,
        key: Scalar,
        time: int | None,
    ) -> H:
        i = len(self.ops)
        t = time if time is not None else (self.ops[-1].time + 10 if self.ops else 0)
        self.ops.append(
            Op(index=i, time=t, type=type_, process=process, f=f, value=value, node=node, key=key)
        )
        return self

    def invoke(
        self,
        p: int,
        f: str,
        value: JSON = None,
        *,
        node: str | None = None,
        key: Scalar = None,
        time: int | None = None,
    ) -> H:
        return self._add(OpType.INVOKE, p, f, value, node=node, key=key, time=time)

    def ok(
        self,
        p: int,
        f: str,
        value: JSON = None,
        *,
        node: str | None = None,
        time: int | None = None,
    ) -> H:
        return self._add(OpType.OK, p, f, value, node=node, key=None, time=time)

    def fail(self, p: int, f: str, value: JSON = None, *, time: int | None = None) -> H:
        return self._add(OpType.FAIL, p, f, value, node=None, key=None, time=time)

    def info(self, p: int, f: str, value: JSON = None, *, time: int | None = None) -> H:
        return self._add(OpType.INFO, p, f, value, node=None, key=None, time=time)

    def nemesis(self, f: str, value: JSON = None, *, time: int | None = None) -> H:
        return self._add(OpType.INFO, "nemesis", f, value, node=None, key=None, time=time)

    def history(self) -> History:
        return history_of(self.ops)
