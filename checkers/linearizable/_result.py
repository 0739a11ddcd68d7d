"""What the checker returns: frozen records with ``to_json()``; rendering lives in ``reports/``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from checkers.result_json import Fields
from checkers.verdict import Verdict
from harness.kernel.jsontypes import JSON, Scalar
from harness.kernel.ops import OpType


class UnknownReason(StrEnum):
    """Why a key is undecided."""

    TIME_LIMIT = "time-limit"  # the time budget ran out during this key's search
    MEMORY_LIMIT = "memory-limit"  # the search stored the maximum number of configurations
    NOT_STARTED = "not-started"  # the time budget ran out before this key was searched
    STOPPED = "stopped"  # another key was invalid and the check stopped before this key began
    INTERRUPTED = "interrupted"  # another key was invalid; this key's search stopped undecided
    MODEL_ERROR = "model-error"  # the model rejected an operation's input (bad history)
    WORKER_FAILED = "worker-failed"  # the worker process checking this key died


class StuckReason(StrEnum):
    """Why an operation could not be linearized next, after a partial linearization."""

    ILLEGAL = "illegal"  # the model does not allow it in this state
    DEAD_END = "dead-end"  # allowed, but no linearization of the rest follows


@dataclass(frozen=True, kw_only=True, slots=True)
class OperationRef:
    """An operation as reported: ``index`` is its position in the checked operation list
    (``History.operations()`` order); ``call``/``ret`` are positions in the history."""

    index: int
    process: int
    f: str
    value: JSON
    output: JSON
    type: OpType
    call: int
    ret: int | None
    description: str

    def to_json(self) -> dict[str, JSON]:
        return {
            "index": self.index,
            "process": self.process,
            "f": self.f,
            "value": self.value,
            "output": self.output,
            "type": self.type.value,
            "call": self.call,
            "ret": self.ret,
            "description": self.description,
        }

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> OperationRef:
        f = Fields(value, where)
        return cls(index=f.integer("index"), process=f.integer("process"), f=f.text("f"),
                   value=f.raw("value"), output=f.raw("output"), type=f.enum("type", OpType),
                   call=f.integer("call"), ret=f.opt_integer("ret"),
                   description=f.text("description"))


@dataclass(frozen=True, kw_only=True, slots=True)
class StuckOperation:
    """A candidate that could not be linearized next; ``next_state`` is set for dead ends.
    ``explanation`` says why in the model's words (``_narrate.py``), naming the ``related``
    operations it conflicts with (e.g. the last write before a stale read)."""

    operation: OperationRef
    reason: StuckReason
    next_state: str | None = None
    explanation: str | None = None
    related: tuple[OperationRef, ...] = ()

    def to_json(self) -> dict[str, JSON]:
        return {
            "operation": self.operation.to_json(),
            "reason": self.reason.value,
            "next_state": self.next_state,
            "explanation": self.explanation,
            "related": [op.to_json() for op in self.related],
        }

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> StuckOperation:
        f = Fields(value, where)
        return cls(operation=f.object("operation", OperationRef.from_json),
                   reason=f.enum("reason", StuckReason), next_state=f.opt_text("next_state"),
                   explanation=f.opt_text("explanation"),
                   related=f.objects("related", OperationRef.from_json, optional=True))


@dataclass(frozen=True, kw_only=True, slots=True)
class PartialLinearization:
    """One of the longest linearizable prefixes found: ``length`` operations, of which ``tail``
    are the last few (in order); ``state`` is the model state after them; ``stuck`` are (up to a
    bound, ``stuck_total`` in all) the operations that could not be linearized next."""

    length: int
    tail: tuple[OperationRef, ...]
    state: str
    stuck: tuple[StuckOperation, ...]
    stuck_total: int

    def to_json(self) -> dict[str, JSON]:
        return {
            "length": self.length,
            "tail": [op.to_json() for op in self.tail],
            "state": self.state,
            "stuck": [s.to_json() for s in self.stuck],
            "stuck_total": self.stuck_total,
        }

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> PartialLinearization:
        f = Fields(value, where)
        return cls(length=f.integer("length"), tail=f.objects("tail", OperationRef.from_json),
                   state=f.text("state"), stuck=f.objects("stuck", StuckOperation.from_json),
                   stuck_total=f.integer("stuck_total"))


@dataclass(frozen=True, kw_only=True, slots=True)
class Counterexample:
    """Why a key is not linearizable (bounded in size)."""

    prefixes: tuple[PartialLinearization, ...]

    def to_json(self) -> dict[str, JSON]:
        return {"prefixes": [p.to_json() for p in self.prefixes]}

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> Counterexample:
        f = Fields(value, where)
        return cls(prefixes=f.objects("prefixes", PartialLinearization.from_json))


@dataclass(frozen=True, kw_only=True, slots=True)
class InputProblem:
    """An operation the model could not interpret (bad input, not a verdict).

    ``operation`` is its index in the checked operation list; ``field`` the op field at fault;
    ``completion`` True when the completion's value (not the invocation's) is at fault."""

    operation: int
    field: str
    completion: bool
    message: str

    def to_json(self) -> dict[str, JSON]:
        return {
            "operation": self.operation,
            "field": self.field,
            "completion": self.completion,
            "message": self.message,
        }

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> InputProblem:
        f = Fields(value, where)
        return cls(operation=f.integer("operation"), field=f.text("field"),
                   completion=f.flag("completion"), message=f.text("message"))


class KeyStatus(StrEnum):
    """Where a key's check got to: decided either way, undecided, or never searched."""

    VALID = "valid"
    INVALID = "invalid"
    UNKNOWN = "unknown"  # searched, but the budget ran out (or the check stopped) first
    NOT_REACHED = "not-reached"  # never searched: budget spent or another key already invalid


