"""FIFO queue: ``enqueue`` (value) adds at the tail; ``dequeue`` returns the head.

A ``dequeue`` that returned ``None`` says the queue was empty.

Pruning rule: a crashed ``enqueue`` of a value that no successful ``dequeue`` returned can be
dropped. Take a linearization where it took effect. Its element is never the head at a
successful dequeue of another value, nor in the queue at an empty dequeue (it would be the head,
or the queue would not be empty), so it is either still queued at the end or removed by a crashed
dequeue. Drop the enqueue and that crashed dequeue ("never"): every other operation sees the same
head and the same emptiness, so the rest is a linearization. The converse holds because the
crashed enqueue may never have happened.
"""

from __future__ import annotations

from collections.abc import Sequence

from checkers.linearizable._model import UNKNOWN, Frozen, Input, InputError, Model, Output, model

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
        raise InputError(
            f"fifo-queue: unknown operation {input.f!r} (expected enqueue, dequeue)", field="f"
        )

    return model("fifo-queue", init=lambda: (), step=step, prunable=unobserved_enqueues)


def unobserved_enqueues(operations: Sequence[tuple[Input, Output]]) -> list[bool]:
    """Crashed enqueues of values no successful dequeue returned (see the module's docstring)."""
    dequeued = {out for input, out in operations if input.f == "dequeue" and out is not UNKNOWN}
    return [
        input.f == "enqueue" and out is UNKNOWN and input.value not in dequeued
        for input, out in operations
    ]


__all__ = ["fifo_queue", "unobserved_enqueues"]
