"""Lane diagrams: one lane per process, operations as bars on a shared time axis.

The reusable view of a few dozen operations (a linearizability counterexample, an Elle-style
cycle): the page's script (``assets/lanes.js``) draws every ``<div class="lanes">`` from the JSON
inside it. Labels never overlap: within a lane, bars whose label boxes would collide go to stacked
rows; labels longer than :data:`LABEL_CHARS` are cut with an ellipsis and the full text is shown on
hover (an SVG ``<title>``). The diagram zooms along the time axis (buttons, or the wheel with
Ctrl), laying labels out again at each zoom.

Use::

    lanes_html([Bar(lane="process 3", start=t0, end=t1, label="read() -> 2",
                    role=Role.FAILING, title="...")], caption="...")
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from harness.kernel.jsontypes import JSON
from reports._html import esc
from reports._timeline import script_json, us

LABEL_CHARS = 36
"""Characters of a label drawn on a bar; longer labels are cut (full text on hover)."""


class Role(StrEnum):
    """How a bar is highlighted."""

    PLAIN = "plain"  # context (e.g. a linearized operation)
    FAILING = "failing"  # the operation that could not be linearized
    CONFLICT = "conflict"  # an operation the failing one conflicts with
    CANDIDATE = "candidate"  # another operation that could not come next either


@dataclass(frozen=True, kw_only=True, slots=True)
class Bar:
    """One operation: ``start``/``end`` in ns since the test started (``end`` ``None`` for an
    indeterminate operation, drawn to the end of the axis)."""

    lane: str
    start: int
    end: int | None
    label: str
    role: Role = Role.PLAIN
    title: str | None = None
    """Hover text (default: the label)."""
    index: int | None = None
    """The operation's history index (shown on hover; links to the timeline)."""


def lanes_data(bars: Sequence[Bar], *, lanes: Sequence[str] | None = None) -> dict[str, JSON]:
    """The script's input: lanes in order (given, or by first appearance) and bars, times in µs."""
    order = list(lanes) if lanes is not None else list(dict.fromkeys(b.lane for b in bars))
    index = {name: i for i, name in enumerate(order)}
    for b in bars:
        if b.lane not in index:
            index[b.lane] = len(order)
            order.append(b.lane)
    starts = [b.start for b in bars]
    ends = [b.end for b in bars if b.end is not None]
    t0 = min(starts, default=0)
    t1 = max([*ends, *starts], default=0)
    rows: list[JSON] = [
        {"l": index[b.lane], "s": us(b.start), "e": None if b.end is None else us(b.end),
         "t": b.label, "h": b.title if b.title is not None else b.label, "r": b.role.value,
         "i": b.index}
        for b in sorted(bars, key=lambda b: (index[b.lane], b.start))
    ]
    return {"lanes": list(order), "t0": us(t0), "t1": us(max(t1, t0 + 1)), "bars": rows,
            "chars": LABEL_CHARS}


LEGEND: tuple[tuple[Role, str], ...] = (
    (Role.FAILING, "failing operation"),
    (Role.CONFLICT, "conflicting operation"),
    (Role.CANDIDATE, "other candidate"),
    (Role.PLAIN, "linearized"),
)
"""The counterexample's legend; other views pass their own words for the roles they use."""


def lanes_html(bars: Sequence[Bar], *, lanes: Sequence[str] | None = None,
               caption: str = "", legend: Sequence[tuple[Role, str]] = LEGEND) -> str:
    """A lane diagram ('' without bars): a container the page's script draws into."""
    if not bars:
        return ""
    used = {b.role for b in bars}
    keys = "".join(f'<i class="lk {r.value}"></i>{esc(text)} ' for r, text in legend if r in used)
    legend_html = f'<span class="lanes-legend">{keys}</span>'
    cap = f'<span class="note">{esc(caption)}</span>' if caption else ""
    return (f'<div class="lanes"><div class="lanes-controls"><button class="lanes-in">zoom in'
            '</button><button class="lanes-out">zoom out</button><button class="lanes-reset">'
            f"reset</button>{legend_html}{cap}</div>"
            f'<div class="lanes-plot"></div><script type="application/json" class="lanes-data">'
            f"{script_json(lanes_data(bars, lanes=lanes))}</script></div>")


__all__ = ["LABEL_CHARS", "LEGEND", "Bar", "Role", "lanes_data", "lanes_html"]
