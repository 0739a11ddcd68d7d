"""Linearizability checking: a WGL-family search with memoization, per-key decomposition, pruning
of indeterminate operations that cannot matter, and a time and memory budget.

>>> from checkers.linearizable import check, get_model
>>> result = check(history, get_model("cas-register"), time_limit=30.0)  # doctest: +SKIP
>>> result.verdict, result.to_json()  # doctest: +SKIP

A model is a few pure functions (see :class:`Model` and :func:`model`); the built-in ones are
listed in :data:`MODEL_NAMES`.
"""

from __future__ import annotations

from checkers.linearizable._check import (
    DEFAULT_MAX_CONFIGURATIONS,
    DEFAULT_MAX_MEMORY,
    Progress,
    Schedule,
    check,
    split,
)
from checkers.linearizable._model import (
    UNKNOWN,
    Frozen,
    Input,
    InputError,
    Model,
    Output,
    Partition,
    Prunable,
    Unknown,
    freeze,
    model,
    thaw,
)
from checkers.linearizable._result import (
    Counterexample,
    InputProblem,
    KeyResult,
    KeyStatus,
    LinearizabilityResult,
    OperationRef,
    PartialLinearization,
    StuckOperation,
    StuckReason,
    UnknownReason,
)
from checkers.linearizable.models import MODEL_NAMES, get_model

__all__ = [
    "DEFAULT_MAX_CONFIGURATIONS",
    "DEFAULT_MAX_MEMORY",
    "MODEL_NAMES",
    "UNKNOWN",
    "Counterexample",
    "Frozen",
    "Input",
    "InputError",
    "InputProblem",
    "KeyResult",
    "KeyStatus",
    "LinearizabilityResult",
    "Model",
    "OperationRef",
    "Output",
    "PartialLinearization",
    "Partition",
    "Progress",
    "Prunable",
    "Schedule",
    "StuckOperation",
    "StuckReason",
    "Unknown",
    "UnknownReason",
    "check",
    "freeze",
    "get_model",
    "model",
    "split",
    "thaw",
]
