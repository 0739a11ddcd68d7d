"""History positions the checkers point at (counterexamples, evidence, bad reads)."""

from __future__ import annotations

from collections.abc import Iterator

from checkers.counter import CounterResult
from checkers.eventual import SetResult
from checkers.linearizable import LinearizabilityResult
from reports._results import Results


def linearizable_positions(result: LinearizabilityResult) -> Iterator[int]:
    """Call positions of the operations in each key's counterexample."""
    for key in result.keys:
        if key.counterexample is None:
            continue
        for prefix in key.counterexample.prefixes:
            for op in prefix.tail:
                yield op.call
            for stuck in prefix.stuck:
                yield stuck.operation.call


def evidence_positions(result: SetResult | CounterResult) -> Iterator[int]:
    """Positions of the example ops of set and counter findings."""
    if isinstance(result, SetResult):
        for ops in result.evidence.values():
            for op in ops:
                yield op.index
    else:
        for error in result.errors:
            yield error.index


def focus_positions(results: Results) -> set[int]:
    """Every history position that some checker names."""
    out: set[int] = set()
    for c in results.checkers:
        if isinstance(c.result, LinearizabilityResult):
            out.update(linearizable_positions(c.result))
        elif isinstance(c.result, SetResult | CounterResult):
            out.update(evidence_positions(c.result))
    return out


__all__ = ["evidence_positions", "focus_positions", "linearizable_positions"]
