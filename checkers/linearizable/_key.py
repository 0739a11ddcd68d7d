"""Checking one independent sub-history: encode, prune, search, and explain a failure."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from checkers.linearizable._model import (
    UNKNOWN,
    Frozen,
    Input,
    Model,
    Output,
    default_describe_operation,
    freeze,
)
from checkers.linearizable._prune import droppable
from checkers.linearizable._result import (
    Counterexample,
    KeyResult,
    OperationRef,
    PartialLinearization,
    StuckOperation,
    StuckReason,
    UnknownReason,
)
from checkers.linearizable._search import Outcome, Prefix, SearchResult, search
from checkers.linearizable._subhistory import Encoded, SubHistory, class_of, encode
from checkers.linearizable._table import ILLEGAL, UNSET, ModelError, Transitions
from checkers.verdict import Verdict
from harness.jsontypes import Scalar
from harness.ops import OpType

TAIL = 20
"""Operations shown at the end of each partial linearization."""
STUCK = 10
"""Stuck operations shown per partial linearization."""
ENUMERATE_STEPS = 100_000
"""Model steps allowed for enumerating a key's whole transition table (for pruning)."""
ENUMERATE_STATES = 2_000
"""Reachable states allowed for the pruning analysis (e.g. appends make them unbounded)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Budget:
    """Limits for one sub-history's search."""

    deadline: float | None
    max_configurations: int
    prune: bool | None
    """True: always prune; False: never; None: only when a first quick search does not decide."""
    clock: Callable[[], float]


def check_sub(sub: SubHistory, model: Model[Hashable], budget: Budget) -> KeyResult:
    """The verdict for one sub-history; never raises for a model's or a budget's sake."""
    started = budget.clock()
    n = len(sub.operations)

    def result(
        verdict: Verdict,
        *,
        pruned: int,
        configurations: int,
        reason: UnknownReason | None = None,
        detail: str | None = None,
        counterexample: Counterexample | None = None,
    ) -> KeyResult:
        return KeyResult(
            key=sub.key,
            group=sub.group,
            verdict=verdict,
            operations=n,
            pruned=pruned,
            configurations=configurations,
            seconds=budget.clock() - started,
            reason=reason,
            detail=detail,
            counterexample=counterexample,
        )

    if budget.deadline is not None and started > budget.deadline:
        return result(Verdict.UNKNOWN, pruned=0, configurations=0, reason=UnknownReason.NOT_STARTED)
    interned: dict[tuple[str, Frozen, Scalar, Output], int] = {}
    classes: list[tuple[Input, Output]] = []
    cls: list[int] = []
    for op in sub.operations:
        value = freeze(op.value)
        output: Output = UNKNOWN if op.type is OpType.INFO else freeze(op.output)
        raw = (op.f, value, op.key, output)
        c = interned.get(raw)
        if c is None:
            c = interned[raw] = len(classes)
            classes.append((Input(f=op.f, value=value, key=op.key), output))
        cls.append(c)
    try:
        table = Transitions(model, classes)
        outcome, enc = _decide(sub, table, cls, budget)
    except ModelError as e:
        return result(
            Verdict.UNKNOWN,
            pruned=0,
            configurations=0,
            reason=UnknownReason.MODEL_ERROR,
            detail=f"model {model.name!r} rejected {e}",
        )
    pruned = n - len(enc.members)
    if outcome.outcome is Outcome.LINEARIZABLE:
        return result(Verdict.VALID, pruned=pruned, configurations=outcome.configurations)
    if outcome.outcome is Outcome.NOT_LINEARIZABLE:
        try:
            counterexample = _counterexample(sub, model, table, enc, outcome.longest)
        except ModelError as e:  # cannot happen for states the search reached; be safe
            counterexample = None
            detail: str | None = f"could not explain: {e}"
        else:
            detail = None
        return result(
            Verdict.INVALID,
            pruned=pruned,
            configurations=outcome.configurations,
            counterexample=counterexample,
            detail=detail,
        )
    reason = (
        UnknownReason.TIME_LIMIT
        if outcome.outcome is Outcome.TIME_LIMIT
        else UnknownReason.MEMORY_LIMIT
    )
    longest = max((len(p.nodes) for p in outcome.longest), default=0)
    return result(
        Verdict.UNKNOWN,
        pruned=pruned,
        configurations=outcome.configurations,
        reason=reason,
        detail=f"{outcome.outcome.value} after {outcome.configurations} configurations; "
        f"longest partial linearization at a dead end: {longest} of {len(enc.members)} operations",
    )


