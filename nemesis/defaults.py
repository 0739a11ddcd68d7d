"""``--nemesis default`` (the default of ``splitbrain run``): the faults this target and runtime
can take, among partitions, process faults (kill, pause) and clock faults.

Their composition runs the mixed schedule (:mod:`nemesis.mixing`): plain faults and the targeted
patterns of :mod:`nemesis.patterns`. The expansion is stored in ``test.json``, so a rerun with the
same seed injects the same faults.
"""

from __future__ import annotations

from collections.abc import Collection

from harness.kernel.protocols import DB, Killable, Pausable
from harness.shell import faketime
from harness.shell.runtime.faults import Fault
from nemesis.clock import ClockControllable
from nemesis.operations import UnsupportedByTargetError

DEFAULT = "default"
CANDIDATES: tuple[tuple[str, Fault], ...] = (
    ("partition", Fault.PARTITION), ("kill", Fault.KILL), ("pause", Fault.PAUSE),
    ("clock", Fault.CLOCK),
)


def default_nemeses(db: DB, runtime_faults: Collection[Fault], *,
                    nodes: int = 2) -> tuple[str, ...]:
    """The default fault names for a target whose DB is ``db`` on a runtime that can inject
    ``runtime_faults`` in a cluster of ``nodes`` nodes (a partition needs 2);
    ``("none",)`` if it can take none of them."""
    abilities = {
        "partition": nodes >= 2,
        "kill": isinstance(db, Killable),
        "pause": isinstance(db, Pausable),
        "clock": isinstance(db, ClockControllable) and _has_libfaketime(),
    }
    names = tuple(n for n, fault in CANDIDATES if abilities[n] and fault in runtime_faults)
    return names or ("none",)


ABILITIES: dict[str, type] = {"kill": Killable, "pause": Pausable, "clock": ClockControllable}
"""The DB ability each built-in process or clock fault needs."""


def refuse_unable(nemeses: Collection[str], db: DB, target: str) -> None:
    """Raise :class:`UnsupportedByTargetError` (bad input, exit 254) for a fault in ``nemeses``
    that the target's ``db`` lacks the ability for, before anything starts (the nemeses would
    only find out once the nodes are up)."""
    for name in nemeses:
        ability = ABILITIES.get(name)
        if ability is not None and not isinstance(db, ability):
            raise UnsupportedByTargetError(
                f"target {target!r} cannot take {name} faults (its DB is not "
                f"{ability.__name__}; see docs/own-target.md): drop {name!r} from --nemesis"
            )


def expand(nemeses: tuple[str, ...], db: DB, runtime_faults: Collection[Fault], *,
           nodes: int = 2) -> tuple[str, ...]:
    """``nemeses`` with ``default`` replaced by :func:`default_nemeses` (others kept, once)."""
    if DEFAULT not in nemeses:
        return nemeses
    out: list[str] = []
    for name in nemeses:
        for n in default_nemeses(db, runtime_faults, nodes=nodes) if name == DEFAULT else (name,):
            if n not in out:
                out.append(n)
    if len(out) > 1 and "none" in out:
        out.remove("none")
    return tuple(out)


def _has_libfaketime() -> bool:
    try:
        faketime.require_library()
    except faketime.FakeTimeUnavailableError:
        return False
    return True


__all__ = ["ABILITIES", "CANDIDATES", "DEFAULT", "default_nemeses", "expand", "refuse_unable"]
