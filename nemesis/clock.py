"""Clock faults through libfaketime control files: bump, strobe, rate change and reset.

The target must start its processes under libfaketime (see :mod:`harness.shell.faketime`) and say
where each node's control file is: the optional DB ability :class:`ClockControllable`. Targets
without it (Go binaries such as etcd ignore libfaketime) are refused at setup with a clear message.

Operations (``targets`` is one/minority/majority/primaries/all, default one):
- ``bump-clock`` ``{"targets", "delta_ms"}``: add ``delta_ms`` to the chosen nodes' offsets;
- ``strobe-clock`` ``{"targets", "delta_ms", "period_ms", "duration_ms"}``: flip the chosen nodes'
  clocks between +delta and their offset every period, for the duration (the op lasts that long);
- ``rate-clock`` ``{"targets", "rate"}``: run the chosen clocks at ``rate`` times real speed,
  by moving their offsets in steps of :data:`DRIFT_TICK_S` (libfaketime's own rate, ``x2`` in the
  control file, cannot be undone: once set, a process's clock keeps that rate whatever the file
  says later, and it jumps on every change because it is measured from process start);
- ``reset-clock``: every node back to the real clock.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from harness.kernel.context import RunContext
from harness.kernel.jsontypes import JSON
from harness.kernel.nodes import NodeRuntime
from harness.kernel.ops import Op, OpType
from harness.kernel.protocols import ReportsClock, complete
from harness.shell import faketime
from nemesis.firewall import parallel
from nemesis.ledger import Ledger
from nemesis.operations import (
    F,
    FaultError,
    NemesisSetupError,
    UnsupportedByTargetError,
    arguments,
    number,
)
from nemesis.process import target_nodes
from nemesis.targets import Targets, TargetsError

if TYPE_CHECKING:
    pass

CLOCK = "clock"
"""The nemesis name; targets start under libfaketime when a test's nemesis includes it."""

MAX_DELTA_MS = 7 * 24 * 3600 * 1000
VERIFY_TOLERANCE_S = 0.5
"""How far a clock read back may be from the offset set (request latency, a loaded machine)."""
MAX_STROBE_MS = 60_000
DRIFT_TICK_S = 0.05
"""How often the offsets of clocks running at another rate are moved (seconds)."""


@runtime_checkable
class ClockControllable(Protocol):
    """A DB whose processes run under libfaketime, each node reading its own control file."""

    def faketime_file(self, ctx: RunContext, node: str) -> Path | None:
        """The node's control file, or None if this run did not start it under libfaketime."""


@dataclass(frozen=True, kw_only=True, slots=True)
class NodeClock:
    offset_ms: float = 0.0
    rate: float = 1.0

    @property
    def is_real(self) -> bool:
        return self.offset_ms == 0.0 and self.rate == 1.0

    def describe(self) -> str:
        parts = [f"{self.offset_ms:+g}ms"] if self.offset_ms else []
        if self.rate != 1.0:
            parts.append(f"x{self.rate:g}")
        return " ".join(parts) or "real"

    def to_json(self) -> dict[str, JSON]:
        return {"offset_ms": self.offset_ms, "rate": self.rate}


