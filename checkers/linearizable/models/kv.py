"""Key-value store with get/put/append, the model used to test Raft key-value course labs.

Each key is an independent object (the op ``key`` field). A missing key reads as ``""``, and a
``get`` that returned ``None`` is taken as ``""``. ``put`` replaces the value; ``append`` adds its
argument to the end. Values are strings.

Refinement (:func:`append_states`), which makes appends cheap to search. Within one key, take a
``get`` whose output ``o`` can be split in exactly one way into an optional ``put`` value
followed by non-empty ``append`` values of the key (a *factorization*; counted with repetition
allowed, so "exactly one" is conservative). In any legal linearization the state at that get is
``o``, built by the last put before it (if any) and the appends since, in order; leaving out
empty appends, that construction is a factorization of ``o``, so it is *the* factorization. Hence
an append whose value occurs in it, and which is the key's only append of that value, took
effect in exactly the state that precedes its value there. The append is hinted with that state,
and ``step`` allows it only there: no legal linearization is lost, and the search stops trying
orders of concurrent appends that a later get contradicts when it tries them, not at the get.
(Two gets that disagree about an append's prior state mean no legal linearization exists; either
hint keeps the verdict invalid.) Other appends get no hint.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence

from checkers.linearizable._model import (
    UNKNOWN,
    Frozen,
    Input,
    InputError,
    Model,
    Output,
    model,
)
from harness.kernel.valuetext import show

MAX_FACTORIZE = 1 << 20
"""Characters of get outputs factorized per sub-history at most (beyond, no hints)."""


def _string(input: Input) -> str:
    if type(input.value) is not str:
        raise InputError(f"kv: {input.f} value must be a string, got {show(input.value)}")
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
            if input.hint is not None and input.hint != state:
                return False, state
            return True, state + _string(input)
        raise InputError(f"kv: unknown operation {f!r} (expected get, put, append)", field="f")

    return model("kv", init=lambda: "", step=step, refine=append_states)


def _factorize(
    text: str, puts: set[str], appends: set[str], lengths: list[int]
) -> list[tuple[int, str]] | None:
    """The only factorization of ``text`` as [put] append*, as (start, append value) pairs; None
    if there is none or more than one."""
    n = len(text)
    ways: dict[int, int] = {0: 1}
    back: dict[int, tuple[int, str]] = {}
    for p in puts:
        if p and text.startswith(p):
            ways[len(p)] = min(2, ways.get(len(p), 0) + 1)
    frontier = list(ways)
    heapq.heapify(frontier)
    done = -1
    while frontier:
        i = heapq.heappop(frontier)
        if i == done or i >= n:
            continue
        done = i
        for length in lengths:
            j = i + length
            if j > n:
                break
            piece = text[i:j]
            if piece in appends:
                if j not in ways:
                    heapq.heappush(frontier, j)
                ways[j] = min(2, ways.get(j, 0) + ways[i])
                back[j] = (i, piece)
    if ways.get(n) != 1:
        return None
    out: list[tuple[int, str]] = []
    j = n
    while j > 0:
        step = back.get(j)
        if step is None:  # the rest is the put value that starts the string
            break
        out.append(step)
        j = step[0]
    out.reverse()
    return out


def append_states(operations: Sequence[tuple[Input, Output]]) -> list[Frozen]:
    """For each operation, the state its append must take effect in, if the gets show it (see
    the module's docstring), else None."""
    hints: list[Frozen] = [None] * len(operations)
    if any(type(i.value) is not str for i, _ in operations if i.f in ("put", "append")):
        return hints
    puts = {str(i.value) for i, _ in operations if i.f == "put" and i.value}
    counts = Counter(str(i.value) for i, _ in operations if i.f == "append" and i.value)
    appends = set(counts)
    if not appends:
        return hints
    lengths = sorted({len(v) for v in appends})
    prior: dict[str, str] = {}
    budget = MAX_FACTORIZE
    for input, output in operations:
        if input.f != "get" or output is UNKNOWN:
            continue
        if type(output) is not str or not output:
            continue
        text: str = output
        budget -= len(text)
        if budget < 0:
            return hints
        factors = _factorize(text, puts, appends, lengths)
        for start, value in factors or ():
            prior.setdefault(value, text[:start])
    for position, (input, _) in enumerate(operations):
        if input.f == "append" and type(input.value) is str and input.value in prior \
                and counts[input.value] == 1:
            hints[position] = prior[input.value]
    return hints


__all__ = ["append_states", "kv"]
