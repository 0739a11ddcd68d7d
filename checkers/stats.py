"""Operation counts: the ``stats`` part of every workload's checker."""

from __future__ import annotations

from checkers.compose import SimpleResult
from checkers.verdict import Verdict
from harness.config import TestConfig
from harness.history import History
from harness.jsontypes import JSON


class StatsChecker:
    """Counts by f and type (JSON ``operations``, ``ok``, ``by_f: {f: {ok, fail, info}}``);
    ``unknown`` if no client operation succeeded (nothing was tested)."""

    def check(self, test: TestConfig, history: History) -> SimpleResult:
        counts: dict[str, dict[str, int]] = {}
        for op in history.operations():
            by_type = counts.setdefault(op.f, {"ok": 0, "fail": 0, "info": 0})
            by_type[op.type.value] += 1
        ok = sum(c["ok"] for c in counts.values())
        total = sum(sum(c.values()) for c in counts.values())
        data: dict[str, JSON] = {
            "operations": total,
            "ok": ok,
            "by_f": {f: dict(c) for f, c in counts.items()},
        }
        if ok == 0:
            data["reason"] = "no client operation succeeded, so nothing was tested"
            return SimpleResult(verdict=Verdict.UNKNOWN, data=data)
        return SimpleResult(verdict=Verdict.VALID, data=data)


__all__ = ["StatsChecker"]
