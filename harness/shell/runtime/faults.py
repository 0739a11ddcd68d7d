"""The faults a runtime can inject, and which ones each ``--nemesis`` name needs.

The capability table (README, ``splitbrain run --help``) is runtime x :class:`Fault`; a test that
asks for a fault its runtime cannot inject is refused before anything starts (exit 254).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum


class Fault(StrEnum):
    """One kind of fault, as the nemeses inject it."""

    PARTITION = "partition"
    """DROP rules in the nodes' network namespaces (also one-way grudges)."""
    KILL = "kill"
    """SIGKILL of the target's processes, then a restart."""
    PAUSE = "pause"
    """SIGSTOP/SIGCONT of the target's processes."""
    CLOCK = "clock"
    """libfaketime control files read by the target's processes."""
    LOSS = "loss"
    """Random packet drops (iptables statistic)."""
    BANDWIDTH = "bandwidth"
    """A tbf qdisc on the node's interface."""
    DELAY = "delay"
    """NFQUEUE to the userspace delayer, run in the node's network namespace."""


NEMESIS_FAULTS: Mapping[str, frozenset[Fault]] = {
    "none": frozenset(),
    "partition": frozenset({Fault.PARTITION}),
    "kill": frozenset({Fault.KILL}),
    "pause": frozenset({Fault.PAUSE}),
    "clock": frozenset({Fault.CLOCK}),
    "packet": frozenset({Fault.LOSS, Fault.BANDWIDTH, Fault.DELAY}),
    "loss": frozenset({Fault.LOSS}),
    "bandwidth": frozenset({Fault.BANDWIDTH}),
    "delay": frozenset({Fault.DELAY}),
}
"""``--nemesis`` name -> the faults it injects (a plugin nemesis not listed needs none)."""


def faults_of(nemeses: Iterable[str]) -> frozenset[Fault]:
    """Every fault the nemesis names need."""
    out: set[Fault] = set()
    for name in nemeses:
        out |= NEMESIS_FAULTS.get(name, frozenset())
    return frozenset(out)


__all__ = ["NEMESIS_FAULTS", "Fault", "faults_of"]
