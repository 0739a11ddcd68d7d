"""The WGL search (Wing & Gong; Lowe 2017; as in Porcupine), over integers only.

Events sit in a doubly linked list in real-time order. The search walks the list from the head:
every invocation met before the first completion is a minimal candidate. Linearizing a candidate
(a legal step whose configuration ``(linearized set, state)`` was never seen) lifts its invocation
and completion out of the list and restarts from the head; meeting a completion means its operation
cannot be linearized any later, so the search backtracks. Indeterminate operations have no
completion: they stay candidates from their invocation on, and the search succeeds as soon as
every determinate operation is linearized, which is the "or never" half of their semantics.

The function knows nothing of keys, processes, pruning or reporting; it returns the verdict, the
number of configurations it stored, and the longest partial linearizations it reached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from checkers.linearizable._subhistory import Encoded
from checkers.linearizable._table import UNSET, Transitions

CHECK_EVERY = 2048
"""Iterations between two looks at the clock and the memo size."""
KEEP_PREFIXES = 3
"""How many distinct longest partial linearizations to keep for the counterexample."""
STATE_BITS = 24
"""A configuration is stored as one integer, ``linearized << STATE_BITS | state``; a table with
more states than this stops the search with the memory limit."""


class Outcome(Enum):
    """How a search ended."""

    LINEARIZABLE = "linearizable"
    NOT_LINEARIZABLE = "not linearizable"
    TIME_LIMIT = "time limit"
    MEMORY_LIMIT = "memory limit"


@dataclass(frozen=True, kw_only=True, slots=True)
class Prefix:
    """A partial linearization: the invocation nodes (``2 * op``) in order, and the state after."""

    nodes: tuple[int, ...]
    state: int

    @property
    def ops(self) -> tuple[int, ...]:
        """The encoded operation numbers, in linearization order."""
        return tuple(node >> 1 for node in self.nodes)


@dataclass(frozen=True, kw_only=True, slots=True)
class SearchResult:
    outcome: Outcome
    configurations: int
    longest: tuple[Prefix, ...]


def search(
    enc: Encoded,
    table: Transitions,
    *,
    max_configurations: int,
    deadline: float | None,
    clock: Callable[[], float],
) -> SearchResult:
    """Decide whether the encoded sub-history is linearizable (or run out of budget)."""
    n = len(enc.cls)
    head, tail = 2 * n, 2 * n + 1
    nxt = [tail] * (2 * n + 2)
    prv = [head] * (2 * n + 2)
    previous = head
    for node in enc.order:
        nxt[previous] = node
        prv[node] = previous
        previous = node
    nxt[previous] = tail
    prv[tail] = previous

    cls = enc.cls
    det = enc.det
    chain = enc.chain
    rows = table.rows
    compute = table.compute
    n_bits = [1 << (i + STATE_BITS) for i in range(n)]
    done = bytearray(n)
    remaining = sum(det)
    if remaining == 0:
        return SearchResult(outcome=Outcome.LINEARIZABLE, configurations=0, longest=())

    seen: set[int] = set()
    stack_nodes: list[int] = []
    stack_states: list[int] = []
    best_len = -1
    best: list[tuple[int, Prefix]] = []
    linearized = 0  # bit i + STATE_BITS: operation i is linearized
    state = 0
    entry = nxt[head]
    countdown = CHECK_EVERY
    while True:
        countdown -= 1
        if countdown == 0:
            countdown = CHECK_EVERY
            if len(seen) > max_configurations:
                return _stopped(Outcome.MEMORY_LIMIT, seen, best)
            if deadline is not None and clock() > deadline:
                return _stopped(Outcome.TIME_LIMIT, seen, best)
        if entry & 1 or entry == tail:
            # A completion (or the end): nothing before it can be linearized here. Backtrack.
            depth = len(stack_nodes)
            if depth > best_len or (
                depth == best_len
                and len(best) < KEEP_PREFIXES
                and all(lin != linearized for lin, _ in best)
            ):
                if depth > best_len:
                    best_len = depth
                    best.clear()
                best.append((linearized, Prefix(nodes=tuple(stack_nodes), state=state)))
            if not stack_nodes:
                return SearchResult(
                    outcome=Outcome.NOT_LINEARIZABLE,
                    configurations=len(seen),
                    longest=tuple(p for _, p in best),
                )
            entry = stack_nodes.pop()
            state = stack_states.pop()
            op = entry >> 1
            linearized ^= n_bits[op]
            done[op] = 0
            if det[op]:
                ret = entry + 1
                nxt[prv[ret]] = ret
                prv[nxt[ret]] = ret
                remaining += 1
            nxt[prv[entry]] = entry
            prv[nxt[entry]] = entry
            entry = nxt[entry]
            continue
        op = entry >> 1
        after = rows[state][cls[op]]
        if after == UNSET:
            after = compute(state, cls[op])
            if after >= 1 << STATE_BITS:
                return _stopped(Outcome.MEMORY_LIMIT, seen, best)
        if after >= 0:
            earlier = chain[op]
            if earlier < 0 or done[earlier]:
                config = (linearized | n_bits[op]) | after
                if config not in seen:
                    seen.add(config)
                    stack_nodes.append(entry)
                    stack_states.append(state)
                    linearized |= n_bits[op]
                    done[op] = 1
                    state = after
                    nxt[prv[entry]] = nxt[entry]
                    prv[nxt[entry]] = prv[entry]
                    if det[op]:
                        ret = entry + 1
                        nxt[prv[ret]] = nxt[ret]
                        prv[nxt[ret]] = prv[ret]
                        remaining -= 1
                        if remaining == 0:
                            return SearchResult(
                                outcome=Outcome.LINEARIZABLE,
                                configurations=len(seen),
                                longest=(),
                            )
                    entry = nxt[head]
                    continue
        entry = nxt[entry]


def _stopped(outcome: Outcome, seen: set[int], best: list[tuple[int, Prefix]]) -> SearchResult:
    return SearchResult(
        outcome=outcome, configurations=len(seen), longest=tuple(p for _, p in best)
    )


__all__ = ["Outcome", "Prefix", "SearchResult", "search"]
