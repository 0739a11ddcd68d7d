"""Eventual-consistency findings (set and counter checkers): lost and unexpected elements, with
the operations that show them."""

from __future__ import annotations

from collections.abc import Sequence

from harness.history import History
from harness.jsontypes import JSON
from harness.valuetext import show_short
from reports._html import duration, esc, seconds, table
from reports._lanes import Bar, Role, lanes_html
from reports._results import CheckerResult

_TITLES = {
    "lost": "Lost: acknowledged adds missing from every final read",
    "unexpected": "Unexpected: reads containing elements never added",
    "recovered": "Recovered: indeterminate adds present in the end",
    "final_reads": "Final reads (they disagree)",
}


def _number(value: JSON) -> int | float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _elements(label: str, values: JSON, count: JSON) -> str:
    items = values if isinstance(values, list) else []
    total = count if isinstance(count, int) else len(items)
    if not total:
        return ""
    pills = "".join(f'<span class="pill">{esc(show_short(v, 40))}</span>' for v in items)
    more = f" … and {total - len(items)} more" if total > len(items) else ""
    return f"<p><strong>{esc(label)}</strong> ({total}): {pills}{esc(more)}</p>"


def _ops_table(ops: JSON) -> str:
    rows = []
    for op in ops if isinstance(ops, list) else []:
        if not isinstance(op, dict):
            continue
        start = op.get("call_time")
        end = op.get("ret_time")
        rows.append((esc(op.get("index")), esc(op.get("process")), esc(op.get("node") or "—"),
                     esc(op.get("f")), esc(op.get("type")), esc(show_short(op.get("value"), 80)),
                     esc(seconds(start if isinstance(start, int) else None)),
                     esc(seconds(end if isinstance(end, int) else None))))
    if not rows:
        return ""
    return table(["history index", "process", "node", "f", "type", "value", "invoked",
                  "completed"], rows)


def _set(c: CheckerResult) -> str:
    d = c.data
    parts = [_elements("Lost elements", d.get("lost"), d.get("lost_count")),
             _elements("Unexpected elements", d.get("unexpected"), d.get("unexpected_count")),
             _elements("Recovered elements", d.get("recovered"), d.get("recovered_count"))]
    missing = d.get("missing_by_node")
    if isinstance(missing, dict) and missing:
        parts.append(table(["node", "acknowledged elements missing from its final read"],
                           [(esc(n), esc(show_short(v, 200))) for n, v in missing.items()]))
    evidence = d.get("evidence")
    if isinstance(evidence, dict):
        for name, ops in evidence.items():
            t = _ops_table(ops)
            if t:
                parts.append(f"<h4>{esc(_TITLES.get(name, name))}</h4>{t}")
    stale = d.get("stale")
    if isinstance(stale, list) and stale:
        rows = [(esc(show_short(s.get("element"))), esc(s.get("stale_reads")),
                 esc(seconds(_number(s.get("known_at")))),
                 esc(duration(_number(s.get("visible_after")))))
                for s in stale if isinstance(s, dict)]
        parts.append(f"<h4>Stale reads ({esc(d.get('stale_count'))} element(s))</h4>")
        parts.append(table(["element", "stale reads", "known at", "visible after"], rows))
    vis = d.get("visibility_ns")
    if isinstance(vis, dict) and vis:
        parts.append("<p>Time to visibility: " + ", ".join(
            f"{esc(k)} {esc(duration(v if isinstance(v, int | float) else None))}"
            for k, v in vis.items()) + "</p>")
    return "".join(parts)


def _counter(c: CheckerResult) -> str:
    d = c.data
    errors = d.get("errors")
    rows = [(esc(e.get("index")), esc(e.get("process")), esc(e.get("node") or "—"),
             esc(e.get("value")), esc(f"[{e.get('lower')}, {e.get('upper')}]"))
            for e in (errors if isinstance(errors, list) else []) if isinstance(e, dict)]
    parts = []
    if rows:
        parts.append(f"<h4>Reads outside their bounds ({esc(d.get('error_count'))})</h4>")
        parts.append(table(["history index", "process", "node", "read", "possible"], rows))
    finals = d.get("final_values")
    if isinstance(finals, dict) and finals:
        parts.append(table(["node", "final value"],
                           [(esc(n), esc(v)) for n, v in finals.items()]))
    return "".join(parts)


