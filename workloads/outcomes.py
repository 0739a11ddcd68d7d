"""Which client exceptions mean what: certainly not applied (``fail``) or maybe applied (``info``).

Reads change nothing, so an indeterminate read is safely recorded as ``fail``.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.kernel.jsontypes import JSON
from harness.kernel.ops import Op, OpType
from harness.kernel.protocols import complete

READ_FS = frozenset({"read", "final-read"})


@dataclass(frozen=True, kw_only=True, slots=True)
class Errors:
    definite: tuple[type[BaseException], ...]
    """Exceptions after which the operation certainly did not take effect."""
    indeterminate: tuple[type[BaseException], ...]
    """Exceptions after which it may have."""

    def completion(self, op: Op, error: BaseException, node: str | None) -> Op | None:
        """The completion ``error`` stands for, or None if it is not one of ours (re-raise)."""
        kind: OpType
        if isinstance(error, self.definite):
            kind = OpType.FAIL
        elif isinstance(error, self.indeterminate):
            kind = OpType.FAIL if op.f in READ_FS else OpType.INFO
        else:
            return None
        value: JSON = None
        return complete(op, kind, value, error=describe(error), node=node)


def describe(e: BaseException) -> str:
    return str(e) or type(e).__name__


__all__ = ["READ_FS", "Errors", "describe"]
