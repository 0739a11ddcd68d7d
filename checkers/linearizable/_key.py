"""Checking one independent sub-history: encode, prune, search, and explain a failure."""

from __future__ import annotations

from collections.abc import Callable, Generator, Hashable
from dataclasses import dataclass

from checkers.linearizable._explain import explain_failure, impossible_counterexample
from checkers.linearizable._model import (
    UNKNOWN,
    Frozen,
    Input,
    InputError,
    Model,
    Output,
    freeze,
)
from checkers.linearizable._prune import droppable
from checkers.linearizable._result import (
    Counterexample,
    InputProblem,
    KeyResult,
    UnknownReason,
)
from checkers.linearizable._search import Outcome, SearchResult, Steps, search_steps
from checkers.linearizable._subhistory import Encoded, SubHistory, encode
from checkers.linearizable._table import ILLEGAL, ModelError, Transitions
from checkers.verdict import Verdict
from harness.kernel.jsontypes import Scalar
from harness.kernel.ops import OpType

ENUMERATE_STEPS = 100_000
"""Model steps allowed for enumerating a key's whole transition table (for pruning)."""
ENUMERATE_STATES = 2_000
"""Reachable states allowed for the pruning analysis (e.g. appends make them unbounded)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Budget:
    """Limits for one sub-history's search."""

    deadline: float | None
    max_configurations: int
    max_memory: int
    """Estimated bytes of stored configurations, per sub-history."""
    prune: bool | None
    """True: always try; False: never; None: when the model's table is cheap to enumerate, or
    when a quick search without pruning does not decide."""
    clock: Callable[[], float]


def check_sub(sub: SubHistory, model: Model[Hashable], budget: Budget) -> KeyResult:
    """The verdict for one sub-history; never raises for a model's or a budget's sake."""
    steps = check_sub_steps(sub, model, budget)
    try:
        while True:
            next(steps)
    except StopIteration as stop:
        result: KeyResult = stop.value
        return result


KeySteps = Generator[int, None, KeyResult]
"""A key's check that can be paused between search steps (see :func:`check_sub_steps`)."""


def check_sub_steps(sub: SubHistory, model: Model[Hashable], budget: Budget) -> KeySteps:
    """:func:`check_sub`, yielding (the estimated bytes its search holds) every few thousand
    search iterations so that a scheduler can share the budget between keys; returns the
    :class:`KeyResult`."""
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
        problem: InputProblem | None = None,
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
            problem=problem,
        )

    if budget.deadline is not None and started > budget.deadline:
        return result(Verdict.UNKNOWN, pruned=0, configurations=0, reason=UnknownReason.NOT_STARTED)
    raws: list[tuple[str, Frozen, Scalar, Output]] = []
    for op in sub.operations:
        indeterminate = op.type is OpType.INFO or op.ret is None
        output: Output = UNKNOWN if indeterminate else freeze(op.output)
        raws.append((op.f, freeze(op.value), op.key, output))
    if budget.prune is False or model.prunable is None:
        base = list(range(n))
    else:
        base = _model_pruning(model, raws)
    hints = _refined(model, raws, base)
    # Classes of the kept operations only, so that the table covers only what can happen.
    interned: dict[tuple[str, Frozen, Scalar, Output, Frozen], int] = {}
    classes: list[tuple[Input, Output]] = []
    cls: list[int] = [-1] * n
    for position in base:
        f, value, key, output = raws[position]
        raw = (f, value, key, output, hints.get(position))
        c = interned.get(raw)
        if c is None:
            c = interned[raw] = len(classes)
            classes.append((Input(f=f, value=value, key=key, hint=raw[4]), output))
        cls[position] = c
    try:
        table = Transitions(model, classes)
        # Every operation is offered to the model once up front, so that an operation it cannot
        # interpret is reported as bad input whatever the search would have reached.
        for c in range(len(classes)):
            table.compute(0, c)
        outcome, enc, impossible = yield from _decide(sub, table, cls, base, budget)
    except ModelError as e:
        return result(
            Verdict.UNKNOWN,
            pruned=0,
            configurations=0,
            reason=UnknownReason.MODEL_ERROR,
            detail=f"model {model.name!r} rejected {e}",
            problem=_problem(sub, cls, e),
        )
    pruned = n - len(enc.members)
    if outcome.outcome is Outcome.LINEARIZABLE:
        return result(Verdict.VALID, pruned=pruned, configurations=outcome.configurations)
    if outcome.outcome is Outcome.NOT_LINEARIZABLE:
        detail: str | None = None
        counterexample: Counterexample | None
        if impossible is not None:
            counterexample, detail = impossible_counterexample(sub, model, enc, impossible)
        else:
            try:
                counterexample = explain_failure(sub, model, table, enc, outcome.longest)
            except ModelError as e:  # cannot happen for states the search reached; be safe
                counterexample = None
                detail = f"could not explain: {e}"
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


