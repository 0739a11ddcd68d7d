"""A checker's answer (DESIGN.md, "Verdicts and exit codes"): the type the
:class:`harness.kernel.protocols.Checker` protocol speaks. How verdicts merge and which exit code
each maps to live with the checkers, in :mod:`checkers.verdict` (which re-exports
:class:`Verdict`)."""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    """A checker's answer."""

    VALID = "valid"
    INVALID = "invalid"
    UNKNOWN = "unknown"  # timed out, out of budget, or could not decide


__all__ = ["Verdict"]
