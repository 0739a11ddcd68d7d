"""What the transactional checkers report: anomalies with the transactions and micro-ops that
prove them, and cycles with their justified edges."""

from __future__ import annotations

from dataclasses import dataclass

from checkers.result_json import Fields
from harness.kernel.jsontypes import JSON


@dataclass(frozen=True, kw_only=True, slots=True)
class CycleEdge:
    """One edge of a reported cycle: ``src`` and ``dst`` are transaction ids, ``type`` is
    ``ww``, ``wr``, ``rw``, ``process`` or ``realtime``, ``why`` names the micro-ops (or the
    order) that justify it."""

    src: int
    dst: int
    type: str
    why: str

    def to_json(self) -> dict[str, JSON]:
        return {"from": self.src, "to": self.dst, "type": self.type, "why": self.why}

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> CycleEdge:
        f = Fields(value, where)
        return cls(src=f.integer("from"), dst=f.integer("to"), type=f.text("type"),
                   why=f.text("why"))


@dataclass(frozen=True, kw_only=True, slots=True)
class Finding:
    """One anomaly instance. ``name`` is spelled as Elle spells it (``G0``, ``G1a``,
    ``G-single-realtime``, ``internal``...); ``txns`` are the transaction ids involved (ids index
    :attr:`TxnCheckResult.txns`); ``cycle`` is set for cycle anomalies."""

    name: str
    txns: tuple[int, ...]
    description: str
    cycle: tuple[CycleEdge, ...] = ()

    def to_json(self) -> dict[str, JSON]:
        out: dict[str, JSON] = {"name": self.name, "txns": list(self.txns),
                                "description": self.description}
        if self.cycle:
            out["cycle"] = [e.to_json() for e in self.cycle]
        return out

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> Finding:
        f = Fields(value, where)
        return cls(name=f.text("name"), txns=f.ints("txns"), description=f.text("description"),
                   cycle=f.objects("cycle", CycleEdge.from_json, optional=True))


__all__ = ["CycleEdge", "Finding"]
