"""Key-value store with get/put/append, the model used to test Raft key-value course labs.

Each key is an independent object (the op ``key`` field). A missing key reads as ``""``, and a
``get`` that returned ``None`` is taken as ``""``. ``put`` replaces the value; ``append`` adds its
argument to the end. Values are strings.
"""

from __future__ import annotations

from checkers.linearizable._model import UNKNOWN, Input, InputError, Model, Output, model


def _string(input: Input) -> str:
    if type(input.value) is not str:
        raise InputError(f"kv: {input.f} value must be a string, got {input.value!r}")
    return input.value


def kv() -> Model[str]:
    """The get/put/append model."""

    def step(state: str, input: Input, output: Output) -> tuple[bool, str]:
        f = input.f
        if f == "get":
            if output is UNKNOWN:
                return True, state
            return (output if output is not None else "") == state, state
        if f == "put":
            return True, _string(input)
        if f == "append":
            return True, state + _string(input)
        raise InputError(f"kv: unknown operation {f!r} (expected get, put, append)", field="f")

    return model("kv", init=lambda: "", step=step)


__all__ = ["kv"]
