"""Did the run exercise the system? ``unknown`` (never ``valid``) when it did not.

A run that tested nothing must not pass (DESIGN.md, "valid needs evidence"). Three checks, each a
reason for ``unknown`` when it fails:

- **traffic**: every kind of client operation (``f``) invoked during the workload (before the time
  limit) was served at least ``min_ok`` times (``ok``, or a compare-and-set refused because the
  value differed: a definite answer);
- **faults applied**: every fault kind the test asked for was applied at least once: a start action
  that completed without error, hit at least one node (or cut at least one link) and was not
  reported unverified (``"verified": false``);
- **survivable faults**: while faults that a correct system survives on its majority side were in
  effect (a partition that leaves a majority connected, killing or pausing fewer than a majority),
  at least one operation succeeded, if those faults lasted :data:`MIN_SURVIVABLE_S` in all.

Each check only ever turns ``valid`` into ``unknown``; it never finds a run ``invalid``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from checkers.behaviour import served, sides
from checkers.fault_windows import FaultWindow, fault_windows, nemesis_actions
from checkers.result_json import Fields
from checkers.verdict import Verdict
from harness.kernel.config import TestConfig
from harness.kernel.history import History
from harness.kernel.jsontypes import JSON

MIN_SURVIVABLE_S = 3.0
"""Survivable faults shorter than this in all prove nothing (an election may take that long)."""

FAULT_KINDS: Mapping[str, frozenset[str]] = {
    "partition": frozenset({"partition"}),
    "kill": frozenset({"kill"}),
    "pause": frozenset({"pause"}),
    "clock": frozenset({"clock"}),
    "packet": frozenset({"loss", "bandwidth", "delay"}),
    "loss": frozenset({"loss"}),
    "bandwidth": frozenset({"bandwidth"}),
    "delay": frozenset({"delay"}),
}
"""Requested nemesis name -> the fault kinds (:mod:`checkers.fault_windows`) that apply it.
Names not listed here (plugins) are not checked."""

START_KIND: Mapping[str, str] = {
    "start-partition": "partition", "kill": "kill", "pause": "pause",
    "bump-clock": "clock", "strobe-clock": "clock", "rate-clock": "clock",
    "start-loss": "loss", "start-bandwidth": "bandwidth", "start-delay": "delay",
}
"""The ``f`` of a nemesis action that starts a fault -> its fault kind."""


@dataclass(frozen=True, kw_only=True, slots=True)
class CoverageResult:
    verdict: Verdict
    problems: tuple[str, ...] = ()
    served_by_f: Mapping[str, int] = field(default_factory=dict)
    applied: Mapping[str, int] = field(default_factory=dict)
    """Requested nemesis name -> fault actions that took effect."""
    survivable_s: float = 0.0
    """Seconds (to the millisecond) that survivable faults were in effect."""
    survivable_ok: int = 0

    def to_json(self) -> dict[str, JSON]:
        out: dict[str, JSON] = {
            "checker": "coverage",
            "verdict": self.verdict.value,
            "served_by_f": dict(self.served_by_f),
            "faults_applied": dict(self.applied),
            "survivable_fault_s": round(self.survivable_s, 3),
            "ok_during_survivable_faults": self.survivable_ok,
        }
        if self.problems:
            out["reason"] = self.reason
            out["problems"] = list(self.problems)
        return out

    @property
    def reason(self) -> str | None:
        """The problems in one line (None when there are none)."""
        return "; ".join(self.problems) if self.problems else None

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> CoverageResult:
        f = Fields(value, where)
        return cls(verdict=f.verdict(), problems=f.strs("problems", optional=True),
                   served_by_f=f.int_map("served_by_f"), applied=f.int_map("faults_applied"),
                   survivable_s=f.number("survivable_fault_s"),
                   survivable_ok=f.integer("ok_during_survivable_faults"))


def took_effect(result: JSON, error: str | None = None) -> bool:
    """Whether a fault action's completion says it did something."""
    if error is not None or not isinstance(result, dict):
        return False
    if result.get("verified") is False:
        return False
    nodes = result.get("nodes")
    if isinstance(nodes, list):
        return bool(nodes)
    grudge = result.get("grudge")
    if isinstance(grudge, dict):
        return any(isinstance(v, list) and v for v in grudge.values())
    return True


