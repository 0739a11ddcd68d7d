"""Process faults through the DB's abilities: kill -9 then restart (Killable), SIGSTOP/SIGCONT
(Pausable). ``kill``/``pause`` take ``{"targets": "one|minority|majority|primaries|all"}`` and
complete with the nodes hit; ``start``/``resume`` undo every node still down/paused.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from harness.kernel.context import RunContext
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import Op, OpType
from harness.kernel.protocols import (
    HasPrimaries,
    Killable,
    Pausable,
    ProcessState,
    ReportsProcessState,
    complete,
)
from nemesis.firewall import parallel
from nemesis.ledger import Ledger
from nemesis.operations import (
    F,
    FaultError,
    UnsupportedByTargetError,
    arguments,
    text,
)
from nemesis.targets import Targets, TargetsError, choose, current_primaries


class ProcessFault(StrEnum):
    KILL = "kill"
    PAUSE = "pause"


@dataclass(frozen=True, kw_only=True, slots=True)
class _Actions:
    start_f: F
    stop_f: F
    ability: type
    needs: str
    hit: Callable[[object, RunContext, str], None]
    undo: Callable[[object, RunContext, str], None]
    state: str  # what the hit nodes are, for messages ("down", "paused")
    observed: frozenset[ProcessState]  # what a hit node may look like afterwards (verification)


def _kill(db: object, ctx: RunContext, node: str) -> None:
    assert isinstance(db, Killable)
    db.kill(ctx, node)


def _start(db: object, ctx: RunContext, node: str) -> None:
    assert isinstance(db, Killable)
    db.start(ctx, node)


def _pause(db: object, ctx: RunContext, node: str) -> None:
    assert isinstance(db, Pausable)
    db.pause(ctx, node)


def _resume(db: object, ctx: RunContext, node: str) -> None:
    assert isinstance(db, Pausable)
    db.resume(ctx, node)


ACTIONS: Mapping[ProcessFault, _Actions] = {
    ProcessFault.KILL: _Actions(
        start_f=F.KILL, stop_f=F.START, ability=Killable, needs="kill and restart processes",
        hit=_kill, undo=_start, state="down", observed=frozenset({ProcessState.DOWN}),
    ),
    ProcessFault.PAUSE: _Actions(
        start_f=F.PAUSE, stop_f=F.RESUME, ability=Pausable, needs="pause and resume processes",
        hit=_pause, undo=_resume, state="paused",
        # a paused process cannot answer; one that is down (killed meanwhile) cannot either
        observed=frozenset({ProcessState.UNRESPONSIVE, ProcessState.DOWN}),
    ),
}


def primaries_of(ctx: RunContext) -> Sequence[str] | None:
    """The DB's current primaries (waiting a little while an election is under way), or None
    when it cannot tell."""
    return current_primaries(ctx.db, ctx) if isinstance(ctx.db, HasPrimaries) else None


def target_nodes(
    ctx: RunContext, args: Mapping[str, JSON], *, default: Targets, rng: random.Random
) -> tuple[str, ...]:
    """The nodes a fault op hits: its ``targets`` argument (or ``default``), resolved against the
    run's nodes (asking the DB for its primaries when needed)."""
    name = text(args, "targets", default.value)
    try:
        targets = Targets(name)
    except ValueError:
        raise FaultError(f"unknown targets {name!r}") from None
    primaries = primaries_of(ctx) if targets is Targets.PRIMARIES else None
    return choose(targets, ctx.nodes, rng, primaries=primaries)


def verify_processes(
    ctx: RunContext, nodes: Sequence[str], expected: frozenset[ProcessState]
) -> dict[str, JSON]:
    """Observe the hit nodes' processes: ``{"verified": bool, "observed": {node: state}}``, or
    nothing when the DB cannot tell (it lacks :class:`ReportsProcessState`)."""
    db = ctx.db
    if not nodes or not isinstance(db, ReportsProcessState):
        return {}
    states = parallel(list(nodes), lambda node: db.process_state(ctx, node))
    observed: dict[str, JSON] = {node: state.value for node, state in states.items()}
    return {"verified": all(state in expected for state in states.values()),
            "observed": observed}


class ProcessNemesis:
    """Kills (and restarts) or pauses (and resumes) the target's processes."""

    def __init__(self, fault: ProcessFault, *, seed: int) -> None:
        self.fault = fault
        self._actions = ACTIONS[fault]
        self.fs = frozenset({self._actions.start_f.value, self._actions.stop_f.value})
        self._rng = random.Random(seed)
        self._hit: set[str] = set()
        self._lock = threading.Lock()
        self._ledger: Ledger | None = None

    def setup(self, ctx: RunContext) -> ProcessNemesis:
        if not isinstance(ctx.db, self._actions.ability):
            raise UnsupportedByTargetError(
                f"the {self.fault.value} nemesis needs a target that can {self._actions.needs} "
                f"({self._actions.ability.__name__}); target {ctx.test.target!r} cannot"
            )
        self._ledger = Ledger(ctx.run_dir, self.fault.value)
        return self

    def invoke(self, ctx: RunContext, op: Op) -> Op:
        try:
            if op.f == self._actions.start_f:
                return complete(op, OpType.INFO, self._hit_nodes(ctx, arguments(op.value)))
            if op.f == self._actions.stop_f:
                return complete(op, OpType.INFO, {"nodes": list[JSON](self._undo_all(ctx))})
        except (FaultError, TargetsError) as e:
            return complete(op, OpType.INFO, op.value, error=str(e))
        return complete(op, OpType.INFO, op.value, error=f"{self.fault} cannot do {op.f!r}")

    def teardown(self, ctx: RunContext) -> None:
        self._undo_all(ctx)

    def active_faults(self) -> Sequence[str]:
        with self._lock:
            hit = sorted(self._hit)
        return [f"{self._actions.state}: {', '.join(hit)}"] if hit else []

    def _hit_nodes(self, ctx: RunContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
        name = text(args, "targets", Targets.ONE.value)
        nodes = target_nodes(ctx, args, default=Targets.ONE, rng=self._rng)
        with self._lock:
            self._hit.update(nodes)
            self._save()
        parallel(list(nodes), lambda node: self._actions.hit(ctx.db, ctx, node))
        out: dict[str, JSON] = {"targets": name, "nodes": list[JSON](nodes)}
        out.update(verify_processes(ctx, nodes, self._actions.observed))
        return out

    def _undo_all(self, ctx: RunContext) -> list[str]:
        with self._lock:
            nodes = sorted(self._hit)
        errors: list[str] = []

        def undo(node: str) -> None:
            try:
                self._actions.undo(ctx.db, ctx, node)
            except Exception as e:
                errors.append(f"{node}: {e}")
                return
            with self._lock:
                self._hit.discard(node)
                self._save()

        parallel(nodes, undo)
        if errors:
            raise FaultError(f"could not undo {self.fault.value} on " + "; ".join(errors))
        return nodes

    def _save(self) -> None:
        if self._ledger is None:
            return
        if self._hit:
            self._ledger.record(self._actions.state, list[JSON](sorted(self._hit)))
        else:
            self._ledger.clear(self._actions.state)


__all__ = ["ACTIONS", "ProcessFault", "ProcessNemesis", "primaries_of", "target_nodes",
           "verify_processes"]
