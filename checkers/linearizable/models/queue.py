"""FIFO queue: ``enqueue`` (value) adds at the tail; ``dequeue`` returns the head.

A ``dequeue`` that returned ``None`` says the queue was empty.
"""

from __future__ import annotations

from checkers.linearizable._model import UNKNOWN, Frozen, Input, Model, Output, model

State = tuple[Frozen, ...]


def fifo_queue() -> Model[State]:
    """The FIFO queue model; the state is the queue's contents, head first."""

    def step(state: State, input: Input, output: Output) -> tuple[bool, State]:
        if input.f == "enqueue":
            return True, (*state, input.value)
        if input.f == "dequeue":
            if output is UNKNOWN:
                return bool(state), state[1:]
            if output is None:
                return not state, state
            return bool(state) and state[0] == output, state[1:]
        raise ValueError(f"fifo-queue: unknown operation {input.f!r} (expected enqueue, dequeue)")

    return model("fifo-queue", init=lambda: (), step=step)


__all__ = ["fifo_queue"]
