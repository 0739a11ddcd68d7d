"""The transactional checkers' result."""

from __future__ import annotations

from dataclasses import dataclass

from checkers.consistency import Boundary
from checkers.elle._findings import Finding
from checkers.verdict import Verdict
from harness.jsontypes import JSON


@dataclass(frozen=True, kw_only=True, slots=True)
class TxnRef:
    """A transaction as reported: its history positions and micro-ops (JSON)."""

    id: int
    process: int
    status: str
    call: int
    ret: int | None
    mops: JSON

    def to_json(self) -> dict[str, JSON]:
        return {"id": self.id, "process": self.process, "status": self.status,
                "call": self.call, "ret": self.ret, "mops": self.mops}


@dataclass(frozen=True, kw_only=True, slots=True)
class TxnCheckResult:
    """What a list-append or rw-register check found.

    ``anomalies`` are the names found (Elle's spelling), ``boundary`` what they rule out,
    ``findings`` up to a few examples of each with their proof, ``txns`` the transactions the
    findings mention. ``complete`` is False when the time budget stopped the detailed cycle
    search: the cheap pass still proves the general anomalies listed (``G2-item`` and its
    variants stand for "some cycle of these edge kinds exists"). ``verdict`` is invalid when an
    anomaly is forbidden by ``model``, unknown when the cheap pass itself did not finish.
    """

    workload: str
    model: str
    verdict: Verdict
    anomalies: tuple[str, ...]
    boundary: Boundary
    findings: tuple[Finding, ...]
    txns: tuple[TxnRef, ...]
    complete: bool
    txn_count: int
    edge_counts: dict[str, int]
    cannot_infer: tuple[str, ...] = ()
    reason: str | None = None

    def to_json(self) -> dict[str, JSON]:
        out: dict[str, JSON] = {
            "workload": self.workload,
            "model": self.model,
            "verdict": self.verdict.value,
            "anomalies": list(self.anomalies),
            "not": list(self.boundary.not_),
            "also-not": list(self.boundary.also_not),
            "possible": list(self.boundary.possible),
            "complete": self.complete,
            "txn-count": self.txn_count,
            "edges": dict(self.edge_counts),
            "findings": [f.to_json() for f in self.findings],
            "txns": [t.to_json() for t in self.txns],
        }
        if self.cannot_infer:
            out["cannot-infer"] = list(self.cannot_infer)
        if self.reason is not None:
            out["reason"] = self.reason
        return out


__all__ = ["TxnCheckResult", "TxnRef"]
