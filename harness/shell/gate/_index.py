"""The gate's index page: every case and run with its status, linking each run's report.

Self-contained (inline CSS, no script, no CDN); links are relative to the page so the page and
the store can be moved together (e.g. uploaded as one CI artifact).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from html import escape
from pathlib import Path

from harness.shell.gate._baseline import Regression
from harness.shell.gate._figures import Figures
from harness.shell.gate._judge import CaseJudgement, Status

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;
text-align:left;vertical-align:top}th{background:#f4f4f4}
.passed{color:#176f2c}.tolerated{color:#8a6100}.failed,.error{color:#b00020;font-weight:bold}
.broken{background:#fde8ea}.msg{font-size:12px;color:#555;max-width:60em}
.banner{padding:.6em 1em;border-radius:4px;display:inline-block}
.green{background:#e3f4e6}.red{background:#fde8ea}
"""


def _link(target: Path | None, page: Path, text: str) -> str:
    if target is None:
        return "-"
    try:
        href = os.path.relpath(target.resolve(), page.resolve().parent)
    except ValueError:
        href = str(target.resolve())
    return f'<a href="{escape(href)}">{escape(text)}</a>'


def _figure(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def index_html(page: Path, suite: str, cases: Sequence[CaseJudgement], *,
               figures: dict[str, Figures] | None = None,
               regressions: Sequence[Regression] = (), started: str = "") -> str:
    """The index page for a gate run, to be written at ``page``."""
    broken = [c for c in cases if c.broken]
    banner = (f'<p class="banner red">{len(broken)} of {len(cases)} case(s) broke their '
              f"expectation</p>" if broken else
              f'<p class="banner green">all {len(cases)} case(s) held their expectation</p>')
    rows: list[str] = []
    for judgement in cases:
        case = judgement.case
        figs = (figures or {}).get(case.name)
        cls = ' class="broken"' if judgement.broken else ""
        span = len(judgement.runs) or 1
        head = (f"<td rowspan={span}>{escape(case.name)}</td>"
                f"<td rowspan={span}>{escape(case.expect.value)}</td>"
                f"<td rowspan={span}>{escape(', '.join(case.nemesis))}</td>"
                f"<td rowspan={span}>{_figure(figs.availability if figs else None, '.1%')}<br>"
                f"p99 {_figure(figs.p99_ms if figs else None, '.0f')} ms<br>"
                f"unknown {_figure(figs.unknown_rate if figs else None, '.1%')}</td>")
        for i, run in enumerate(judgement.runs):
            result = run.result
            cells = (f"<td>{result.seed}</td><td>{escape(result.outcome)}</td>"
                     f'<td class="{run.status.value}">{escape(run.status.value)}</td>'
                     f"<td>{result.seconds:.1f}</td>"
                     f"<td>{_link(result.report or result.run_dir, page, 'report')}</td>"
                     f'<td class="msg">'
                     f"{escape(run.message) if run.status is not Status.PASSED else ''}</td>")
            rows.append(f"<tr{cls}>{head if i == 0 else ''}{cells}</tr>")
    regression_html = ""
    if regressions:
        items = "".join(f"<li>{escape(r.message)}</li>" for r in regressions)
        regression_html = f"<h2>Regressions against the baseline</h2><ul>{items}</ul>"
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>splitbrain gate {escape(suite)}</title><style>{CSS}</style></head><body>"
        f"<h1>splitbrain gate: {escape(suite)}</h1><p>{escape(started)}</p>{banner}"
        "<table><tr><th>case</th><th>expect</th><th>nemesis</th>"
        "<th>availability under faults / latency / unknown</th><th>seed</th><th>verdict</th>"
        "<th>status</th><th>seconds</th><th>report</th><th>why</th></tr>"
        f"{''.join(rows)}</table>{regression_html}</body></html>\n"
    )


def write_index(page: Path, html: str) -> None:
    page.parent.mkdir(parents=True, exist_ok=True)
    tmp = page.with_name(page.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(page)


__all__ = ["index_html", "write_index"]