@dataclass(frozen=True, kw_only=True, slots=True)
class KeyResult:
    """The verdict for one independent sub-history: a key, or a model partition of a key."""

    key: Scalar
    group: str | None
    verdict: Verdict
    operations: int
    pruned: int
    configurations: int
    seconds: float
    reason: UnknownReason | None = None
    detail: str | None = None
    counterexample: Counterexample | None = None
    problem: InputProblem | None = None
    """Set (with reason ``MODEL_ERROR``) when the model could not interpret an operation."""

    @property
    def status(self) -> KeyStatus:
        """valid / invalid / unknown / not-reached."""
        if self.verdict is Verdict.VALID:
            return KeyStatus.VALID
        if self.verdict is Verdict.INVALID:
            return KeyStatus.INVALID
        if self.reason in (UnknownReason.NOT_STARTED, UnknownReason.STOPPED):
            return KeyStatus.NOT_REACHED
        return KeyStatus.UNKNOWN

    def to_json(self) -> dict[str, JSON]:
        return {
            "key": self.key,
            "status": self.status.value,
            "group": self.group,
            "verdict": self.verdict.value,
            "operations": self.operations,
            "pruned": self.pruned,
            "configurations": self.configurations,
            "seconds": self.seconds,
            "reason": None if self.reason is None else self.reason.value,
            "detail": self.detail,
            "counterexample": (
                None if self.counterexample is None else self.counterexample.to_json()
            ),
            "problem": None if self.problem is None else self.problem.to_json(),
        }

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> KeyResult:
        f = Fields(value, where)
        return cls(key=f.scalar("key"), group=f.opt_text("group"), verdict=f.verdict(),
                   operations=f.integer("operations"), pruned=f.integer("pruned"),
                   configurations=f.integer("configurations"), seconds=f.number("seconds"),
                   reason=f.opt_enum("reason", UnknownReason), detail=f.opt_text("detail"),
                   counterexample=f.opt_object("counterexample", Counterexample.from_json),
                   problem=f.opt_object("problem", InputProblem.from_json))


@dataclass(frozen=True, kw_only=True, slots=True)
class LinearizabilityResult:
    """The verdict for a history, merged over its keys (invalid > unknown > valid)."""

    verdict: Verdict
    model: str
    operations: int
    keys: tuple[KeyResult, ...]
    seconds: float
    reason: str | None = None
    """Why the whole history is ``unknown`` although no key is: it holds nothing to judge
    (:func:`checkers.evidence.lack_of_evidence`). ``None`` otherwise."""

    @property
    def valid_keys(self) -> tuple[KeyResult, ...]:
        return tuple(k for k in self.keys if k.verdict is Verdict.VALID)

    @property
    def invalid_keys(self) -> tuple[KeyResult, ...]:
        return tuple(k for k in self.keys if k.verdict is Verdict.INVALID)

    @property
    def unknown_keys(self) -> tuple[KeyResult, ...]:
        return tuple(k for k in self.keys if k.verdict is Verdict.UNKNOWN)

    @property
    def problems(self) -> tuple[InputProblem, ...]:
        """Operations the model could not interpret (bad input), by key order."""
        return tuple(k.problem for k in self.keys if k.problem is not None)

    def status_counts(self) -> dict[KeyStatus, int]:
        """How many keys have each status (only statuses that occur)."""
        counts: dict[KeyStatus, int] = {}
        for k in self.keys:
            counts[k.status] = counts.get(k.status, 0) + 1
        return counts

    def describe_anomalies(self) -> list[str]:
        """What makes the verdict invalid, in words (:class:`checkers.anomalies.DescribesAnomalies`
        )."""
        if self.verdict is not Verdict.INVALID:
            return []
        return ["not linearizable (e.g. stale reads or lost writes)"]

    def to_json(self) -> dict[str, JSON]:
        out: dict[str, JSON] = {
            "checker": "linearizable",
            "verdict": self.verdict.value,
            "model": self.model,
            "operations": self.operations,
            "seconds": self.seconds,
            "summary": {
                "valid": len(self.valid_keys),
                "invalid": len(self.invalid_keys),
                "unknown": len(self.unknown_keys),
            },
            "key_status": {s.value: n for s, n in self.status_counts().items()},
            "keys": [k.to_json() for k in self.keys],
        }
        if self.reason is not None:
            out["reason"] = self.reason
        return out

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> LinearizabilityResult:
        """The result as :meth:`to_json` wrote it (``summary`` and ``key_status`` are derived
        from ``keys``); raises :class:`checkers.result_json.ResultFormatError`."""
        f = Fields(value, where)
        return cls(verdict=f.verdict(), model=f.text("model"), operations=f.integer("operations"),
                   keys=f.objects("keys", KeyResult.from_json), seconds=f.number("seconds"),
                   reason=f.opt_text("reason"))


__all__ = [
    "Counterexample",
    "InputProblem",
    "KeyResult",
    "KeyStatus",
    "LinearizabilityResult",
    "OperationRef",
    "PartialLinearization",
    "StuckOperation",
    "StuckReason",
    "UnknownReason",
]
