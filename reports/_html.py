"""Small HTML building blocks (all text is escaped here)."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence

from checkers.verdict import Verdict
from harness.kernel.jsontypes import JSON

PRETTY_LIMIT = 60_000
"""Characters of raw JSON shown per checker result before it is cut."""


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def badge(verdict: Verdict | None, *, big: bool = False) -> str:
    name = verdict.value if verdict is not None else "none"
    text = verdict.value if verdict is not None else "no verdict"
    return f'<span class="verdict {name}{" big" if big else ""}">{esc(text)}</span>'


def pretty(value: JSON, limit: int = PRETTY_LIMIT) -> str:
    """Indented JSON in a ``<pre>``, cut (and saying so) past ``limit`` characters."""
    text = json.dumps(value, indent=2, sort_keys=False, default=str)
    if len(text) > limit:
        text = text[:limit] + f"\n… ({len(text) - limit} more characters elided)"
    return f"<pre>{esc(text)}</pre>"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], *,
          numeric: Sequence[int] = (), row_class: Sequence[str] | None = None,
          cls: str = "") -> str:
    """A table whose cells are already HTML (escape them with :func:`esc`)."""
    num = set(numeric)
    head = "".join(f'<th{" class=num" if i in num else ""}>{esc(h)}</th>'
                   for i, h in enumerate(headers))
    body = []
    for r, cells in enumerate(rows):
        rc = f' class="{row_class[r]}"' if row_class and row_class[r] else ""
        tds = "".join(f'<td{" class=num" if i in num else ""}>{c}</td>'
                      for i, c in enumerate(cells))
        body.append(f"<tr{rc}>{tds}</tr>")
    cls_attr = f' class="{cls}"' if cls else ""
    return f"<table{cls_attr}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def seconds(ns: float | int | None) -> str:
    """A time since the start of the test, in seconds."""
    return "—" if ns is None else f"{ns / 1e9:.3f} s"


def duration(ns: float | int | None) -> str:
    if ns is None:
        return "—"
    if ns < 1e6:
        return f"{ns / 1e3:.0f} µs"
    if ns < 1e9:
        return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e9:.3f} s"


def section(ident: str, title: str, body: str) -> str:
    return f'<section id="{esc(ident)}"><h2>{esc(title)}</h2>{body}</section>'


__all__ = ["badge", "duration", "esc", "pretty", "seconds", "section", "table"]