def _decide(
    sub: SubHistory, table: Transitions, cls: list[int], budget: Budget
) -> tuple[SearchResult, Encoded]:
    """Prune if the model's table is small enough to enumerate, then search.

    In automatic mode the up-front enumeration gets a budget proportional to the sub-history's
    size (cheap for the small value domains of real tests); if that is not enough, a quick search
    without pruning runs first, and only if it does not decide is the table enumerated in full.
    """
    every = range(len(cls))
    full = encode(sub.operations, cls, every)

    def run(enc: Encoded, max_configurations: int) -> SearchResult:
        return search(
            enc,
            table,
            max_configurations=max_configurations,
            deadline=budget.deadline,
            clock=budget.clock,
        )

    def pruned() -> Encoded:
        drop = droppable(table, cls, full.det)
        members = [i for i in every if not drop[i]]
        return full if len(members) == len(cls) else encode(sub.operations, cls, members)

    if budget.prune is False or (budget.prune is None and all(full.det)):
        return run(full, budget.max_configurations), full
    cheap = ENUMERATE_STEPS if budget.prune else min(ENUMERATE_STEPS, 20 * len(cls) + 1000)
    if table.enumerate(cheap, ENUMERATE_STATES):
        enc = pruned()
        return run(enc, budget.max_configurations), enc
    if budget.prune is None:
        quick = min(budget.max_configurations, 10 * len(cls) + 10_000)
        first = run(full, quick)
        if first.outcome is not Outcome.MEMORY_LIMIT or quick == budget.max_configurations:
            return first, full
        if table.enumerate(ENUMERATE_STEPS, ENUMERATE_STATES):
            enc = pruned()
            return run(enc, budget.max_configurations), enc
    return run(full, budget.max_configurations), full


def _reference(sub: SubHistory, model: Model[Hashable], position: int) -> OperationRef:
    op = sub.operations[position]
    input, output = class_of(op)
    try:
        description = model.describe_operation(input, output)
    except Exception:  # a user's describe function must not lose the verdict
        description = default_describe_operation(input, output)
    return OperationRef(
        index=sub.indices[position],
        process=op.process,
        f=op.f,
        value=op.value,
        output=None if op.ret is None else op.output,
        type=op.type,
        call=op.call,
        ret=op.ret,
        description=description,
    )


def _describe_state(model: Model[Hashable], state: Hashable) -> str:
    try:
        return model.describe_state(state)
    except Exception:  # a user's describe function must not lose the verdict
        return repr(state)


def _counterexample(
    sub: SubHistory,
    model: Model[Hashable],
    table: Transitions,
    enc: Encoded,
    longest: tuple[Prefix, ...],
) -> Counterexample:
    prefixes = []
    for prefix in longest:
        done = set(prefix.ops)
        pending_returns = [
            enc.rank[2 * i + 1] for i in range(len(enc.cls)) if enc.det[i] and i not in done
        ]
        horizon = min(pending_returns, default=len(enc.order))
        candidates = [i for i in range(len(enc.cls)) if i not in done and enc.rank[2 * i] < horizon]
        candidates.sort(key=lambda i: enc.rank[2 * i])
        stuck = []
        for i in candidates[:STUCK]:
            after = table.rows[prefix.state][enc.cls[i]]
            if after == UNSET:
                after = table.compute(prefix.state, enc.cls[i])
            ref = _reference(sub, model, enc.members[i])
            if after == ILLEGAL:
                stuck.append(StuckOperation(operation=ref, reason=StuckReason.ILLEGAL))
            else:
                stuck.append(
                    StuckOperation(
                        operation=ref,
                        reason=StuckReason.DEAD_END,
                        next_state=_describe_state(model, table.states[after]),
                    )
                )
        prefixes.append(
            PartialLinearization(
                length=len(prefix.nodes),
                tail=tuple(_reference(sub, model, enc.members[i]) for i in prefix.ops[-TAIL:]),
                state=_describe_state(model, table.states[prefix.state]),
                stuck=tuple(stuck),
                stuck_total=len(candidates),
            )
        )
    return Counterexample(prefixes=tuple(prefixes))


__all__ = ["Budget", "check_sub"]
