"""Verdicts, how they merge, and the exit codes they map to (DESIGN.md). :class:`Verdict` itself
is defined in :mod:`harness.kernel.verdict` (the Checker protocol of :mod:`harness.kernel.protocols`
needs it, and the harness's protocols import nothing from ``checkers``) and re-exported here."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum

from harness.kernel.verdict import Verdict

_RANK = {Verdict.VALID: 0, Verdict.UNKNOWN: 1, Verdict.INVALID: 2}


def merge(verdicts: Iterable[Verdict]) -> Verdict:
    """Composed verdict: invalid > unknown > valid; no verdicts at all is valid."""
    return max(verdicts, key=_RANK.__getitem__, default=Verdict.VALID)


class ExitCode(IntEnum):
    """Process exit codes (Jepsen-compatible)."""

    VALID = 0
    INVALID = 1
    UNKNOWN = 2
    BAD_INPUT = 254
    HARNESS_FAILED = 255


def exit_code(verdict: Verdict) -> ExitCode:
    """The exit code for a (merged) verdict."""
    return {
        Verdict.VALID: ExitCode.VALID,
        Verdict.INVALID: ExitCode.INVALID,
        Verdict.UNKNOWN: ExitCode.UNKNOWN,
    }[verdict]


__all__ = ["ExitCode", "Verdict", "exit_code", "merge"]
