"""Set: ``add`` (value) inserts an element; ``read`` returns all elements (in any order)."""

from __future__ import annotations

from checkers.linearizable._model import UNKNOWN, Frozen, Input, Model, Output, model

State = frozenset[Frozen]


def set_model() -> Model[State]:
    """The grow-only set model."""

    def step(state: State, input: Input, output: Output) -> tuple[bool, State]:
        if input.f == "add":
            return True, state | {input.value}
        if input.f == "read":
            if output is UNKNOWN:
                return True, state
            if not isinstance(output, tuple):
                raise ValueError(f"set: read must return a list, got {output!r}")
            return frozenset(output) == state, state
        raise ValueError(f"set: unknown operation {input.f!r} (expected add, read)")

    return model(
        "set",
        init=frozenset,
        step=step,
        describe_state=lambda s: "{" + ", ".join(sorted(repr(v) for v in s)) + "}",
    )


__all__ = ["set_model"]
