"""Fault windows: when each fault the nemesis injected was in effect, from its history records.

The nemesis records each action twice, both with ``type: "info"``: once when it begins and once
when it is done (DESIGN.md). A record and the next nemesis record with the same ``f`` are
therefore one action, spanning from the first record to the second; a record without such a
partner is an action of zero duration.

An action *starts* a fault of some kind, *stops* one, or is a one-off event:

- ``start-X`` / ``X-start`` start kind ``X``; ``stop-X`` / ``X-stop`` stop it;
- the names in :data:`STARTS` and :data:`STOPS` (``partition``/``heal``, ``kill``/``restart``,
  ``pause``/``resume``, clock skews/``reset-clock``, ...);
- plain ``start`` after a ``kill`` restarts the killed nodes (Jepsen's kill nemesis), otherwise
  it starts a generic ``fault`` that plain ``stop`` ends.

A window runs from the beginning of its starting action to the end of its stopping action, so it
covers every moment the fault may have been in effect. A fault that is never stopped lasts until
the end of the history (``open_ended``). Starting a kind that is already in effect ends the
previous window and opens a new one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from harness.kernel.history import History
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import Op

STARTS: dict[str, str] = {
    "partition": "partition",
    "kill": "kill",
    "crash": "kill",
    "pause": "pause",
    "skew": "clock",
    "clock-skew": "clock",
    "bump-clock": "clock",
    "strobe-clock": "clock",
    "rate-clock": "clock",
    "clock-strobe": "clock",
    "loss": "network",
    "delay": "network",
    "slow": "network",
    "bandwidth": "network",
}
"""``f`` names that begin a fault, and the kind of fault."""

STOPS: dict[str, str] = {
    "heal": "partition",
    "restart": "kill",
    "recover": "kill",
    "resume": "pause",
    "reset-clock": "clock",
    "clock-reset": "clock",
    "unskew": "clock",
    "fast": "network",
    "heal-network": "network",
    "reset-network": "network",
}
"""``f`` names that end a fault, and the kind of fault they end."""

GENERIC = "fault"


class Role(StrEnum):
    """What a nemesis action does to the faults in effect."""

    START = "start"
    STOP = "stop"
    EVENT = "event"


@dataclass(frozen=True, kw_only=True, slots=True)
class NemesisAction:
    """One nemesis action: its first record and, if recorded, its completion."""

    f: str
    start: int
    """Time (ns) of the first record."""
    end: int
    """Time (ns) of the completion record (``start`` if there is none)."""
    index: int
    """History index of the first record."""
    value: JSON
    result: JSON
    """The completion record's value (``None`` if there is none)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class FaultWindow:
    """A span of time during which a fault of ``kind`` may have been in effect."""

    kind: str
    start: int
    end: int
    start_f: str
    stop_f: str | None
    """``None`` when the fault was never stopped (the window ends with the history)."""
    start_index: int
    end_index: int | None
    value: JSON
    """What the starting action said about the fault (e.g. the partition's grudge)."""

    @property
    def open_ended(self) -> bool:
        return self.stop_f is None

    def contains(self, time: int) -> bool:
        return self.start <= time < self.end or (self.open_ended and time == self.end)

    def label(self) -> str:
        return self.kind if self.start_f == self.kind else f"{self.kind} ({self.start_f})"

    def to_json(self) -> dict[str, JSON]:
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "start_f": self.start_f,
            "stop_f": self.stop_f,
            "start_index": self.start_index,
            "end_index": self.end_index,
            "open_ended": self.open_ended,
            "value": self.value,
        }


