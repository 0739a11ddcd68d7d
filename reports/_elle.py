"""The transactional (Elle-style) findings of a run: anomalies found, models ruled out and still
possible, and each cycle drawn as a small graph (transactions as nodes, edges labelled ww, wr,
rw, process or realtime) with the micro-ops that justify each edge and links to the timeline.

Consumes the checker's typed result (:class:`checkers.elle.TxnCheckResult`)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from checkers.elle import CycleEdge, Finding, TxnCheckResult, TxnRef
from harness.kernel.history import History
from harness.kernel.jsontypes import JSON
from harness.kernel.valuetext import show_short
from reports._html import esc, table
from reports._results import CheckerResult
from reports._timeline import us

MAX_FINDINGS = 12
"""Findings drawn per checker (the rest are counted)."""
_COLORS = {"ww": "#1f6feb", "wr": "#2da44e", "rw": "#cf222e", "process": "#8250df",
           "realtime": "#9a6700"}


def _pills(names: list[str]) -> str:
    return "".join(f'<span class="pill">{esc(n)}</span>' for n in names) or "—"


def cycle_svg(edges: Sequence[CycleEdge]) -> str:
    """An SVG drawing of a cycle: nodes ``T<id>`` on a circle, curved labelled arrows."""
    order: list[int] = []
    for e in edges:
        for end in (e.src, e.dst):
            if end not in order:
                order.append(end)
    n = len(order)
    if n == 0:
        return ""
    size, radius = 320, 110 if n > 2 else 80
    cx = cy = size / 2
    pos = {t: (cx + radius * math.cos(2 * math.pi * i / n - math.pi / 2),
               cy + radius * math.sin(2 * math.pi * i / n - math.pi / 2))
           for i, t in enumerate(order)}
    parts = [f'<svg class="cycle" width="{size}" height="{size}" viewBox="0 0 {size} {size}" '
             f'role="img" aria-label="dependency cycle">',
             "<defs>" + "".join(
                 f'<marker id="arrow-{k}" viewBox="0 0 10 10" refX="10" refY="5" '
                 f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
                 f'<path d="M 0 0 L 10 5 L 0 10 z" fill="{c}"/></marker>'
                 for k, c in _COLORS.items()) + "</defs>"]
    for e in edges:
        a, b = e.src, e.dst
        kind = e.type
        color = _COLORS.get(kind, "#57606a")
        (x1, y1), (x2, y2) = pos[a], pos[b]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        sx, sy, ex, ey = x1 + ux * 22, y1 + uy * 22, x2 - ux * 22, y2 - uy * 22
        mx, my = (sx + ex) / 2 - uy * 28, (sy + ey) / 2 + ux * 28  # bend to the left
        lx, ly = (sx + ex) / 2 - uy * 40, (sy + ey) / 2 + ux * 40
        parts.append(f'<path d="M {sx:.1f} {sy:.1f} Q {mx:.1f} {my:.1f} {ex:.1f} {ey:.1f}" '
                     f'fill="none" stroke="{color}" stroke-width="2" '
                     f'marker-end="url(#arrow-{esc(kind)})"><title>{esc(e.why)}</title>'
                     f"</path>")
        parts.append(f'<text x="{lx:.1f}" y="{ly:.1f}" fill="{color}" font-size="13" '
                     f'text-anchor="middle" dominant-baseline="middle">{esc(kind)}</text>')
    for t, (x, y) in pos.items():
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="20" fill="#f6f8fa" '
                     f'stroke="#24292f"/><text x="{x:.1f}" y="{y:.1f}" font-size="13" '
                     f'text-anchor="middle" dominant-baseline="middle">T{t}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _timeline_link(history: History | None, txn: TxnRef) -> str:
    call, ret = txn.call, txn.ret
    if history is None or not 0 <= call < len(history.ops):
        return "—"
    start = history.ops[call].time
    end = history.ops[ret].time if ret is not None and 0 <= ret < len(history.ops) else start
    return (f'<a href="#timeline-section" data-focus-start="{us(start)}" '
            f'data-focus-end="{us(end)}" data-focus-index="{history.ops[call].index}">'
            f"timeline</a>")


def _mops(value: JSON) -> str:
    if not isinstance(value, list):
        return esc(show_short(value, 200))
    return " ".join(esc(show_short(m, 60)) for m in value)


def _txn_table(ids: Sequence[int], txns: dict[int, TxnRef], history: History | None) -> str:
    rows = []
    for i in dict.fromkeys(ids):
        t = txns.get(i)
        if t is None:
            continue
        rows.append((f"T{i}", esc(t.process), esc(t.status),
                     f'<span class="mono">{_mops(t.mops)}</span>',
                     _timeline_link(history, t)))
    if not rows:
        return ""
    return table(["txn", "process", "status", "micro-ops", ""], rows)


def _finding(f: Finding, txns: dict[int, TxnRef], history: History | None) -> str:
    parts = [f'<div class="anomaly" data-anomaly="{esc(f.name)}"><h4>{esc(f.name)}</h4>',
             f'<p class="explanation">{esc(f.description)}</p>']
    if f.cycle:
        parts.append(cycle_svg(f.cycle))
        parts.append(table(["edge", "type", "why"], [
            (f"T{esc(e.src)} → T{esc(e.dst)}", esc(e.type), esc(e.why)) for e in f.cycle]))
    parts.append(_txn_table(f.txns, txns, history))
    parts.append("</div>")
    return "".join(parts)


def _pick(findings: Sequence[Finding]) -> list[Finding]:
    """Up to two examples of each anomaly, cycles first, at most :data:`MAX_FINDINGS`."""
    per_name: dict[str, int] = {}
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: not f.cycle):
        if per_name.get(f.name, 0) < 2 and len(out) < MAX_FINDINGS:
            per_name[f.name] = per_name.get(f.name, 0) + 1
            out.append(f)
    return out


def _checker(r: TxnCheckResult, history: History | None) -> str:
    parts = [table(["", ""], [
        ("anomalies", _pills(list(r.anomalies))),
        ("ruled out (weakest)", _pills(list(r.boundary.not_))),
        ("also ruled out", _pills(list(r.boundary.also_not))),
        ("strongest models still possible", _pills(list(r.boundary.possible))),
        ("checked against", esc(r.model)),
        ("transactions", esc(r.txn_count)),
    ])]
    if r.reason is not None:
        parts.append(f'<p class="note">note: {esc(r.reason)}</p>')
    if r.cannot_infer:
        parts.append('<p class="note">cannot infer: ' +
                     "; ".join(esc(v) for v in r.cannot_infer) + "</p>")
    txns = {t.id: t for t in r.txns}
    shown = _pick(r.findings)
    parts.extend(_finding(f, txns, history) for f in shown)
    if len(r.findings) > len(shown):
        parts.append(f"<p>… and {len(r.findings) - len(shown)} more finding(s) in "
                     f"results.json.</p>")
    return "".join(parts)


def transactions_section(checkers: Sequence[CheckerResult],
                         history: History | None = None) -> str:
    """HTML for the list-append and rw-register results ('' if there is none)."""
    blocks = []
    for c in checkers:
        if not isinstance(c.result, TxnCheckResult):
            continue
        blocks.append(f'<div class="finding" data-checker="{esc(c.name)}"><h3>{esc(c.name)}</h3>'
                      f"{_checker(c.result, history)}</div>")
    return "".join(blocks)


__all__ = ["cycle_svg", "transactions_section"]
