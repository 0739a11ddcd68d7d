"""What a model is: a small bundle of pure functions over hashable states (Porcupine style).

A model sees each operation as an :class:`Input` (the op's ``f``, its invocation value and its
``key``) and an output: the completion value, or :data:`UNKNOWN` when the operation is
indeterminate (``info``). Values arrive *frozen* (:func:`harness.kernel.values.freeze`: lists become
tuples, and values of different types never compare equal, as in Jepsen: ``1`` is not ``true``,
``42`` is not ``42.0``, ``:a`` is not ``"a"``) so that models can keep them in hashable states and
compare them with ``==`` without ever confusing types.

``step(state, input, output) -> (legal, next_state)`` must be pure and deterministic. For an
indeterminate operation it answers "what if it took effect now": the search itself covers the
"never took effect" case, so ``step`` may simply return ``(False, state)`` when the operation
cannot take effect in ``state``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Generic, TypeAlias, TypeVar

from harness.kernel.errors import BadInputError
from harness.kernel.history import Operation
from harness.kernel.jsontypes import JSON, Scalar
from harness.kernel.values import Frozen, freeze
from harness.kernel.values import thaw as thaw_value
from harness.kernel.valuetext import show


class Unknown(Enum):
    """The output of an indeterminate operation."""

    UNKNOWN = "unknown"

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown.UNKNOWN
Output: TypeAlias = Frozen | Unknown


@dataclass(frozen=True, kw_only=True, slots=True)
class Input:
    """What was asked: the operation's name, its invocation value and its key."""

    f: str
    value: Frozen = None
    key: Scalar = None
    hint: Frozen = None
    """What the model's own ``refine`` hook learned about this operation (``None``: nothing);
    only that model's ``step`` reads it."""


S = TypeVar("S", bound=Hashable)

Partition: TypeAlias = Callable[[Sequence[Operation]], Mapping[str, Sequence[Operation]]]
"""Split one key's operations into independent groups, named by a label."""

Prunable: TypeAlias = Callable[[Sequence[tuple[Input, Output]]], Sequence[bool]]
"""Given one sub-history's operations as (input, output) pairs (output ``UNKNOWN`` for
indeterminate ones), which may be dropped without changing whether it is linearizable. The model
vouches for the soundness of its rule (the generic rules of ``_prune.py`` need no such help)."""

Refine: TypeAlias = Callable[[Sequence[tuple[Input, Output]]], Sequence[Frozen]]
"""Given one sub-history's operations as (input, output) pairs, a hint for each (``None``: none),
passed to ``step`` as ``Input.hint``. A hint may only rule out steps that no legal linearization
of the sub-history takes (e.g. "this append happens in state s", read off the values that reads
returned), so that the search prunes early; the model vouches for that."""


class InputError(BadInputError):
    """Raised by a model's ``step`` for an operation it cannot interpret (a bad history, not a
    non-linearizable one). ``field`` names the op field at fault (``"f"`` or ``"value"``);
    ``completion`` is True when the completion's value is at fault rather than the invocation's.
    ``splitbrain check`` reports it as bad input (exit 254) with the file, line and field."""

    def __init__(self, message: str, *, field: str = "value", completion: bool = False) -> None:
        super().__init__(message)
        self.field = field
        self.completion = completion


def thaw(value: Frozen | Unknown) -> JSON:
    """The history value of a frozen one (``UNKNOWN`` becomes ``"?"``)."""
    if isinstance(value, Unknown):
        return "?"
    return thaw_value(value)


def default_describe_operation(input: Input, output: Output) -> str:
    """Default rendering of an operation: ``f(value) -> output``."""
    args = "" if input.value is None else show(input.value)
    result = show(output)
    return f"{input.f}({args}) -> {result}"


def default_describe_state(state: Hashable) -> str:
    """Default rendering of a state: its value as users write it (``nil``, ``[1, 2]``)."""
    return show(state)


@dataclass(frozen=True, kw_only=True, slots=True)
class Model(Generic[S]):
    """A sequential specification. Build one with :func:`model` (which fills the defaults).

    - ``init()``: the initial state (hashable);
    - ``step(state, input, output) -> (legal, next_state)``: pure and deterministic;
    - ``partition(operations)``: optional split of one key's operations into independent groups;
    - ``prunable(pairs)``: optional model-specific rule saying which operations cannot matter;
    - ``describe_operation(input, output)``, ``describe_state(state)``: text for reports.

    A register in a few lines::

        def step(state, input, output):
            if input.f == "write":
                return True, input.value
            return output is UNKNOWN or output == state, state

        register = model("my-register", init=lambda: None, step=step)
    """

    name: str
    init: Callable[[], S]
    step: Callable[[S, Input, Output], tuple[bool, S]]
    partition: Partition | None = None
    prunable: Prunable | None = None
    refine: Refine | None = None
    describe_operation: Callable[[Input, Output], str] = field(default=default_describe_operation)
    describe_state: Callable[[S], str] = field(default=default_describe_state)


def model(
    name: str,
    *,
    init: Callable[[], S],
    step: Callable[[S, Input, Output], tuple[bool, S]],
    partition: Partition | None = None,
    prunable: Prunable | None = None,
    refine: Refine | None = None,
    describe_operation: Callable[[Input, Output], str] | None = None,
    describe_state: Callable[[S], str] | None = None,
) -> Model[S]:
    """A :class:`Model`; the optional functions default to generic ones (the one place for it)."""
    return Model(
        name=name,
        init=init,
        step=step,
        partition=partition,
        prunable=prunable,
        refine=refine,
        describe_operation=describe_operation or default_describe_operation,
        describe_state=describe_state or default_describe_state,
    )


__all__ = [
    "UNKNOWN",
    "Frozen",
    "Input",
    "InputError",
    "Model",
    "Output",
    "Partition",
    "Prunable",
    "Refine",
    "Unknown",
    "default_describe_operation",
    "default_describe_state",
    "freeze",
    "model",
    "thaw",
]
