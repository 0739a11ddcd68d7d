"""The counter checker: every read lies within what the adds allow; replicas converge.

History shape: ``add`` ops (value: the delta, usually 1), ``read`` ops (completion value: the
counter) and, after heal and recovery, ``final-read`` ops, one per node.

For a read, an add is *definite* if it completed ``ok`` before the read was invoked; it is
*possible* if it was invoked before the read completed and did not ``fail`` (indeterminate adds
stay possible forever). The read must lie in ``[definite + sum of possible negative deltas,
definite + sum of possible positive deltas]``. Final reads must all agree.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from checkers.phrases import seconds
from checkers.result_json import Fields
from checkers.verdict import Verdict
from harness.kernel.bulk import gc_paused
from harness.kernel.history import History, Operation
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import OpType

EXAMPLES = 20


@dataclass(frozen=True, kw_only=True, slots=True)
class CounterError:
    """A read outside its bounds."""

    index: int
    process: int
    node: str | None
    value: int
    lower: int
    upper: int
    ret_time: int | None = None
    """When the read completed (ns since the test started)."""

    @property
    def explanation(self) -> str:
        when = "" if self.ret_time is None else f", completed at {seconds(self.ret_time)}"
        return (f"read of process {self.process} (index {self.index}{when}) returned "
                f"{self.value}, but the adds acknowledged before it and those in flight allow "
                f"only {self.lower} to {self.upper}")

    def to_json(self) -> dict[str, JSON]:
        return {
            "index": self.index,
            "process": self.process,
            "node": self.node,
            "value": self.value,
            "lower": self.lower,
            "upper": self.upper,
            "ret_time": self.ret_time,
            "explanation": self.explanation,
        }

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> CounterError:
        f = Fields(value, where)
        return cls(index=f.integer("index"), process=f.integer("process"),
                   node=f.opt_text("node"), value=f.integer("value"), lower=f.integer("lower"),
                   upper=f.integer("upper"), ret_time=f.opt_integer("ret_time"))


@dataclass(frozen=True, kw_only=True, slots=True)
class CounterResult:
    """What :func:`check_counter` found: the reads outside their bounds (``error_count`` in all,
    the first :data:`EXAMPLES` in ``errors``), the sums, and the final reads."""

    verdict: Verdict
    reads: int
    errors: tuple[CounterError, ...]
    error_count: int
    acknowledged_sum: int
    attempted_sum: int
    final_values: dict[str, int]
    converged: bool
    problems: tuple[str, ...] = ()

    @property
    def explanation(self) -> str | None:
        """Why it is invalid, in words (the CLI and the report print it)."""
        parts = []
        if self.errors:
            more = (f" ({self.error_count - 1} more read(s) out of bounds)"
                    if self.error_count > 1 else "")
            parts.append(f"{self.errors[0].explanation}{more}.")
        if not self.converged:
            values = ", ".join(f"{n} read {v}" for n, v in self.final_values.items())
            parts.append(f"The final reads disagree: {values}.")
        return " ".join(parts) or None

    def describe_anomalies(self) -> list[str]:
        """What makes the verdict invalid, in words (:class:`checkers.anomalies.DescribesAnomalies`
        )."""
        if self.verdict is not Verdict.INVALID:
            return []
        out = []
        if self.errors:
            out.append(f"{self.error_count} reads outside the counter's bounds")
        if not self.converged:
            out.append("replicas did not converge")
        return out

    def to_json(self) -> dict[str, JSON]:
        return {
            "checker": "counter",
            "verdict": self.verdict.value,
            "explanation": self.explanation,
            "reads": self.reads,
            "error_count": self.error_count,
            "errors": [e.to_json() for e in self.errors],
            "acknowledged_sum": self.acknowledged_sum,
            "attempted_sum": self.attempted_sum,
            "final_values": dict(self.final_values),
            "converged": self.converged,
            "problems": list(self.problems),
        }

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> CounterResult:
        """The result as :meth:`to_json` wrote it (``explanation`` is derived)."""
        f = Fields(value, where)
        return cls(verdict=f.verdict(), reads=f.integer("reads"),
                   errors=f.objects("errors", CounterError.from_json),
                   error_count=f.integer("error_count"),
                   acknowledged_sum=f.integer("acknowledged_sum"),
                   attempted_sum=f.integer("attempted_sum"),
                   final_values=f.int_map("final_values"), converged=f.flag("converged"),
                   problems=f.strs("problems", optional=True))


def _delta(o: Operation) -> int | None:
    v = o.value
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _prefix_parts(deltas: list[int]) -> tuple[list[int], list[int]]:
    pos, neg = [0], [0]
    for d in deltas:
        pos.append(pos[-1] + max(d, 0))
        neg.append(neg[-1] + min(d, 0))
    return pos, neg


@gc_paused()  # millions of live ops: each full collection would walk them all
def check_counter(history: History) -> CounterResult:
    """Judge a counter history (see the module docstring)."""
    ops = history.operations()
    problems: list[str] = []
    adds = [o for o in ops if o.f == "add" and o.type is not OpType.FAIL]
    bad_adds = [o for o in adds if _delta(o) is None]
    if bad_adds:
        problems.append(f"{len(bad_adds)} add op(s) without an integer delta were ignored")
        adds = [o for o in adds if _delta(o) is not None]
    reads = [o for o in ops if o.f in ("read", "final-read") and o.type is OpType.OK]

    # Definite adds, ordered by completion position; possible adds, by invocation position.
    # Prefix sums of their positive and negative parts make each read's bounds O(log n).
    by_ret = sorted(
        (o.ret, _delta(o) or 0) for o in adds if o.type is OpType.OK and o.ret is not None
    )
    by_call = sorted((o.call, _delta(o) or 0) for o in adds)
    ret_positions = [r for r, _ in by_ret]
    call_positions = [c for c, _ in by_call]
    def_pos, def_neg = _prefix_parts([d for _, d in by_ret])
    pos_pos, pos_neg = _prefix_parts([d for _, d in by_call])

    errors: list[CounterError] = []
    for r in reads:
        value = r.output
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f"read at index {r.call} returned a non-integer {value!r}")
            continue
        assert r.ret is not None
        n_def = bisect.bisect_left(ret_positions, r.call)
        n_pos = bisect.bisect_left(call_positions, r.ret)
        definite = def_pos[n_def] + def_neg[n_def]
        # Every definite add was invoked before this read, so it is in the possible prefix too.
        lower = definite + pos_neg[n_pos] - def_neg[n_def]
        upper = definite + pos_pos[n_pos] - def_pos[n_def]
        if not lower <= value <= upper:
            errors.append(
                CounterError(
                    index=r.call,
                    process=r.process,
                    node=r.node,
                    value=value,
                    lower=lower,
                    upper=upper,
                    ret_time=r.ret_time,
                )
            )

    finals: dict[str, int] = {}
    for r in reads:
        if r.f == "final-read" and isinstance(r.output, int):
            finals[r.node or f"process-{r.process}"] = r.output
    converged = len(set(finals.values())) <= 1
    if not finals:
        problems.append("no successful final read: convergence cannot be decided")
    acked = sum(_delta(o) or 0 for o in adds if o.type is OpType.OK)
    attempted = sum(_delta(o) or 0 for o in adds)
    if errors or not converged:
        verdict = Verdict.INVALID
    elif problems:
        verdict = Verdict.UNKNOWN
    else:
        verdict = Verdict.VALID
    return CounterResult(
        verdict=verdict,
        reads=len(reads),
        errors=tuple(errors[:EXAMPLES]),
        error_count=len(errors),
        acknowledged_sum=acked,
        attempted_sum=attempted,
        final_values=dict(sorted(finals.items())),
        converged=converged,
        problems=tuple(problems),
    )


__all__ = ["CounterError", "CounterResult", "check_counter"]
