"""Set: ``add`` (value) inserts an element; ``read`` returns all elements (a list in any order,
or an EDN set ``#{...}``; either is compared with the state as a set of elements).

Pruning rule: a crashed ``add`` of a value that no successful ``read`` returned can be dropped.
In a linearization where it took effect, the value is in the set from then on, so no successful
read comes after it; removing it changes no successful read. The converse holds because the
crashed add may never have happened.
"""

from __future__ import annotations

from collections.abc import Sequence

from checkers.linearizable._model import UNKNOWN, Frozen, Input, InputError, Model, Output, model
from harness.kernel.values import FrozenSetValue
from harness.kernel.valuetext import show

State = frozenset[Frozen]


def set_model() -> Model[State]:
    """The grow-only set model."""

    def step(state: State, input: Input, output: Output) -> tuple[bool, State]:
        if input.f == "add":
            return True, state | {input.value}
        if input.f == "read":
            if output is UNKNOWN:
                return True, state
            if type(output) is not tuple and type(output) is not FrozenSetValue:
                raise InputError(
                    f"set: read must return a list or a set, got {show(output)}",
                    completion=True,
                )
            return frozenset(output) == state, state
        raise InputError(f"set: unknown operation {input.f!r} (expected add, read)", field="f")

    return model(
        "set",
        init=frozenset,
        step=step,
        describe_state=show,
        prunable=unobserved_adds,
    )


def unobserved_adds(operations: Sequence[tuple[Input, Output]]) -> list[bool]:
    """Crashed adds of values no successful read returned (see the module's docstring)."""
    seen: set[Frozen] = set()
    for input, out in operations:
        if input.f == "read" and (type(out) is tuple or type(out) is FrozenSetValue):
            seen.update(out)
    return [
        input.f == "add" and out is UNKNOWN and input.value not in seen for input, out in operations
    ]


__all__ = ["set_model", "unobserved_adds"]
