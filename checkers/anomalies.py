"""A result that can say, in a few words each, which anomalies its checker found.

Consumers (the CP/AP classification, summaries) ask the typed result instead of parsing its JSON
by key names, so that a checker's writer and its readers are tied by a type, not by spelling.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from checkers.verdict import Verdict


@runtime_checkable
class DescribesAnomalies(Protocol):
    """A checker result with :meth:`anomalies`."""

    @property
    def verdict(self) -> Verdict: ...

    def anomalies(self) -> list[str]:
        """Short descriptions of what was found (``["3 acknowledged elements lost"]``); empty
        when the verdict is not invalid."""


__all__ = ["DescribesAnomalies"]
