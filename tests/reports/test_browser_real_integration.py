"""A real invalid run (the Raft KV's stale-reads bug under partitions, as in the CI gate) seen in
headless Chromium: the explanation sentence, no overlapping lane labels, ``nil`` rather than
``None``, and the primary band polled from the real cluster."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checkers.linearizable import LinearizabilityResult
from checkers.verdict import Verdict
from harness.kernel.config import TestConfig, options
from harness.shell.primaries import PRIMARIES, read_primaries
from harness.shell.run import run_test
from harness.shell.run_results import RunResults
from reports._counterexample import headline
from tests.reports.browser import open_report
from tests.reports.test_browser_failures import BOXES_JS, _overlaps, browser

__all__ = ["browser"]  # the fixture, imported


@pytest.mark.integration
@pytest.mark.browser
@pytest.mark.timeout(300)
def test_real_stale_reads_run_in_chromium(browser: object, tmp_path: Path) -> None:
    test = TestConfig(
        name="stale-reads", target="raftkv", workload="register", nodes=("n1", "n2", "n3"),
        nemesis=("partition",), concurrency=5, time_limit=10.0, rate=100, seed=1,
        store=tmp_path / "store", target_options=options({"bug": "stale-reads"}),
        nemesis_options=options({"interval": "2", "recovery": "2"}),
    )
    outcome = run_test(test, state_dir=tmp_path / "state")
    assert outcome.verdict is Verdict.INVALID, outcome.results
    changes, problems = read_primaries(outcome.run_dir / PRIMARIES)
    assert problems == [] and changes
    lin = RunResults.read(outcome.run_dir / "results.json").checker("linearizable")
    assert isinstance(lin, LinearizabilityResult)
    sentence = next(h for k in lin.keys for h in [headline(k.counterexample)] if h)
    assert re.match(r"(read returned|cas expected) ", sentence), sentence

    errors: list[str] = []
    page = open_report(browser, outcome.run_dir / "report.html", errors)
    assert sentence in [t.strip() for t in page.locator(".explanation").all_text_contents()]
    boxes = page.evaluate(BOXES_JS)
    assert len(boxes) >= 2
    assert _overlaps(boxes) == []
    assert not re.search(r"\bNone\b", page.inner_text("body"))
    assert page.locator("#timeline rect.leader").count() == len(changes)
    assert errors == []
    page.close()
