from __future__ import annotations

import json
import re
from pathlib import Path

from checkers.linearizable import KeyResult, LinearizabilityResult, UnknownReason
from checkers.verdict import Verdict
from reports import build_report, render
from reports._run import load_run
from tests.reports.runs import register_history, write_run


def _data(page: str) -> dict[str, object]:
    m = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    assert m is not None
    data: dict[str, object] = json.loads(m.group(1))
    return data


def test_valid_run_report(valid_run: Path, tmp_path: Path) -> None:
    info = build_report(valid_run, output=tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text()
    assert info.verdict == "valid" and info.operations == 600 and info.shown == 600
    assert 'data-verdict="valid"' in page
    assert "cas-register: 3 key(s) linearizable" in page
    assert '<strong class="seed">1</strong>' in page
    assert 'href="nodes/n1/server.log"' in page and 'href="controller.log"' in page
    assert "Linearizability counterexamples" not in page
    assert "http://" not in page and "https://" not in page  # nothing to fetch
    data = _data(page)
    assert len(data["ops"]["s"]) == 600  # type: ignore[index]
    windows = data["windows"]
    assert isinstance(windows, list) and windows and windows[0]["kind"] == "partition"
    assert "Availability per fault window" in page and "outside faults" in page


def test_invalid_run_shows_counterexample(invalid_run: Path) -> None:
    results = json.loads((invalid_run / "results.json").read_text())
    keys = results["checkers"]["linearizable"]["keys"]
    failing = [k for k in keys if k["verdict"] == "invalid"]
    assert failing
    stuck = failing[0]["counterexample"]["prefixes"][0]["stuck"][0]["operation"]
    page, info = render(load_run(invalid_run))
    assert info.verdict == "invalid"
    assert 'class="stuck-op"' in page
    assert stuck["description"].replace(">", "&gt;") in page
    assert "Model state after them" in page
    data = _data(page)
    assert sum(data["ops"]["x"]) > 0  # type: ignore[index,arg-type]


def test_set_findings(set_run: Path) -> None:
    page, info = render(load_run(set_run))
    assert info.verdict == "invalid"
    assert "Eventual-consistency findings" in page
    assert "Lost elements</strong> (2)" in page
    assert "2 acknowledged element(s) lost" in page


def test_unknown_checker_and_hostile_text(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", register_history(50, seed=9), {}, name="<b>x</b>")
    (run / "results.json").write_text(json.dumps({"verdict": "unknown", "checkers": {
        "exotic": {"verdict": "unknown", "problems": ["</script><script>alert(1)</script>"],
                   "strange": {"deep": [1, 2]}}}}))
    page, _ = render(load_run(run))
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<script>alert(1)" not in page
    assert "problems: &lt;/script&gt;" in page
    assert "&quot;strange&quot;" in page  # raw JSON shown for an unknown checker
    assert page.count("<script") == 2


def test_big_history_is_bounded(tmp_path: Path) -> None:
    run = write_run(tmp_path / "big", register_history(12_000, seed=4, fault_every=3000), {},
                    node_logs=False)
    (run / "results.json").write_text('{"verdict": "valid"}')
    small = build_report(run, budget=1_000)
    assert small.shown == 1_000 and small.operations == 12_000
    page = (run / "report.html").read_text()
    assert "11000 elided" in page
    assert small.bytes < 600_000
    data = _data(page)
    assert len(data["ops"]["s"]) == 1_000  # type: ignore[index]
    assert len(data["series"]["ok"]) == 300  # type: ignore[index]


def test_many_failing_keys_are_capped(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", register_history(20, seed=9), {})
    keys = tuple(KeyResult(key=i, group=None, verdict=Verdict.UNKNOWN, operations=1, pruned=0,
                           configurations=0, seconds=0.0, reason=UnknownReason.TIME_LIMIT)
                 for i in range(2000))
    lin = LinearizabilityResult(verdict=Verdict.UNKNOWN, model="cas-register", operations=2000,
                                keys=keys, seconds=1.0)
    (run / "results.json").write_text(json.dumps({"verdict": "unknown", "checkers": {
        "linearizable": lin.to_json()}}))
    page, _ = render(load_run(run))
    assert "model cas-register: 0 key(s) linearizable, 0 not, 2000 undecided" in page
    assert "key 22: unknown (time-limit)" in page
    assert "key 23: unknown" not in page
    assert "… and 1977 more (see the result JSON)" in page
    assert "more characters elided" in page


def test_run_with_results_only(tmp_path: Path) -> None:
    (tmp_path / "results.json").write_text('{"verdict": "unknown", "error": "target died"}')
    page, info = render(load_run(tmp_path))
    assert info.operations == 0 and info.verdict == "unknown"
    assert "history.jsonl is missing" in page and "test.json is missing" in page
    assert "error: target died" in page
    data = _data(page)
    assert data["series"] is None and data["rows"] == []


def test_config_nested_or_flat(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", register_history(200, seed=9, concurrency=3), {},
                    name="nested-name", concurrency=3)
    page, _ = render(load_run(run))
    assert "<title>nested-name" in page
    assert "<code>test.concurrency</code>" in page and "<code>start_time</code>" in page
    assert _data(page)["rows"] == ["thread 0", "thread 1", "thread 2"]
    (run / "test.json").write_text(json.dumps({"name": "flat-name", "seed": 4}))
    page, _ = render(load_run(run))
    assert "<title>flat-name" in page and 'Seed <strong class="seed">4</strong>' in page
    assert _data(page)["rows"][0].startswith("process ")  # no concurrency: one row per process


def test_unknown_checker_shows_its_scalars(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", register_history(20, seed=9), {})
    (run / "results.json").write_text(json.dumps({"verdict": "valid", "workload": {
        "verdict": "valid", "checkers": {"stats": {"verdict": "valid", "operations": 20,
                                                   "ok": 19, "by_f": {}}}}}))
    page, _ = render(load_run(run))
    assert "<li>operations: 20</li><li>ok: 19</li>" in page
