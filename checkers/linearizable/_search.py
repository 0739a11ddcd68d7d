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

from collections.abc import Callable, Generator
from dataclasses import dataclass
from enum import Enum

from checkers.linearizable._subhistory import Encoded
from checkers.linearizable._table import UNSET, Transitions

CHECK_EVERY = 2048
"""Iterations between two looks at the clock and the memo size."""
KEEP_PREFIXES = 3
"""How many distinct longest partial linearizations to keep for the counterexample."""
ALTERNATIVES_UP_TO = 2_000
"""Sub-histories up to this many operations keep alternatives to the longest one."""
STATE_BITS = 24
"""Bits for the state id in a stored configuration; a table with more states than this stops the
search with the memory limit."""
LOW_BITS = 32
"""Bits for the frontier (first unlinearized determinate operation) in a stored configuration."""


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


Steps = Generator[int, None, SearchResult]
"""A search that can be paused: each ``next()`` runs about ``CHECK_EVERY`` iterations and gives
the estimated bytes of configurations stored so far; the generator's return value
(``StopIteration.value``) is the result."""


def search(
    enc: Encoded,
    table: Transitions,
    *,
    max_configurations: int,
    max_memory: int,
    deadline: float | None,
    clock: Callable[[], float],
) -> SearchResult:
    """Decide whether the encoded sub-history is linearizable (or run out of budget), in one go
    (see :func:`search_steps`)."""
    return finish(
        search_steps(
            enc,
            table,
            max_configurations=max_configurations,
            max_memory=max_memory,
            deadline=deadline,
            clock=clock,
        )
    )


def finish(steps: Generator[int, None, SearchResult]) -> SearchResult:
    """Run a paused search (or anything that yields and returns a result) to its end."""
    try:
        while True:
            next(steps)
    except StopIteration as stop:
        result: SearchResult = stop.value
        return result


def search_steps(
    enc: Encoded,
    table: Transitions,
    *,
    max_configurations: int,
    max_memory: int,
    deadline: float | None,
    clock: Callable[[], float],
) -> Steps:
    """Decide whether the encoded sub-history is linearizable (or run out of budget), yielding
    every ``CHECK_EVERY`` iterations so that a scheduler can share time between sub-histories.

    A configuration is stored as one integer built from: the model state (``STATE_BITS`` bits);
    ``low``, the first determinate operation (in invocation order) not yet linearized
    (``LOW_BITS``); the set of linearized indeterminate operations (one bit each); and the set of
    linearized determinate operations shifted right by ``low`` (every bit below ``low`` is set by
    definition, so nothing is lost). Long histories thus cost memory for their frontier only.
    ``max_memory`` bounds the estimated bytes of the stored configurations.
    """
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
    # Determinate operations get dense numbers in invocation order, indeterminate ones their own.
    number = [0] * n
    n_det = n_info = 0
    for i in range(n):
        if det[i]:
            number[i] = n_det
            n_det += 1
        else:
            number[i] = n_info
            n_info += 1
    if n_det == 0:
        return SearchResult(outcome=Outcome.LINEARIZABLE, configurations=0, longest=())
    if n_det >= 1 << LOW_BITS:
        return SearchResult(outcome=Outcome.MEMORY_LIMIT, configurations=0, longest=())
    info_shift = STATE_BITS + LOW_BITS
    det_shift = info_shift + n_info
    info_bit = [(1 << number[i]) << info_shift if not det[i] else 0 for i in range(n)]
    det_done = bytearray(n_det + 1)  # sentinel at n_det stays 0
    op_done = bytearray(n)

    seen: set[int] = set()
    used = 0
    stack_nodes: list[int] = []
    stack_states: list[int] = []
    stack_lows: list[int] = []
    stack_rels: list[int] = []
    longest = _Longest(KEEP_PREFIXES - 1 if n <= ALTERNATIVES_UP_TO else 0)
    # bit number[i] - low: determinate operation i is linearized (all below low are)
    det_rel = 0
    info_part = 0  # bit number[i] + info_shift: indeterminate operation i is linearized
    low = 0
    remaining = n_det
    state = 0
    row = rows[0]
    entry = nxt[head]
    countdown = CHECK_EVERY
    while True:
        countdown -= 1
        if countdown == 0:
            countdown = CHECK_EVERY
            if len(seen) > max_configurations or used > max_memory:
                return _stopped(Outcome.MEMORY_LIMIT, seen, longest)
            if deadline is not None and clock() > deadline:
                return _stopped(Outcome.TIME_LIMIT, seen, longest)
            yield used
        if entry & 1 or entry == tail:
            # A completion (or the end): nothing before it can be linearized here. Backtrack.
            longest.dead_end(stack_nodes, state, (det_rel, low, info_part))
            if not stack_nodes:
                return SearchResult(
                    outcome=Outcome.NOT_LINEARIZABLE,
                    configurations=len(seen),
                    longest=longest.prefixes(),
                )
            entry = stack_nodes.pop()
            state = stack_states.pop()
            row = rows[state]
            low = stack_lows.pop()
            det_rel = stack_rels.pop()
            op = entry >> 1
            op_done[op] = 0
            if det[op]:
                det_done[number[op]] = 0
                ret = entry + 1
                nxt[prv[ret]] = ret
                prv[nxt[ret]] = ret
                remaining += 1
            else:
                info_part ^= info_bit[op]
            nxt[prv[entry]] = entry
            prv[nxt[entry]] = entry
            entry = nxt[entry]
            continue
        op = entry >> 1
        after = row[cls[op]]
        if after == UNSET:
            after = compute(state, cls[op])
            if after >= 1 << STATE_BITS:
                return _stopped(Outcome.MEMORY_LIMIT, seen, longest)
        if after >= 0:
            earlier = chain[op]
            if earlier < 0 or op_done[earlier]:
                if det[op]:
                    new_low = low
                    if number[op] == low:
                        new_low += 1
                        while det_done[new_low]:
                            new_low += 1
                        new_rel = det_rel >> (new_low - low)
                    else:
                        new_rel = det_rel | (1 << (number[op] - low))
                    config = (new_rel << det_shift) | info_part | (new_low << STATE_BITS) | after
                else:
                    config = (
                        (det_rel << det_shift)
                        | info_part
                        | info_bit[op]
                        | (low << STATE_BITS)
                        | after
                    )
                if config not in seen:
                    seen.add(config)
                    used += 80 + (config.bit_length() >> 3)
                    stack_nodes.append(entry)
                    stack_states.append(state)
                    stack_lows.append(low)
                    stack_rels.append(det_rel)
                    op_done[op] = 1
                    state = after
                    row = rows[state]
                    nxt[prv[entry]] = nxt[entry]
                    prv[nxt[entry]] = prv[entry]
                    if det[op]:
                        det_rel = new_rel
                        det_done[number[op]] = 1
                        low = new_low
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
                    else:
                        info_part |= info_bit[op]
                    entry = nxt[head]
                    continue
        entry = nxt[entry]


