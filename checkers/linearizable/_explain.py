"""Counterexamples: what a failed search found, as data (bounded in size)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import replace

from checkers.linearizable._model import Model, default_describe_operation
from checkers.linearizable._narrate import Scene, Story, dead_end, narrate
from checkers.linearizable._result import (
    Counterexample,
    OperationRef,
    PartialLinearization,
    StuckOperation,
    StuckReason,
)
from checkers.linearizable._search import Prefix
from checkers.linearizable._subhistory import Encoded, SubHistory, class_of, ranks
from checkers.linearizable._table import ILLEGAL, UNSET, Transitions
from harness.kernel.valuetext import show

TAIL = 20
"""Operations shown at the end of each partial linearization."""
STUCK = 10
"""Stuck operations shown per partial linearization."""


def reference(sub: SubHistory, model: Model[Hashable], position: int) -> OperationRef:
    """The report's view of the sub-history's operation at ``position``."""
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
        return show(state)


def _related(sub: SubHistory, model: Model[Hashable], story: Story) -> tuple[OperationRef, ...]:
    return tuple(reference(sub, model, p) for p in dict.fromkeys(story.related))


def explain_failure(
    sub: SubHistory,
    model: Model[Hashable],
    table: Transitions,
    enc: Encoded,
    longest: tuple[Prefix, ...],
) -> Counterexample:
    """For each longest partial linearization: its last operations, the state after it, and the
    operations that were candidates next (each illegal there, or a dead end)."""
    prefixes = []
    rank = ranks(enc)
    for prefix in longest:
        done = set(prefix.ops)
        pending_returns = [
            rank[2 * i + 1] for i in range(len(enc.cls)) if enc.det[i] and i not in done
        ]
        horizon = min(pending_returns, default=len(enc.order))
        candidates = [i for i in range(len(enc.cls)) if i not in done and rank[2 * i] < horizon]
        candidates.sort(key=lambda i: rank[2 * i])
        stuck = []
        linearized = [enc.members[i] for i in prefix.ops]
        for i in candidates[:STUCK]:
            after = table.rows[prefix.state][enc.cls[i]]
            if after == UNSET:
                after = table.compute(prefix.state, enc.cls[i])
            ref = reference(sub, model, enc.members[i])
            scene = Scene(model=model, operations=sub.operations, linearized=linearized,
                          state=table.states[prefix.state], has_state=True,
                          stuck=enc.members[i], history_index=sub.history_index)
            unhinted = _unhinted(table, prefix.state, enc.cls[i]) if after == ILLEGAL else None
            if after == ILLEGAL and unhinted is None:
                story = narrate(scene)
                stuck.append(StuckOperation(
                    operation=ref, reason=StuckReason.ILLEGAL, explanation=story.text,
                    related=_related(sub, model, story)))
            else:
                # A step ruled out only by the model's refine hint is allowed by the model
                # itself: it is a dead end (a later operation contradicts it), not illegal.
                reached = table.states[after] if unhinted is None else unhinted[0]
                next_state = _describe_state(model, reached)
                stuck.append(
                    StuckOperation(
                        operation=ref,
                        reason=StuckReason.DEAD_END,
                        next_state=next_state,
                        explanation=dead_end(scene, next_state).text,
                    )
                )
        prefixes.append(
            PartialLinearization(
                length=len(prefix.nodes),
                tail=tuple(reference(sub, model, enc.members[i]) for i in prefix.ops[-TAIL:]),
                state=_describe_state(model, table.states[prefix.state]),
                stuck=tuple(stuck),
                stuck_total=len(candidates),
            )
        )
    return Counterexample(prefixes=tuple(prefixes))


def _unhinted(table: Transitions, state: int, cls: int) -> tuple[Hashable] | None:
    """The state after class ``cls`` at ``state`` without its refine hint, if that is legal and
    the class has a hint (else None)."""
    input, output = table.classes[cls]
    if input.hint is None:
        return None
    try:
        legal, after = table.model.step(table.states[state], replace(input, hint=None), output)
    except Exception:
        return None
    return (after,) if legal else None


def impossible_counterexample(
    sub: SubHistory, model: Model[Hashable], enc: Encoded, impossible: int
) -> tuple[Counterexample, str]:
    """The explanation when an operation is illegal in every reachable state."""
    ref = reference(sub, model, enc.members[impossible])
    story = narrate(Scene(model=model, operations=sub.operations, linearized=(), state=None,
                          has_state=False, stuck=enc.members[impossible],
                          history_index=sub.history_index))
    detail = f"process {ref.process} {ref.description} is not allowed in any reachable state"
    prefix = PartialLinearization(
        length=0,
        tail=(),
        state="any reachable state",
        stuck=(StuckOperation(operation=ref, reason=StuckReason.ILLEGAL, explanation=story.text,
                              related=_related(sub, model, story)),),
        stuck_total=1,
    )
    return Counterexample(prefixes=(prefix,)), detail


__all__ = ["explain_failure", "impossible_counterexample", "reference"]
