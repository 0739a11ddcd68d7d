"""The transactional checkers' result."""

from __future__ import annotations

from dataclasses import dataclass

from checkers.consistency import TRANSACTIONAL, Boundary, UnknownNameError, boundary
from checkers.elle._findings import Finding
from checkers.result_json import Fields
from checkers.verdict import Verdict
from harness.kernel.jsontypes import JSON


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

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> TxnRef:
        f = Fields(value, where)
        return cls(id=f.integer("id"), process=f.integer("process"), status=f.text("status"),
                   call=f.integer("call"), ret=f.opt_integer("ret"), mops=f.raw("mops"))


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
            "checker": "elle",
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

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> TxnCheckResult:
        """The result as :meth:`to_json` wrote it (the boundary is derived from the
        anomalies)."""
        f = Fields(value, where)
        anomalies = f.strs("anomalies")
        try:
            bounds = boundary(anomalies, TRANSACTIONAL)
        except UnknownNameError as e:
            raise f.error("anomalies", str(e)) from None
        return cls(workload=f.text("workload"), model=f.text("model"), verdict=f.verdict(),
                   anomalies=anomalies, boundary=bounds,
                   findings=f.objects("findings", Finding.from_json),
                   txns=f.objects("txns", TxnRef.from_json), complete=f.flag("complete"),
                   txn_count=f.integer("txn-count"), edge_counts=f.int_map("edges"),
                   cannot_infer=f.strs("cannot-infer", optional=True),
                   reason=f.opt_text("reason"))


__all__ = ["TxnCheckResult", "TxnRef"]