MAX_LANE_OPS = 40
"""Operations drawn in a finding's lane diagram."""


def _int(value: JSON) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _op_bar(op: dict[str, JSON], role: Role, what: str) -> Bar | None:
    start, end, process = op.get("call_time"), op.get("ret_time"), op.get("process")
    if not isinstance(start, int):
        return None
    value = op.get("value")
    text = f"{op.get('f')}({'' if value is None else show_short(value, 60)})"
    return Bar(lane=f"process {process}", start=start, end=end if isinstance(end, int) else None,
               label=text, role=role, title=f"{what}: {text}", index=_int(op.get("index")))


def _set_lanes(c: CheckerResult) -> str:
    evidence = c.data.get("evidence")
    if not isinstance(evidence, dict):
        return ""
    bars: list[Bar] = []
    for name, role, what in (("lost", Role.CONFLICT, "acknowledged, then lost"),
                             ("unexpected", Role.FAILING, "read an element never added"),
                             ("final_reads", Role.CANDIDATE, "final read")):
        ops = evidence.get(name)
        for op in ops if isinstance(ops, list) else []:
            bar = _op_bar(op, role, what) if isinstance(op, dict) else None
            if bar is not None and len(bars) < MAX_LANE_OPS:
                bars.append(bar)
    return lanes_html(bars, legend=((Role.FAILING, "read with an element never added"),
                                    (Role.CONFLICT, "acknowledged add of a lost element"),
                                    (Role.CANDIDATE, "final read")))


def _counter_lanes(c: CheckerResult, history: History | None) -> str:
    errors = c.data.get("errors")
    first_error = errors[0] if isinstance(errors, list) and errors else None
    if not isinstance(first_error, dict) or history is None:
        return ""
    first = _int(first_error.get("index"))
    operations = history.operations()
    read = next((o for o in operations if o.call == first), None)
    if read is None:
        return ""
    end = read.ret_time if read.ret_time is not None else read.call_time
    why = first_error.get("explanation")
    bars = [Bar(lane=f"process {read.process}", start=read.call_time, end=read.ret_time,
                label=f"read() -> {show_short(read.output, 40)}", role=Role.FAILING,
                title=f"read outside its bounds: {why if isinstance(why, str) else ''}",
                index=read.call)]
    adds = [o for o in operations if o.f == "add" and o.call_time <= end
            and (o.ret_time is None or o.ret_time >= read.call_time)]
    for o in adds[: MAX_LANE_OPS - 1]:
        bars.append(Bar(lane=f"process {o.process}", start=o.call_time, end=o.ret_time,
                        label=f"add({show_short(o.value, 20)})", role=Role.CONFLICT,
                        title=f"add in flight during the read ({o.type.value})", index=o.call))
    return lanes_html(bars, legend=((Role.FAILING, "read outside its bounds"),
                                    (Role.CONFLICT, "add in flight during it")),
                      caption="The first read outside its bounds and the adds concurrent "
                              "with it.")


def findings_section(checkers: Sequence[CheckerResult], history: History | None = None) -> str:
    """HTML for the set and counter results ('' if there is none)."""
    blocks = []
    for c in checkers:
        if c.kind == "set":
            body = _set_lanes(c) + _set(c)
        elif c.kind == "counter":
            body = _counter_lanes(c, history) + _counter(c)
        else:
            continue
        why = c.data.get("explanation")
        if isinstance(why, str) and why:
            body = f'<p class="explanation">{esc(why)}</p>{body}'
        blocks.append(f'<div class="finding" data-checker="{esc(c.name)}"><h3>{esc(c.name)}</h3>'
                      f"{body or '<p>No findings.</p>'}</div>")
    return "".join(blocks)


__all__ = ["findings_section"]
