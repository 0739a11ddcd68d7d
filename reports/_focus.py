"""History positions the checkers point at (counterexamples, evidence, bad reads)."""

from __future__ import annotations

from collections.abc import Iterator

from harness.jsontypes import JSON
from reports._results import Results


def _dicts(value: JSON) -> Iterator[dict[str, JSON]]:
    if isinstance(value, dict):
        yield value
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, dict):
                yield v


def _int(value: JSON) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def linearizable_positions(data: dict[str, JSON]) -> Iterator[int]:
    """Call positions of the operations in each key's counterexample."""
    for key in _dicts(data.get("keys")):
        cx = key.get("counterexample")
        if not isinstance(cx, dict):
            continue
        for prefix in _dicts(cx.get("prefixes")):
            for op in _dicts(prefix.get("tail")):
                if (call := _int(op.get("call"))) is not None:
                    yield call
            for stuck in _dicts(prefix.get("stuck")):
                ref = stuck.get("operation")
                if isinstance(ref, dict) and (call := _int(ref.get("call"))) is not None:
                    yield call


def evidence_positions(data: dict[str, JSON]) -> Iterator[int]:
    """Positions of the example ops of set and counter findings."""
    evidence = data.get("evidence")
    if isinstance(evidence, dict):
        for ops in evidence.values():
            for op in _dicts(ops):
                if (index := _int(op.get("index"))) is not None:
                    yield index
    for op in _dicts(data.get("errors")):
        if (index := _int(op.get("index"))) is not None:
            yield index


def focus_positions(results: Results) -> set[int]:
    """Every history position that some checker names."""
    out: set[int] = set()
    for c in results.checkers:
        out.update(linearizable_positions(c.data))
        out.update(evidence_positions(c.data))
    return out


__all__ = ["evidence_positions", "focus_positions", "linearizable_positions"]