def _problem(sub: SubHistory, cls: list[int], error: ModelError) -> InputProblem:
    """The first operation of the class the model rejected, and the field at fault."""
    position = cls.index(error.cls) if error.cls in cls else 0
    cause = error.cause
    field = cause.field if isinstance(cause, InputError) else "value"
    completion = cause.completion if isinstance(cause, InputError) else False
    if sub.operations and sub.operations[position].ret is None:
        completion = False  # an indeterminate operation has no completion value to blame
    return InputProblem(
        operation=sub.indices[position] if sub.indices else 0,
        field=field,
        completion=completion,
        message=str(cause) or type(cause).__name__,
    )


def _impossible(table: Transitions, enc: Encoded) -> int | None:
    """An encoded determinate operation that no reachable state allows, if any (the table must be
    fully enumerated): it can never be linearized, so the sub-history is not linearizable."""
    rows = table.rows
    classes = {c for c, d in zip(enc.cls, enc.det, strict=True) if d}
    impossible = {c for c in classes if all(row[c] == ILLEGAL for row in rows)}
    if not impossible:
        return None
    return next(i for i, c in enumerate(enc.cls) if enc.det[i] and c in impossible)


def _refined(
    model: Model[Hashable], raws: list[tuple[str, Frozen, Scalar, Output]], base: list[int]
) -> dict[int, Frozen]:
    """The model's hints for the kept operations, by position (none if it has no refine hook)."""
    if model.refine is None:
        return {}
    pairs = [(Input(f=raws[p][0], value=raws[p][1], key=raws[p][2]), raws[p][3]) for p in base]
    try:
        hints = list(model.refine(pairs))
    except Exception:  # a user's refine bug must not lose the verdict: no hints
        return {}
    if len(hints) != len(base):
        return {}
    return {p: h for p, h in zip(base, hints, strict=True) if h is not None}


def _model_pruning(
    model: Model[Hashable], raws: list[tuple[str, Frozen, Scalar, Output]]
) -> list[int]:
    """Positions kept after the model's own pruning rule."""
    every = list(range(len(raws)))
    if model.prunable is None:
        return every
    pairs = [(Input(f=f, value=value, key=key), output) for f, value, key, output in raws]
    try:
        drop = list(model.prunable(pairs))
    except Exception:  # a user's pruning bug must not lose the verdict: prune nothing
        return every
    if len(drop) != len(raws):
        return every
    return [i for i in every if not drop[i]]


def _decide(
    sub: SubHistory, table: Transitions, cls: list[int], base: list[int], budget: Budget
) -> Generator[int, None, tuple[SearchResult, Encoded, int | None]]:
    """Prune if the model's table is small enough to enumerate, then search.

    ``base``: the positions left after the model's own pruning. In automatic mode the up-front
    enumeration gets a budget proportional to the sub-history's size (cheap for the small value
    domains of real tests); if that is not enough, a quick search without pruning runs first,
    and only if it does not decide is the table enumerated in full.
    """
    full = encode(sub.operations, cls, base)
    size = len(base)

    def run(enc: Encoded, max_configurations: int) -> Steps:
        return search_steps(
            enc,
            table,
            max_configurations=max_configurations,
            max_memory=budget.max_memory,
            deadline=budget.deadline,
            clock=budget.clock,
        )

    def pruned() -> Encoded:
        drop = droppable(table, full.cls, full.det)
        members = [p for p, dropped in zip(base, drop, strict=True) if not dropped]
        return full if len(members) == size else encode(sub.operations, cls, members)

    quick = min(budget.max_configurations, 10 * size + 10_000)

    def enumerated() -> Generator[int, None, tuple[SearchResult, Encoded, int | None]]:
        enc = pruned()
        impossible = _impossible(table, enc)
        if impossible is None:
            return (yield from run(enc, budget.max_configurations)), enc, None
        # Not linearizable whatever the search says; it only looks for a better explanation.
        first = yield from run(enc, quick)
        if first.outcome is Outcome.NOT_LINEARIZABLE:
            return first, enc, None
        verdict = SearchResult(
            outcome=Outcome.NOT_LINEARIZABLE, configurations=first.configurations, longest=()
        )
        return verdict, enc, impossible

    if budget.prune is False or (budget.prune is None and all(full.det)):
        return (yield from run(full, budget.max_configurations)), full, None
    cheap = ENUMERATE_STEPS if budget.prune else min(ENUMERATE_STEPS, 20 * size + 1000)
    if table.enumerate(cheap, ENUMERATE_STATES):
        return (yield from enumerated())
    if budget.prune is None:
        first = yield from run(full, quick)
        if first.outcome is not Outcome.MEMORY_LIMIT or quick == budget.max_configurations:
            return first, full, None
        if table.enumerate(ENUMERATE_STEPS, ENUMERATE_STATES):
            return (yield from enumerated())
    return (yield from run(full, budget.max_configurations)), full, None


__all__ = ["Budget", "KeySteps", "check_sub", "check_sub_steps"]
