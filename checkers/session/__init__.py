"""Session guarantees (Terry et al., PDIS 1994) on single-object histories: per process (a
Jepsen process is a session), read your writes, monotonic reads, monotonic writes and writes
follow reads. Reported next to the linearizability verdict, so that a system that is not
linearizable learns which weaker guarantees it kept.

>>> from checkers.session import check_sessions
>>> result = check_sessions(history, kind="set")  # doctest: +SKIP
>>> result.guarantees  # doctest: +SKIP
"""

from __future__ import annotations

from checkers.session._check import (
    GUARANTEES,
    GuaranteeStatus,
    SessionChecker,
    SessionResult,
    Violation,
    check_sessions,
)

__all__ = [
    "GUARANTEES", "GuaranteeStatus", "SessionChecker", "SessionResult", "Violation",
    "check_sessions",
]
