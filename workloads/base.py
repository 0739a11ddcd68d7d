"""What a workload is: the client operations it generates and the checker of their history.
(Composing checkers lives in :mod:`checkers.compose`, counting operations in
:mod:`checkers.stats`.)"""

from __future__ import annotations

from dataclasses import dataclass

from harness.kernel.generators import Generator
from harness.kernel.option_reader import OptionError
from harness.kernel.protocols import Checker


class WorkloadOptionError(OptionError):
    """A ``--workload-opt`` is unknown or has a bad value."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Workload:
    name: str
    generator: Generator
    """Client operations, unbounded: the run applies the rate and the time limit."""
    checker: Checker
    final_generator: Generator | None = None
    """Client operations after the workload, the heal and the recovery time, once every client is
    idle (e.g. a final read on every node); None = nothing."""


__all__ = ["Workload", "WorkloadOptionError"]
