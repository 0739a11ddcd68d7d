"""A brute-force linearizability checker for tiny histories: the reference for property tests.

It tries every order of the operations that respects real time, applying the model's ``step``
directly (no tables, no memo, no pruning, no partitioning). Every key is one component of a
product state, so the key split is tested too. An indeterminate operation may be placed anywhere
after its invocation, or left out; every determinate one must be placed.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from checkers.linearizable import UNKNOWN, Input, Model, Output, freeze
from harness.kernel.history import Operation
from harness.kernel.jsontypes import Scalar
from harness.kernel.ops import OpType


def brute_force_linearizable(operations: Sequence[Operation], model: Model[Hashable]) -> bool:
    ops = [op for op in operations if op.type is not OpType.FAIL]
    calls: list[tuple[Input, Output]] = []
    for op in ops:
        output: Output = UNKNOWN if op.type is OpType.INFO else freeze(op.output)
        calls.append((Input(f=op.f, value=freeze(op.value), key=op.key), output))
    determinate = [op.type is not OpType.INFO for op in ops]
    # must_precede[j]: determinate operations that returned before j was invoked.
    must_precede = [
        [i for i, a in enumerate(ops) if determinate[i] and a.ret is not None and a.ret < b.call]
        for b in ops
    ]
    init = model.init()

    def run(placed: frozenset[int], states: dict[Scalar, Hashable]) -> bool:
        # Success once every determinate operation is placed: unplaced indeterminate ones
        # "never took effect".
        if all(i in placed for i, d in enumerate(determinate) if d):
            return True
        for j in range(len(ops)):
            if j in placed or any(i not in placed for i in must_precede[j]):
                continue
            key = ops[j].key
            legal, after = model.step(states.get(key, init), *calls[j])
            if legal and run(placed | {j}, {**states, key: after}):
                return True
        return False

    return run(frozenset(), {})
