"""The results of composed checkers: a merge of named parts, a checker that failed, the operation
counts, and a plain verdict with data (for plugins). Each with ``to_json``/``from_json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from checkers.result_json import AnyResult, Fields, result_from_json
from checkers.verdict import Verdict, merge
from harness.jsontypes import JSON


@dataclass(frozen=True, kw_only=True, slots=True)
class SimpleResult:
    """A verdict with free-form data (what a plugin's checker may return). Read back, it is an
    :class:`checkers.result_json.OtherResult` unless its data names a known ``"checker"``."""

    verdict: Verdict
    data: Mapping[str, JSON] = field(default_factory=dict)

    def to_json(self) -> dict[str, JSON]:
        return {"verdict": self.verdict.value, **self.data}

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> SimpleResult:
        f = Fields(value, where)
        return cls(verdict=f.verdict(), data={k: v for k, v in f.value.items() if k != "verdict"})


@dataclass(frozen=True, kw_only=True, slots=True)
class CheckerFailure:
    """A checker that raised: never a pass (``unknown`` unless a stored result said otherwise,
    as informational checkers of schema 1 did); ``error`` is ``"<exception type>: <message>"``."""

    error: str
    verdict: Verdict = Verdict.UNKNOWN

    @classmethod
    def of(cls, e: BaseException) -> CheckerFailure:
        return cls(error=f"{type(e).__name__}: {e}")

    def to_json(self) -> dict[str, JSON]:
        return {"checker": "failed", "verdict": self.verdict.value, "error": self.error}

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> CheckerFailure:
        f = Fields(value, where)
        return cls(error=f.text("error"), verdict=f.verdict())


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


@dataclass(frozen=True, kw_only=True, slots=True)
class CompositeResult:
    """Named parts and their merged verdict (invalid > unknown > valid)."""

    verdict: Verdict
    parts: Mapping[str, AnyResult]

    def to_json(self) -> dict[str, JSON]:
        return {
            "checker": "compose",
            "verdict": self.verdict.value,
            "checkers": {name: part.to_json() for name, part in self.parts.items()},
        }

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> CompositeResult:
        f = Fields(value, where)
        parts = {name: result_from_json(part, f.at(f"checkers.{name}"))
                 for name, part in f.mapping("checkers").items()}
        return cls(verdict=f.verdict(), parts=parts)


def merged(parts: Mapping[str, AnyResult]) -> Verdict:
    """The merge of the parts' verdicts (parts without one are left out)."""
    return merge(p.verdict for p in parts.values() if p.verdict is not None)


__all__ = ["CheckerFailure", "CompositeResult", "SimpleResult", "StatsResult", "merged"]