def role_of(f: str, open_kinds: Sequence[str] = ()) -> tuple[Role, str]:
    """The role of an action named ``f`` and the kind of fault it concerns."""
    if f in STARTS:
        return Role.START, STARTS[f]
    if f in STOPS:
        return Role.STOP, STOPS[f]
    if f == "start":
        return (Role.STOP, "kill") if "kill" in open_kinds else (Role.START, GENERIC)
    if f == "stop":
        return Role.STOP, GENERIC
    for prefix, role in (("start-", Role.START), ("stop-", Role.STOP)):
        if f.startswith(prefix) and len(f) > len(prefix):
            return role, f[len(prefix) :]
    for suffix, role in (("-start", Role.START), ("-stop", Role.STOP)):
        if f.endswith(suffix) and len(f) > len(suffix):
            return role, f[: -len(suffix)]
    return Role.EVENT, f


def nemesis_actions(ops: Sequence[Op]) -> list[NemesisAction]:
    """Pair the nemesis records (``ops`` may include client ops; they are ignored).

    A record completes the earlier unpaired record with the same ``f``, so actions of nemeses
    that run side by side (their records interleaved) still pair up. Actions are ordered by start.
    """
    pending: dict[str, Op] = {}
    actions: list[NemesisAction] = []
    for op in ops:
        if op.is_client:
            continue
        first = pending.pop(op.f, None)
        if first is None:
            pending[op.f] = op
            continue
        actions.append(
            NemesisAction(
                f=first.f,
                start=first.time,
                end=op.time,
                index=first.index,
                value=first.value,
                result=op.value,
            )
        )
    for first in pending.values():
        actions.append(
            NemesisAction(
                f=first.f,
                start=first.time,
                end=first.time,
                index=first.index,
                value=first.value,
                result=None,
            )
        )
    actions.sort(key=lambda a: (a.start, a.index))
    return actions


def fault_windows(history: History | Sequence[Op], end: int | None = None) -> list[FaultWindow]:
    """The fault windows of a history, ordered by start time.

    ``end`` closes faults that were never stopped; it defaults to the time of the last event.
    """
    ops = history.ops if isinstance(history, History) else history
    last = end if end is not None else (ops[-1].time if ops else 0)
    open_: dict[str, NemesisAction] = {}
    windows: list[FaultWindow] = []

    def close(kind: str, stop: NemesisAction | None) -> None:
        begun = open_.pop(kind)
        windows.append(
            FaultWindow(
                kind=kind,
                start=begun.start,
                end=max(begun.start, stop.end if stop is not None else last),
                start_f=begun.f,
                stop_f=None if stop is None else stop.f,
                start_index=begun.index,
                end_index=None if stop is None else stop.index,
                value=begun.value if begun.value is not None else begun.result,
            )
        )

    for action in nemesis_actions(ops):
        role, kind = role_of(action.f, list(open_))
        if role is Role.START:
            if kind in open_:
                # The new action replaces the fault in effect: the old window ends as it begins.
                close(
                    kind,
                    NemesisAction(
                        f=action.f,
                        start=action.start,
                        end=action.start,
                        index=action.index,
                        value=None,
                        result=None,
                    ),
                )
            open_[kind] = action
        elif role is Role.STOP and kind in open_:
            close(kind, action)
    for kind in list(open_):
        close(kind, None)
    return sorted(windows, key=lambda w: (w.start, w.end, w.kind))


def nemesis_events(history: History | Sequence[Op]) -> list[NemesisAction]:
    """Actions that neither start nor stop a fault (shown as instants)."""
    ops = history.ops if isinstance(history, History) else history
    out: list[NemesisAction] = []
    open_kinds: list[str] = []
    for action in nemesis_actions(ops):
        role, kind = role_of(action.f, open_kinds)
        if role is Role.START:
            open_kinds.append(kind)
        elif role is Role.STOP and kind in open_kinds:
            open_kinds.remove(kind)
        elif role is Role.EVENT:
            out.append(action)
    return out


__all__ = [
    "GENERIC",
    "STARTS",
    "STOPS",
    "FaultWindow",
    "NemesisAction",
    "Role",
    "fault_windows",
    "nemesis_actions",
    "nemesis_events",
    "role_of",
]
