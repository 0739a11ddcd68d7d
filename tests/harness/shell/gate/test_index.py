from __future__ import annotations

from pathlib import Path

from checkers.verdict import Verdict
from harness.shell.gate import (
    Case,
    Expectation,
    Figures,
    Regression,
    RunResult,
    index_html,
    judge,
    write_index,
)


def test_the_index_links_reports_relative_to_the_page_and_says_why(tmp_path: Path) -> None:
    report = tmp_path / "store" / "s.bug" / "run1" / "report.html"
    good = judge(Case(name="good"), [RunResult(seed=1, verdict=Verdict.VALID,
                                              run_dir=tmp_path / "store" / "s.good" / "r")])
    bug = judge(Case(name="bug", expect=Expectation.INVALID),
                [RunResult(seed=2, verdict=Verdict.VALID, report=report)])
    page = tmp_path / "store" / "gate-s.html"
    html = index_html(page, "s", [good, bug],
                      figures={"good": Figures(availability=0.5, p99_ms=12.0, unknown_rate=0.0)},
                      regressions=[Regression(case="good", figure="unknown rate", baseline=0,
                                              current=0.5, limit="rose <a lot>")])
    write_index(page, html)
    text = page.read_text(encoding="utf-8")
    assert "1 of 2 case(s) broke their expectation" in text
    assert 'href="s.bug/run1/report.html"' in text
    assert 'href="s.good/r"' in text
    assert "the bug was not found" in text
    assert "50.0%" in text and "p99 12 ms" in text
    assert "rose &lt;a lot&gt;" in text  # escaped
