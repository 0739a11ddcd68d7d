"""Assemble ``report.html``: one self-contained page (inline CSS, script and data; no network)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from checkers.availability import AvailabilityReport, availability
from checkers.fault_windows import fault_windows, nemesis_events
from harness.kernel.bulk import gc_paused
from harness.kernel.history import history_of
from harness.kernel.jsontypes import JSON
from reports._counterexample import counterexamples_section
from reports._elle import transactions_section
from reports._findings import findings_section
from reports._focus import focus_positions
from reports._html import badge, duration, esc, pretty, seconds, section, table
from reports._results import Results, read_results
from reports._run import REPORT, Run, load_run
from reports._sample import DEFAULT_BUDGET, select
from reports._series import DEFAULT_BUCKETS, series
from reports._timeline import compact, script_json, timeline_data
from reports._verdicts import verdicts_section

MAX_WINDOW_ROWS = 200
"""Fault windows listed in the availability table (the rest are counted)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ReportInfo:
    """What :func:`build_report` wrote."""

    path: Path
    bytes: int
    operations: int
    shown: int
    verdict: str | None


def _asset(name: str) -> str:
    return resources.files("reports").joinpath("assets", name).read_text(encoding="utf-8")


def settings(config: dict[str, JSON] | None) -> dict[str, JSON]:
    """test.json's settings, flat: the controller nests the configuration under ``"test"``
    (beside ``seed``, ``start_time`` and ``versions``); nested keys are named ``test.<key>``."""
    out: dict[str, JSON] = {}
    for k, v in (config or {}).items():
        if k == "test" and isinstance(v, dict):
            out.update({f"test.{kk}": vv for kk, vv in v.items()})
        else:
            out[k] = v
    return out


def setting(config: dict[str, JSON] | None, key: str) -> JSON:
    """A setting of test.json, at the top or under ``"test"``."""
    flat = settings(config)
    return flat.get(key, flat.get(f"test.{key}"))


def _config_section(config: dict[str, JSON] | None) -> str:
    if config is None:
        return "<p>No test configuration (test.json is missing or unreadable).</p>"
    rows = []
    for k, v in settings(config).items():
        text = compact(v, 300)
        seedish = k in ("seed", "test.seed")
        cell = f"<strong class=\"seed\">{esc(text)}</strong>" if seedish else esc(text)
        rows.append((f"<code>{esc(k)}</code>", cell))
    seed = setting(config, "seed")
    head = (f"<p>Seed <strong class=\"seed\">{esc(seed)}</strong>: rerun with the same "
            "configuration to reproduce the schedule.</p>") if seed is not None else ""
    return (head + table(["setting", "value"], rows)
            + f"<details><summary>test.json</summary>{pretty(config)}</details>")


