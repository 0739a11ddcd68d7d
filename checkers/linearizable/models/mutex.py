"""Mutex: ``acquire`` succeeds only when free, ``release`` only when held (Knossos's mutex)."""

from __future__ import annotations

from checkers.linearizable._model import Input, InputError, Model, Output, model


def mutex() -> Model[bool]:
    """The mutex model; the state is ``True`` while held."""

    def step(state: bool, input: Input, output: Output) -> tuple[bool, bool]:
        if input.f == "acquire":
            return (not state), True
        if input.f == "release":
            return state, False
        raise InputError(
            f"mutex: unknown operation {input.f!r} (expected acquire, release)", field="f"
        )

    return model(
        "mutex",
        init=lambda: False,
        step=step,
        describe_state=lambda held: "held" if held else "free",
    )


__all__ = ["mutex"]
