"""Operation counts: the ``stats`` part of every workload's checker."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from checkers.result_json import Fields
from checkers.verdict import Verdict
from harness.kernel.config import TestConfig
from harness.kernel.history import History
from harness.kernel.jsontypes import JSON


@dataclass(frozen=True, kw_only=True, slots=True)
class StatsResult:
    """Client operations counted by ``f`` and type (ok, fail, info); ``unknown`` with a reason
    when none succeeded (nothing was tested)."""

    verdict: Verdict
    operations: int
    ok: int
    by_f: Mapping[str, Mapping[str, int]]
    """f -> {"ok": n, "fail": n, "info": n}."""
    reason: str | None = None

    def to_json(self) -> dict[str, JSON]:
        out: dict[str, JSON] = {"checker": "stats", "verdict": self.verdict.value,
                                "operations": self.operations, "ok": self.ok,
                                "by_f": {f: dict(c) for f, c in self.by_f.items()}}
        if self.reason is not None:
            out["reason"] = self.reason
        return out

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> StatsResult:
        f = Fields(value, where)
        by_f = {name: Fields(counts, f.at(f"by_f.{name}")).int_values()
                for name, counts in f.mapping("by_f").items()}
        return cls(verdict=f.verdict(), operations=f.integer("operations"), ok=f.integer("ok"),
                   by_f=by_f, reason=f.opt_text("reason"))


class StatsChecker:
    """Counts by f and type; ``unknown`` if no client operation succeeded (nothing was
    tested)."""

    def check(self, test: TestConfig, history: History) -> StatsResult:
        counts: dict[str, dict[str, int]] = {}
        for op in history.operations():
            by_type = counts.setdefault(op.f, {"ok": 0, "fail": 0, "info": 0})
            by_type[op.type.value] += 1
        ok = sum(c["ok"] for c in counts.values())
        total = sum(sum(c.values()) for c in counts.values())
        if ok == 0:
            return StatsResult(verdict=Verdict.UNKNOWN, operations=total, ok=ok, by_f=counts,
                               reason="no client operation succeeded, so nothing was tested")
        return StatsResult(verdict=Verdict.VALID, operations=total, ok=ok, by_f=counts)


__all__ = ["StatsChecker", "StatsResult"]