def _survivable(window: FaultWindow, result: JSON, nodes: Sequence[str]) -> bool:
    """A fault a correct system survives on its majority side."""
    majority = len(nodes) // 2 + 1
    if not isinstance(result, dict):
        return False
    if window.kind == "partition":
        grudge = result.get("grudge")
        if not isinstance(grudge, dict):
            return False
        drops = {str(n): [str(s) for s in v] for n, v in grudge.items() if isinstance(v, list)}
        # one-way cuts are not sides of a clean split: judge them by their full-sides only
        return any(len(side) >= majority for side in sides(drops, nodes))
    if window.kind in ("kill", "pause"):
        hit = result.get("nodes")
        return isinstance(hit, list) and 0 < len(hit) < majority
    return False


def check_coverage(test: TestConfig, history: History) -> CoverageResult:
    """The three checks of the module docstring, on ``history`` of ``test``."""
    problems: list[str] = []
    limit_ns = int(test.time_limit * 1e9)
    operations = history.operations()
    served_by_f: dict[str, int] = {}
    for o in operations:
        if o.call_time <= limit_ns:
            served_by_f.setdefault(o.f, 0)
            if served(o):
                served_by_f[o.f] += 1
    if not served_by_f:
        problems.append("too little traffic: no client operation during the workload")
    else:
        short = {f: n for f, n in sorted(served_by_f.items()) if n < test.min_ok}
        if short:
            counts = ", ".join(f"{f} {n}" for f, n in short.items())
            problems.append(f"too little traffic: only {counts} operation(s) succeeded "
                            f"(at least {test.min_ok} of each kind needed; see --min-ok)")

    actions = nemesis_actions(history.ops)
    errors = _completion_errors(history)
    result_of: dict[int, JSON] = {a.index: a.result for a in actions}
    applied_kinds: dict[str, int] = {}
    for a in actions:
        kind = START_KIND.get(a.f)
        if kind is not None and took_effect(a.result, errors.get(a.index)):
            applied_kinds[kind] = applied_kinds.get(kind, 0) + 1
    applied: dict[str, int] = {}
    for name in dict.fromkeys(n for n in test.nemesis if n in FAULT_KINDS):
        applied[name] = sum(applied_kinds.get(k, 0) for k in FAULT_KINDS[name])
        if applied[name] == 0:
            problems.append(f"the requested fault {name!r} was never applied (no {name} action "
                            "took effect during the run)")

    survivable = [w for w in fault_windows(history)
                  if _survivable(w, result_of.get(w.start_index), test.nodes)]
    spans = _union([(w.start, w.end) for w in survivable])
    total_ns = sum(e - s for s, e in spans)
    ok_inside = sum(1 for o in operations if o.ret_time is not None and served(o)
                    and any(s <= o.ret_time <= e for s, e in spans))
    if total_ns >= MIN_SURVIVABLE_S * 1e9 and ok_inside == 0:
        problems.append(f"no operation succeeded during {total_ns / 1e9:.1f} s of faults a "
                        "majority survives (the faults were not tested, only the outage)")
    return CoverageResult(
        verdict=Verdict.UNKNOWN if problems else Verdict.VALID, problems=tuple(problems),
        served_by_f=served_by_f, applied=applied,
        survivable_s=round(total_ns / 1e9, 3),
        survivable_ok=ok_inside,
    )


def _completion_errors(history: History) -> dict[int, str | None]:
    """Index of each nemesis action's first record -> its completion's error (paired as
    :func:`~checkers.fault_windows.nemesis_actions` pairs them)."""
    pending: dict[str, int] = {}
    out: dict[int, str | None] = {}
    for op in history.ops:
        if op.is_client:
            continue
        first = pending.pop(op.f, None)
        if first is None:
            pending[op.f] = op.index
        else:
            out[first] = op.error
    return out


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


__all__ = ["FAULT_KINDS", "MIN_SURVIVABLE_S", "START_KIND", "CoverageResult", "check_coverage",
           "took_effect"]
