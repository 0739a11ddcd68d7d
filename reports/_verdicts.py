"""The verdicts section: each checker's verdict and the reasons its result states.

Reasons are read from the result's fields; a checker the report does not know still shows its
verdict, its ``problems``/``error``/``reason``/``detail`` fields, and its raw JSON.
"""

from __future__ import annotations

from collections.abc import Callable

from harness.jsontypes import JSON
from harness.valuetext import show_key
from reports._html import badge, esc, pretty
from reports._results import CheckerResult, Results
from reports._timeline import compact


def _int(value: JSON) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _list(value: JSON) -> list[JSON]:
    return value if isinstance(value, list) else []


def _linearizable(data: dict[str, JSON]) -> list[str]:
    out: list[str] = []
    summary = data.get("summary")
    keys = [k for k in _list(data.get("keys")) if isinstance(k, dict)]
    if isinstance(summary, dict):
        out.append(f"model {compact(data.get('model'))}: {_int(summary.get('valid'))} key(s) "
                   f"linearizable, {_int(summary.get('invalid'))} not, "
                   f"{_int(summary.get('unknown'))} undecided "
                   f"({_int(data.get('operations'))} operations)")
    for k in keys:
        if k.get("verdict") == "invalid":
            msg = f"key {show_key(k.get('key'))}: not linearizable"
            cx = k.get("counterexample")
            prefixes = _list(cx.get("prefixes")) if isinstance(cx, dict) else []
            if prefixes and isinstance(prefixes[0], dict):
                p = prefixes[0]
                stuck = [s for s in _list(p.get("stuck")) if isinstance(s, dict)]
                ops = [s.get("operation") for s in stuck]
                names = [compact(o.get("description") or o.get("f"), 60)
                         for o in ops if isinstance(o, dict)]
                msg += (f"; after {_int(p.get('length'))} linearized operation(s), "
                        f"none of {_int(p.get('stuck_total')) or len(stuck)} candidate(s) "
                        f"could follow (e.g. {', '.join(names[:3]) or '?'})")
            out.append(msg)
        elif k.get("verdict") == "unknown":
            reason = k.get("reason") or "undecided"
            detail = f": {compact(k.get('detail'), 120)}" if k.get("detail") else ""
            out.append(f"key {show_key(k.get('key'))}: unknown ({compact(reason)}){detail}")
    return out


def _set(data: dict[str, JSON]) -> list[str]:
    out: list[str] = []
    out.append(f"{_int(data.get('acknowledged'))} of {_int(data.get('attempted'))} added "
               "elements acknowledged")
    if _int(data.get("lost_count")):
        out.append(f"{_int(data.get('lost_count'))} acknowledged element(s) lost")
    if _int(data.get("unexpected_count")):
        out.append(f"{_int(data.get('unexpected_count'))} element(s) read that were never added")
    if data.get("converged") is False:
        out.append("final reads of the nodes disagree (not converged)")
    if _int(data.get("stale_count")):
        out.append(f"{_int(data.get('stale_count'))} element(s) missing from some reads after "
                   "they were known (stale reads)")
    if _int(data.get("recovered_count")):
        out.append(f"{_int(data.get('recovered_count'))} indeterminate add(s) recovered")
    return out


def _counter(data: dict[str, JSON]) -> list[str]:
    out = [f"{_int(data.get('reads'))} read(s); acknowledged sum "
           f"{_int(data.get('acknowledged_sum'))}, attempted sum {_int(data.get('attempted_sum'))}"]
    if _int(data.get("error_count")):
        out.append(f"{_int(data.get('error_count'))} read(s) outside the possible bounds")
    if data.get("converged") is False:
        out.append("final reads of the nodes disagree (not converged)")
    return out


_KNOWN: dict[str, Callable[[dict[str, JSON]], list[str]]] = {
    "linearizable": _linearizable,
    "set": _set,
    "counter": _counter,
}
_GENERIC_FIELDS = ("error", "reason", "detail", "message", "problems", "errors")


MAX_REASONS = 25
"""Reasons listed per checker (the rest are counted; all are in its result JSON)."""


def reasons(result: CheckerResult) -> list[str]:
    """Plain-text reasons for a checker's verdict, from its own result fields (at most
    :data:`MAX_REASONS`, the last one saying how many more there are)."""
    out = _reasons(result)
    if len(out) > MAX_REASONS:
        out = [*out[: MAX_REASONS - 1],
               f"… and {len(out) - MAX_REASONS + 1} more (see the result JSON)"]
    return out


def _scalars(data: dict[str, JSON]) -> list[str]:
    """``key: value`` of a result's scalar fields (what an unknown checker tells at a glance)."""
    return [f"{k}: {compact(v, 80)}" for k, v in data.items()
            if k not in ("verdict", "checker") and not isinstance(v, list | dict)][:8]


def _reasons(result: CheckerResult) -> list[str]:
    out: list[str] = []
    known = _KNOWN.get(result.kind)
    if known is not None:
        try:
            out.extend(known(result.data))
        except (AttributeError, TypeError, KeyError, ValueError):
            out.append("(the result does not have the expected shape; see its JSON)")
    for name in _GENERIC_FIELDS:
        value = result.data.get(name)
        if known is not None and name == "errors":
            continue
        if isinstance(value, str) and value:
            out.append(f"{name}: {value}")
        elif isinstance(value, list):
            out.extend(f"{name}: {compact(v, 200)}" for v in value[:10])
    if not out and known is None:
        out = _scalars(result.data)
    return out


def verdicts_section(results: Results) -> str:
    parts = []
    if results.verdict is not None and not results.stated:
        parts.append('<p class="note">results.json states no overall verdict; shown is the '
                     "merge of its checkers' verdicts (invalid &gt; unknown &gt; valid).</p>")
    if results.problems:
        parts.append('<ul class="problems">' + "".join(f"<li>{esc(p)}</li>"
                                                      for p in results.problems) + "</ul>")
    if not results.checkers:
        parts.append("<p>No checker results.</p>")
    for c in results.checkers:
        name = c.verdict.value if c.verdict is not None else "none"
        items = "".join(f"<li>{esc(r)}</li>" for r in reasons(c)) or "<li>no reasons stated</li>"
        kind = f' <span class="muted">({esc(c.kind)})</span>' if c.kind != c.name else ""
        parts.append(
            f'<div class="checker {name}" data-checker="{esc(c.name)}">'
            f"<h3>{esc(c.name)}{kind} {badge(c.verdict)}</h3><ul>{items}</ul>"
            f"<details><summary>result JSON</summary>{pretty(c.data)}</details></div>"
        )
    return "".join(parts)


__all__ = ["MAX_REASONS", "reasons", "verdicts_section"]