def _fraction(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _availability_section(report: AvailabilityReport) -> str:
    rows = []
    windows = report.windows[:MAX_WINDOW_ROWS]
    for a in (*windows, report.outside, report.overall):
        rows.append((esc(a.label), esc(seconds(a.start)), esc(seconds(a.end)),
                     esc(duration(a.duration_ns)), esc(a.ok), esc(a.fail), esc(a.info),
                     f"<strong>{esc(_fraction(a.ok_fraction))}</strong>",
                     esc("—" if a.ok_per_second is None else f"{a.ok_per_second:.1f}")))
    note = ('<p class="note">An operation counts for a window when it was invoked inside it. '
            "Windows of different faults may overlap.</p>")
    if not report.windows:
        note += "<p>No fault windows: the nemesis injected no faults.</p>"
    elif len(report.windows) > MAX_WINDOW_ROWS:
        note += (f'<p class="note">The first {MAX_WINDOW_ROWS} of {len(report.windows)} '
                 "windows are listed.</p>")
    return note + table(["window", "from", "to", "duration", "ok", "fail", "info", "ok %",
                         "ok/s"], rows, numeric=(4, 5, 6, 7, 8))


def _link(path: str) -> str:
    return f'<a href="{esc(quote(path))}">{esc(path)}</a>'


def _files_section(run: Run) -> str:
    parts = ["<p>Links are relative to the run directory.</p><ul>"]
    parts.extend(f"<li>{_link(name)}</li>" for name in run.files)
    parts.append("</ul>")
    if run.node_logs:
        rows = [(esc(log.node or "—"), _link(log.path), esc(f"{log.size:,} B"))
                for log in run.node_logs]
        parts.append("<h3>Node logs</h3>" + table(["node", "file", "size"], rows, numeric=(2,)))
        if run.node_logs_elided:
            parts.append(f'<p class="note">{run.node_logs_elided} more files under nodes/ are '
                         "not listed.</p>")
    else:
        parts.append("<p>No node logs (nodes/ is empty or missing).</p>")
    return "".join(parts)


def render(run: Run, *, budget: int = DEFAULT_BUDGET, buckets: int = DEFAULT_BUCKETS
           ) -> tuple[str, ReportInfo]:
    """The page's HTML, and what it contains (``path`` is where it belongs).

    The garbage collector is paused meanwhile: a big run holds millions of live records, and
    every full collection would walk them all again (rendering makes no reference cycles).
    """
    with gc_paused():
        return _render(run, budget=budget, buckets=buckets)


def _render(run: Run, *, budget: int, buckets: int) -> tuple[str, ReportInfo]:
    results: Results = read_results(run.results)
    history = run.history
    operations = history.operations() if history is not None else []
    ops = history.ops if history is not None else ()
    end = max([ops[-1].time if ops else 0] + [o.ret_time or o.call_time for o in operations])
    nemesis = history.nemesis_ops() if history is not None else []
    windows = fault_windows(nemesis, end=end)
    events = nemesis_events(nemesis)
    focus = focus_positions(results)
    boundaries = [t for w in windows for t in (w.start, w.end)]
    selection = select(operations, focus=focus, boundaries=boundaries, budget=budget)
    concurrency = setting(run.config, "concurrency")
    data = timeline_data(
        history if history is not None else history_of([]),
        operations, selection, windows=windows, events=events,
        series=series(operations, start=0, end=end, buckets=buckets) if operations else None,
        focus=focus, end=end,
        concurrency=concurrency if isinstance(concurrency, int) else None,
        primaries=run.primaries,
    )
    name = setting(run.config, "name")
    title = f"{name if isinstance(name, str) else run.path.name}"
    verdict = results.verdict.value if results.verdict is not None else "none"
    problems = "".join(f"<li>{esc(p)}</li>" for p in run.problems)
    sections = [section("verdicts", "Verdicts", verdicts_section(results))]
    if problems:
        sections.insert(0, section("problems", "Problems reading the run",
                                   f'<ul class="problems">{problems}</ul>'))
    sections.append(section("config", "Test configuration", _config_section(run.config)))
    leader_key = ('<span><i class="swatch" style="background:#5d6d7e"></i>primary (leader), '
                  "as polled during the run</span>" if run.primaries else "")
    sections.append(section("timeline-section", "Timeline of operations", (
        '<div class="controls"><button id="zoom-in">zoom in</button>'
        '<button id="zoom-out">zoom out</button><button id="zoom-reset">reset</button>'
        '<span class="note">Scroll to zoom, drag to pan, double-click to reset; hover an '
        "operation for details, click to select it.</span></div>"
        '<div class="legend"><span><i class="swatch" style="background:var(--ok)"></i>ok</span>'
        '<span><i class="swatch" style="background:var(--fail)"></i>fail</span>'
        '<span><i class="swatch" style="background:var(--info)"></i>info (indeterminate)</span>'
        '<span><i class="swatch" style="background:#999;opacity:.4"></i>fault window</span>'
        f'<span>black outline: named by a checker</span>{leader_key}</div>'
        f'<p class="note" id="elided">{esc(selection.describe())}</p>'
        '<noscript><p class="noscript">The timeline and plots need JavaScript.</p></noscript>'
        f'<div id="timeline" class="plot" data-total="{selection.total}" '
        f'data-shown="{len(selection.shown)}"></div>'
        '<pre id="selected-op" class="mono">Click an operation to select it.</pre>'
    )))
    sections.append(section("performance", "Latency and throughput", (
        f'<p class="note">All {len(operations)} operations, aggregated into time buckets; '
        "fault windows shaded. Latency (log scale) of ok operations: p50 blue, p95 purple, "
        "p99 red, max grey; dots are the operations shown in the timeline (info at the top).</p>"
        '<h3>Throughput (completions per second)</h3><div id="throughput" class="plot"></div>'
        '<h3>Latency</h3><div id="latency" class="plot"></div>'
    )))
    cx = counterexamples_section(results.checkers, history)
    if cx:
        sections.append(section("counterexamples", "Linearizability counterexamples", cx))
    txn = transactions_section(results.checkers, history)
    if txn:
        sections.append(section("transactions", "Transactional anomalies", txn))
    findings = findings_section(results.checkers, history)
    if findings:
        sections.append(section("findings", "Eventual-consistency findings", findings))
    sections.append(section("availability", "Availability per fault window",
                            _availability_section(availability(operations, windows,
                                                               start=0, end=end))))
    sections.append(section("files", "Files and node logs", _files_section(run)))
    present = "".join(sections)
    nav = "".join(f'<a href="#{i}">{esc(t)}</a>' for i, t in (
        ("problems", "problems"), ("verdicts", "verdicts"), ("config", "configuration"),
        ("timeline-section", "timeline"), ("performance", "latency/throughput"),
        ("counterexamples", "counterexamples"), ("transactions", "transactions"),
        ("findings", "findings"),
        ("availability", "availability"), ("files", "logs")) if f'<section id="{i}"' in present)
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
        f"<title>{esc(title)} — {esc(verdict)} — Splitbrain</title>"
        f"<style>{_asset('report.css')}</style></head>"
        f'<body data-verdict="{esc(verdict)}"><header><h1>{esc(title)} '
        f'<span id="verdict">{badge(results.verdict, big=True)}</span></h1>'
        f'<div class="muted">run <code>{esc(run.path.name)}</code> · {len(operations)} '
        f"operations · {len(windows)} fault windows · {esc(seconds(end))}</div>"
        f"<nav>{nav}</nav></header><main>{present}</main>"
        '<div id="tip"></div>'
        f'<script type="application/json" id="report-data">{script_json(data)}</script>'
        f"<script>{_asset('lanes.js')}\n{_asset('report.js')}</script></body></html>\n"
    )
    info = ReportInfo(path=run.path / REPORT, bytes=len(page.encode("utf-8")),
                      operations=len(operations), shown=len(selection.shown),
                      verdict=results.verdict.value if results.verdict is not None else None)
    return page, info


def build_report(run_dir: str | Path, *, output: str | Path | None = None,
                 budget: int = DEFAULT_BUDGET, buckets: int = DEFAULT_BUCKETS) -> ReportInfo:
    """Write ``report.html`` into the run directory (or to ``output``: its links to the run's
    files are relative to the run directory); raises ``RunError`` if ``run_dir`` is not a run."""
    run = load_run(run_dir)
    page, info = render(run, budget=budget, buckets=buckets)
    target = Path(output) if output is not None else info.path
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    return ReportInfo(path=target, bytes=info.bytes, operations=info.operations,
                      shown=info.shown, verdict=info.verdict)


__all__ = ["ReportInfo", "build_report", "render"]
