"""Eventual-consistency findings (set and counter checkers): lost and unexpected elements, with
the operations that show them."""

from __future__ import annotations

from collections.abc import Sequence

from checkers.counter import CounterResult
from checkers.eventual import ExampleOp, SetResult
from harness.kernel.history import History
from harness.kernel.jsontypes import Scalar
from harness.kernel.valuetext import show_short
from reports._html import duration, esc, seconds, table
from reports._lanes import Bar, Role, lanes_html
from reports._results import CheckerResult

_TITLES = {
    "lost": "Lost: acknowledged adds missing from every final read",
    "unexpected": "Unexpected: reads containing elements never added",
    "recovered": "Recovered: indeterminate adds present in the end",
    "final_reads": "Final reads (they disagree)",
}


MAX_ELEMENTS = 500
"""Elements listed by value at most per kind (lost, unexpected, recovered); the rest are counted,
so that a run losing 100k elements still has a report of a few MB (results.json lists them all)."""


def _elements(label: str, values: Sequence[Scalar], total: int) -> str:
    if not total:
        return ""
    pills = "".join(f'<span class="pill">{esc(show_short(v, 40))}</span>' for v in values)
    more = f" … and {total - len(values)} more" if total > len(values) else ""
    return f"<p><strong>{esc(label)}</strong> ({total}): {pills}{esc(more)}</p>"


def _ops_table(ops: Sequence[ExampleOp]) -> str:
    rows = [(esc(op.index), esc(op.process), esc(op.node or "—"), esc(op.f), esc(op.type.value),
             esc(show_short(op.value, 80)), esc(seconds(op.call_time)),
             esc(seconds(op.ret_time))) for op in ops]
    if not rows:
        return ""
    return table(["history index", "process", "node", "f", "type", "value", "invoked",
                  "completed"], rows)


def _set(r: SetResult) -> str:
    parts = [_elements("Lost elements", r.lost[:MAX_ELEMENTS], len(r.lost)),
             _elements("Unexpected elements", r.unexpected[:MAX_ELEMENTS], len(r.unexpected)),
             _elements("Recovered elements", r.recovered[:MAX_ELEMENTS], len(r.recovered))]
    if r.missing_by_node:
        parts.append(table(["node", "acknowledged elements missing from its final read"],
                           [(esc(n), esc(show_short(list(v), 200)))
                            for n, v in r.missing_by_node.items()]))
    for name, ops in r.evidence.items():
        t = _ops_table(ops)
        if t:
            parts.append(f"<h4>{esc(_TITLES.get(name, name))}</h4>{t}")
    if r.stale:
        rows = [(esc(show_short(s.element)), esc(s.stale_reads), esc(seconds(s.known_at)),
                 esc(duration(s.visible_after))) for s in r.stale]
        parts.append(f"<h4>Stale reads ({esc(r.stale_count)} element(s))</h4>")
        parts.append(table(["element", "stale reads", "known at", "visible after"], rows))
    if r.visibility_ns:
        parts.append("<p>Time to visibility: " + ", ".join(
            f"{esc(k)} {esc(duration(v))}" for k, v in r.visibility_ns.items()) + "</p>")
    return "".join(parts)


def _counter(r: CounterResult) -> str:
    rows = [(esc(e.index), esc(e.process), esc(e.node or "—"), esc(e.value),
             esc(f"[{e.lower}, {e.upper}]")) for e in r.errors]
    parts = []
    if rows:
        parts.append(f"<h4>Reads outside their bounds ({esc(r.error_count)})</h4>")
        parts.append(table(["history index", "process", "node", "read", "possible"], rows))
    if r.final_values:
        parts.append(table(["node", "final value"],
                           [(esc(n), esc(v)) for n, v in r.final_values.items()]))
    return "".join(parts)


MAX_LANE_OPS = 40
"""Operations drawn in a finding's lane diagram."""


def _op_bar(op: ExampleOp, role: Role, what: str) -> Bar:
    text = f"{op.f}({'' if op.value is None else show_short(op.value, 60)})"
    return Bar(lane=f"process {op.process}", start=op.call_time, end=op.ret_time, label=text,
               role=role, title=f"{what}: {text}", index=op.index)


def _set_lanes(r: SetResult) -> str:
    bars: list[Bar] = []
    for name, role, what in (("lost", Role.CONFLICT, "acknowledged, then lost"),
                             ("unexpected", Role.FAILING, "read an element never added"),
                             ("final_reads", Role.CANDIDATE, "final read")):
        for op in r.evidence.get(name, ()):
            if len(bars) < MAX_LANE_OPS:
                bars.append(_op_bar(op, role, what))
    return lanes_html(bars, legend=((Role.FAILING, "read with an element never added"),
                                    (Role.CONFLICT, "acknowledged add of a lost element"),
                                    (Role.CANDIDATE, "final read")))


def _counter_lanes(r: CounterResult, history: History | None) -> str:
    if not r.errors or history is None:
        return ""
    first_error = r.errors[0]
    operations = history.operations()
    read = next((o for o in operations if o.call == first_error.index), None)
    if read is None:
        return ""
    end = read.ret_time if read.ret_time is not None else read.call_time
    bars = [Bar(lane=f"process {read.process}", start=read.call_time, end=read.ret_time,
                label=f"read() -> {show_short(read.output, 40)}", role=Role.FAILING,
                title=f"read outside its bounds: {first_error.explanation}",
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
        result = c.result
        if isinstance(result, SetResult):
            body = _set_lanes(result) + _set(result)
        elif isinstance(result, CounterResult):
            body = _counter_lanes(result, history) + _counter(result)
        else:
            continue
        why = result.explanation
        if why:
            body = f'<p class="explanation">{esc(why)}</p>{body}'
        blocks.append(f'<div class="finding" data-checker="{esc(c.name)}"><h3>{esc(c.name)}</h3>'
                      f"{body or '<p>No findings.</p>'}</div>")
    return "".join(blocks)


__all__ = ["findings_section"]
