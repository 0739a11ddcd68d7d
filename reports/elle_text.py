"""A plain-text explanation of a transactional (Elle-style) result: anomalies, what they rule
out, and each cycle drawn as its edges with the micro-ops that justify them."""

from __future__ import annotations

from checkers.elle import Finding, TxnCheckResult, TxnRef

MAX_FINDINGS = 12
"""Findings explained in detail; the rest are counted."""


def _txn(ref: TxnRef) -> str:
    ret = "∞" if ref.ret is None else str(ref.ret)
    mops = " ".join(f"[{m[0]} {m[1]!r} {m[2]!r}]" for m in ref.mops  # type: ignore[index]
                    ) if isinstance(ref.mops, list) else str(ref.mops)
    return f"T{ref.id} process {ref.process} {ref.status} [{ref.call}..{ret}]: {mops}"


def _finding(f: Finding, refs: dict[int, TxnRef]) -> list[str]:
    lines = [f"  {f.name}: {f.description}"]
    if f.cycle:
        for e in f.cycle:
            lines.append(f"    T{e.src} --{e.type}--> T{e.dst}   {e.why}")
    for t in dict.fromkeys(f.txns):
        if t in refs:
            lines.append(f"      {_txn(refs[t])}")
    return lines


def explain(result: TxnCheckResult) -> str:
    """Several lines: the anomalies, the models ruled out and still possible, the proofs."""
    b = result.boundary
    lines = [
        f"anomalies: {', '.join(result.anomalies) or 'none'}",
        f"not: {', '.join(b.not_) or '-'}" + (f" (also not: {', '.join(b.also_not)})"
                                               if b.also_not else ""),
        f"strongest models still possible: {', '.join(b.possible) or 'none'}",
    ]
    if result.reason:
        lines.append(f"note: {result.reason}")
    if result.cannot_infer:
        lines.append("this inference cannot see: " + "; ".join(result.cannot_infer))
    refs = {t.id: t for t in result.txns}
    for f in result.findings[:MAX_FINDINGS]:
        lines.extend(_finding(f, refs))
    if len(result.findings) > MAX_FINDINGS:
        lines.append(f"  ... and {len(result.findings) - MAX_FINDINGS} more finding(s)")
    return "\n".join(lines)


__all__ = ["explain"]
