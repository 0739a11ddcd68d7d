"""A result that can say, in a few words each, which anomalies its checker found.

Consumers (the CP/AP classification, summaries) ask the typed result instead of parsing its JSON
by key names, so that a checker's writer and its readers are tied by a type, not by spelling.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from checkers.verdict import Verdict


@runtime_checkable
class DescribesAnomalies(Protocol):
    """A checker result with :meth:`describe_anomalies`.

    The method is not called ``anomalies``: :class:`checkers.session.SessionResult` and Elle's
    :class:`checkers.elle.TxnCheckResult` already have an ``anomalies`` attribute (a tuple of
    anomaly names), and a runtime Protocol check only looks for the name, so they would match
    and then fail when called."""

    @property
    def verdict(self) -> Verdict: ...

    def describe_anomalies(self) -> list[str]:
        """Short descriptions of what was found (``["3 acknowledged elements lost"]``); empty
        when the verdict is not invalid."""


__all__ = ["DescribesAnomalies"]
