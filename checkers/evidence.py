"""Whether a history holds anything to judge: ``valid`` needs evidence (DESIGN.md).

A checker can only find a history ``valid`` if some client operation certainly took effect. With
no client operation at all, or none that completed ``ok`` (every one ``fail``ed, which means it did
not happen, or is ``info``/never completed, which may mean it never happened), every model accepts
the history trivially: it is "valid on nothing". Jepsen and Knossos answer ``valid`` there;
Splitbrain answers ``unknown``, with :func:`lack_of_evidence` as the reason, and ``splitbrain
check`` exits 254 for it, as for a file with no operation at all (never 0, and never 2, which
means only "could not decide within the budget").
"""

from __future__ import annotations

from collections.abc import Iterable

from harness.kernel.history import Operation
from harness.kernel.ops import OpType


def lack_of_evidence(operations: Iterable[Operation]) -> str | None:
    """Why ``operations`` (client operations, paired) give nothing to judge, or ``None`` when at
    least one of them completed ``ok``.

    The reason is a sentence such as ``"no client operation completed ok (3 invoked: 1 failed,
    2 indeterminate): nothing to judge"``.
    """
    invoked = failed = 0
    for operation in operations:
        if operation.type is OpType.OK:
            return None
        invoked += 1
        failed += operation.type is OpType.FAIL
    if invoked == 0:
        return "no client operation: nothing to judge"
    return (f"no client operation completed ok ({invoked} invoked: {failed} failed, "
            f"{invoked - failed} indeterminate): nothing to judge")


__all__ = ["lack_of_evidence"]