def _stopped(outcome: Outcome, seen: set[int], longest: _Longest) -> SearchResult:
    return SearchResult(outcome=outcome, configurations=len(seen), longest=longest.prefixes())


class _Longest:
    """The longest partial linearizations reached at dead ends.

    The longest one is kept incrementally: between two dead ends the stack changes only above
    ``water`` (one pop per backtrack, pushes above), so updating it costs what the stack moved,
    not its depth. Alternatives of the same length are copied whole, so they are kept only for
    small sub-histories.
    """

    def __init__(self, alternatives: int) -> None:
        self.length = -1
        self.nodes: list[int] = []
        self.state = 0
        self.sets: tuple[int, int, int] = (-1, -1, -1)
        self.others: list[tuple[tuple[int, int, int], Prefix]] = []
        self.alternatives = alternatives
        self.water = 0

    def dead_end(self, stack: list[int], state: int, sets: tuple[int, int, int]) -> None:
        """Called at each dead end, before the backtracking pop."""
        depth = len(stack)
        if depth > self.length:
            del self.nodes[self.water :]
            self.nodes.extend(stack[self.water :])
            self.water = depth
            self.length = depth
            self.state = state
            self.sets = sets
            self.others.clear()
        elif (
            depth == self.length
            and len(self.others) < self.alternatives
            and sets != self.sets
            and all(other != sets for other, _ in self.others)
        ):
            self.others.append((sets, Prefix(nodes=tuple(stack), state=state)))
        # The pop that follows lowers the unchanged part to depth - 1.
        self.water = max(0, min(self.water, depth - 1))

    def prefixes(self) -> tuple[Prefix, ...]:
        if self.length < 0:
            return ()
        first = Prefix(nodes=tuple(self.nodes), state=self.state)
        return (first, *(p for _, p in self.others))


__all__ = ["Outcome", "Prefix", "SearchResult", "Steps", "finish", "search", "search_steps"]