class ClockNemesis:
    fs = frozenset(
        {F.BUMP_CLOCK.value, F.STROBE_CLOCK.value, F.RATE_CLOCK.value, F.RESET_CLOCK.value}
    )

    def __init__(self, *, seed: int) -> None:
        self._rng = random.Random(seed)
        self._files: dict[str, Path] = {}
        self._runtime: NodeRuntime | None = None
        self._clocks: dict[str, NodeClock] = {}
        self._lock = threading.Lock()
        self._ledger: Ledger | None = None
        self._stopped = False  # set by teardown: a strobe still running must not undo the heal
        self._drifter: threading.Thread | None = None

    def setup(self, ctx: RunContext) -> ClockNemesis:
        db = ctx.db
        if not isinstance(db, ClockControllable):
            raise UnsupportedByTargetError(
                f"clock faults need a target started under libfaketime; target "
                f"{ctx.test.target!r} cannot be (e.g. Go binaries such as etcd ignore "
                "libfaketime): drop 'clock' from --nemesis"
            )
        missing = [n for n in ctx.nodes if db.faketime_file(ctx, n) is None]
        if missing:
            raise UnsupportedByTargetError(
                f"clock faults: target {ctx.test.target!r} was not started under libfaketime on "
                f"{', '.join(missing)} (is its faketime option off?)"
            )
        try:
            faketime.require_library()
        except faketime.FakeTimeUnavailableError as e:
            raise NemesisSetupError(str(e)) from e
        self._runtime = ctx.runtime
        for node in ctx.nodes:
            path = db.faketime_file(ctx, node)
            assert path is not None
            self._files[node] = path
            self._clocks[node] = NodeClock()
        self._ledger = Ledger(ctx.run_dir, CLOCK)
        return self

    def invoke(self, ctx: RunContext, op: Op) -> Op:
        try:
            args = arguments(op.value)
            if op.f == F.RESET_CLOCK:
                reset: dict[str, JSON] = {"reset": list[JSON](self._reset_all())}
                reset.update(self._verify(ctx, list(self._files)))
                return complete(op, OpType.INFO, reset)
            nodes = self._targets(ctx, args)
            if op.f == F.BUMP_CLOCK:
                delta = _bounded(number(args, "delta_ms", 0.0), "delta_ms", MAX_DELTA_MS)
                for node in nodes:
                    self._set(node, lambda c: replace(c, offset_ms=c.offset_ms + delta))
                report = self._report(nodes, delta_ms=delta)
                report.update(self._verify(ctx, nodes))
                return complete(op, OpType.INFO, report)
            if op.f == F.RATE_CLOCK:
                rate = number(args, "rate", 1.0)
                if not 0.0 < rate <= 100.0:
                    raise FaultError(f"rate must be in (0, 100], got {rate:g}")
                for node in nodes:
                    self._set(node, lambda c: replace(c, rate=rate))
                self._start_drift()
                return complete(op, OpType.INFO, self._report(nodes, rate=rate))
            if op.f == F.STROBE_CLOCK:
                return complete(op, OpType.INFO, self._strobe(nodes, args))
        except (FaultError, TargetsError) as e:
            return complete(op, OpType.INFO, op.value, error=str(e))
        return complete(op, OpType.INFO, op.value, error=f"clock cannot do {op.f!r}")

    def teardown(self, ctx: RunContext) -> None:
        with self._lock:
            self._stopped = True
            drifter = self._drifter
        self._reset_all()
        if drifter is not None:
            drifter.join(timeout=5.0)

    def active_faults(self) -> Sequence[str]:
        with self._lock:
            skewed = {n: c for n, c in sorted(self._clocks.items()) if not c.is_real}
        if not skewed:
            return []
        return ["clock " + ", ".join(f"{n} {c.describe()}" for n, c in skewed.items())]

    def clock_of(self, node: str) -> NodeClock:
        with self._lock:
            return self._clocks[node]

    # --- internals -----------------------------------------------------------------------------

    def _targets(self, ctx: RunContext, args: Mapping[str, JSON]) -> tuple[str, ...]:
        return target_nodes(ctx, args, default=Targets.ONE, rng=self._rng)

    def _set(self, node: str, change: Callable[[NodeClock], NodeClock]) -> None:
        with self._lock:
            self._write(node, change(self._clocks[node]))

    def _write(self, node: str, clock: NodeClock) -> None:
        """Set ``node``'s clock (caller holds the lock) and record it."""
        assert self._runtime is not None, "set up first"
        line = faketime.format_clock(clock.offset_ms / 1000.0) + "\n"
        self._runtime.put_file(node, self._files[node], line.encode())
        self._clocks[node] = clock
        if self._ledger is not None:
            if clock.is_real:
                self._ledger.clear(node)
            else:
                self._ledger.record(node, clock.to_json())

    def _reset_all(self) -> list[str]:
        with self._lock:
            skewed = [n for n, c in sorted(self._clocks.items()) if not c.is_real]
            for node in self._files:
                self._write(node, NodeClock())
        return skewed

    def _start_drift(self) -> None:
        """Start the thread that moves the offsets of clocks at another rate (once)."""
        with self._lock:
            if self._drifter is not None and self._drifter.is_alive():
                return
            self._drifter = threading.Thread(target=self._drift, name="clock-drift", daemon=True)
            self._drifter.start()

    def _drift(self) -> None:
        """Every :data:`DRIFT_TICK_S`, add (rate - 1) x the time passed to each offset of a
        clock whose rate is not 1; ends once every rate is 1 again or the nemesis is torn down."""
        last = time.monotonic()
        while True:
            time.sleep(DRIFT_TICK_S)
            now = time.monotonic()
            with self._lock:
                drifting = {n: c for n, c in self._clocks.items() if c.rate != 1.0}
                if self._stopped or not drifting:
                    self._drifter = None
                    return
                for node, clock in drifting.items():
                    step_ms = (clock.rate - 1.0) * (now - last) * 1000.0
                    self._write(node, replace(clock, offset_ms=clock.offset_ms + step_ms))
            last = now

    def _strobe(self, nodes: Sequence[str], args: Mapping[str, JSON]) -> dict[str, JSON]:
        delta = _bounded(number(args, "delta_ms", 1000.0), "delta_ms", MAX_DELTA_MS)
        period = number(args, "period_ms", 100.0)
        duration = number(args, "duration_ms", 2000.0)
        if not 1.0 <= period <= duration <= MAX_STROBE_MS:
            raise FaultError(
                f"strobe needs 1 <= period_ms <= duration_ms <= {MAX_STROBE_MS}, got "
                f"period_ms={period:g}, duration_ms={duration:g}"
            )
        with self._lock:
            base = {n: self._clocks[n] for n in nodes}
        deadline = time.monotonic() + duration / 1000.0
        flips = 0
        try:
            while time.monotonic() < deadline:
                with self._lock:
                    if self._stopped:
                        break
                    for node in nodes:
                        clock = base[node]
                        if flips % 2 == 0:
                            clock = replace(clock, offset_ms=clock.offset_ms + delta)
                        self._write(node, clock)
                flips += 1
                time.sleep(min(period / 1000.0, max(0.0, deadline - time.monotonic())))
        finally:
            with self._lock:
                if not self._stopped:
                    for node in nodes:
                        self._write(node, base[node])
        return {"nodes": list[JSON](nodes), "delta_ms": delta, "period_ms": period,
                "duration_ms": duration, "flips": flips}

    def _verify(self, ctx: RunContext, nodes: Sequence[str]) -> dict[str, JSON]:
        """Read the nodes' clocks back (when the DB can, :class:`ReportsClock`): each readable
        node's offset from the controller's clock must be the one set, within
        :data:`VERIFY_TOLERANCE_S`. ``{"verified": bool, "observed_offset_ms": {...}}``; nothing
        when no node's clock could be read (e.g. all of them paused)."""
        db = ctx.db
        if not isinstance(db, ReportsClock) or not nodes:
            return {}

        def offset(node: str) -> float | None:
            before = time.time()
            clock = db.wall_clock(ctx, node)
            if clock is None:
                return None
            return clock - (before + time.time()) / 2

        offsets = {n: o for n, o in parallel(list(nodes), offset).items() if o is not None}
        if not offsets:
            return {}
        with self._lock:
            wanted = {n: self._clocks[n].offset_ms / 1000.0 for n in offsets}
            steady = all(self._clocks[n].rate == 1.0 for n in offsets)
        ok = all(abs(offsets[n] - wanted[n]) <= VERIFY_TOLERANCE_S for n in offsets)
        observed: dict[str, JSON] = {n: round(o * 1000.0, 1) for n, o in offsets.items()}
        out: dict[str, JSON] = {"observed_offset_ms": observed}
        if steady:  # a clock running at another rate drifts by design: no fixed expectation
            out["verified"] = ok
        return out

    def _report(self, nodes: Sequence[str], **what: float) -> dict[str, JSON]:
        with self._lock:
            clocks: dict[str, JSON] = {n: self._clocks[n].to_json() for n in nodes}
        out: dict[str, JSON] = {"nodes": list[JSON](nodes), "clocks": clocks}
        out.update(what)
        return out


def _bounded(value: float, name: str, limit: float) -> float:
    if abs(value) > limit:
        raise FaultError(f"{name} must be within ±{limit:g}, got {value:g}")
    return value


__all__ = [
    "CLOCK",
    "ClockControllable",
    "ClockNemesis",
    "NodeClock",
]
