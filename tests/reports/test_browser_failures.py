"""The failure views in headless Chromium, on an invalid run of each workload.

For each run: the verdict is invalid; the explanation sentence of results.json is on the page; no
two label boxes of any lane diagram overlap (measured on the rendered page, also after zooming);
absent values read ``nil``, never Python's ``None``; targets that know their primary show the
primary band on the timeline. Screenshots of one valid and one invalid report are saved as CI
artifacts (``$SPLITBRAIN_ARTIFACTS``, default ``artifacts/`` in the repository; ``.ci/run``
prints where).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from checkers.counter import CounterResult
from checkers.eventual import SetResult
from checkers.linearizable import LinearizabilityResult
from checkers.result_json import result_from_json
from harness.kernel.history import History
from reports import build_report
from reports._counterexample import headline
from tests.reports.browser import launch_browser, open_report
from tests.reports.runs import (
    Checker,
    counter_checker,
    counter_history,
    linearizable_checker,
    primary_changes,
    register_history,
    set_checker,
    set_history,
    write_run,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

ARTIFACTS = Path(os.environ.get("SPLITBRAIN_ARTIFACTS",
                                Path(__file__).resolve().parents[2] / "artifacts"))

# Every label box of every lane diagram, as rendered: [diagram, left, top, right, bottom].
BOXES_JS = """() => [...document.querySelectorAll('.lanes')].flatMap((d, i) =>
  [...d.querySelectorAll('text.bar-label')].map((t) => {
    const r = t.getBoundingClientRect();
    return [i, r.left, r.top, r.right, r.bottom];
  }))"""


@dataclass(frozen=True, kw_only=True, slots=True)
class Case:
    workload: str
    target: str
    history: History
    checker: Checker

    @property
    def leads(self) -> bool:
        return self.target in ("raftkv", "etcd", "redis")


CASES = {
    "register-raftkv": lambda: Case(workload="register", target="raftkv",
                                    history=register_history(300, seed=3, stale_reads=0.2,
                                                             fault_every=100),
                                    checker=linearizable_checker),
    "register-etcd": lambda: Case(workload="register", target="etcd",
                                  history=register_history(400, seed=11, stale_reads=0.1,
                                                           fault_every=120, concurrency=8),
                                  checker=linearizable_checker),
    "set-etcd": lambda: Case(workload="set", target="etcd", history=set_history(200, lose=3),
                             checker=set_checker),
    "counter-redis": lambda: Case(workload="counter", target="redis",
                                  history=counter_history(150, drift=2),
                                  checker=counter_checker),
}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from launch_browser()


def _overlaps(boxes: list[list[float]]) -> list[tuple[list[float], list[float]]]:
    """Pairs of label boxes of the same diagram that intersect (touching edges do not count)."""
    out = []
    for n, a in enumerate(boxes):
        for b in boxes[n + 1:]:
            if a[0] == b[0] and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5 \
                    and a[2] < b[4] - 0.5 and b[2] < a[4] - 0.5:
                out.append((a, b))
    return out


def _explanation(results: dict[str, object]) -> str:
    """The sentence the page must show, straight from results.json."""
    for stored in results["checkers"].values():  # type: ignore[attr-defined]
        result = result_from_json(stored, "checkers")
        if isinstance(result, LinearizabilityResult):
            for key in result.keys:
                why = headline(key.counterexample)
                if why:
                    return why
        elif isinstance(result, SetResult | CounterResult) and result.explanation:
            return result.explanation
    raise AssertionError("results.json explains nothing")


@pytest.mark.parametrize("name", sorted(CASES))
def test_invalid_run_failure_views(browser: object, tmp_path: Path, name: str) -> None:
    case = CASES[name]()
    run = write_run(tmp_path / name, case.history, {case.workload: case.checker},
                    name=name, target=case.target, workload=case.workload,
                    primaries=primary_changes(case.history) if case.leads else None)
    results = json.loads((run / "results.json").read_text())
    assert results["verdict"] == "invalid"
    build_report(run)
    errors: list[str] = []
    page = open_report(browser, run / "report.html", errors)

    assert page.text_content("#verdict").strip().lower() == "invalid"
    sentence = _explanation(results)
    shown = [t.strip() for t in page.locator(".explanation").all_text_contents()]
    assert sentence in shown

    boxes = page.evaluate(BOXES_JS)
    assert len(boxes) >= 2, "no lane diagram with labels to measure"
    assert _overlaps(boxes) == []
    first = page.locator(".lanes").first
    first.locator(".lanes-in").click()
    first.locator(".lanes-in").click()
    assert first.get_attribute("data-zoom") == "4"
    assert _overlaps(page.evaluate(BOXES_JS)) == []
    first.locator(".lanes-reset").click()
    assert page.locator(".lanes rect.bar.failing, .lanes rect.bar.conflict").count() >= 1

    text = page.inner_text("body")
    assert not re.search(r"\bNone\b", text), "Python's None on the page"
    html = page.content()
    assert "None" not in re.sub(r"<script>.*?</script>", "", html, flags=re.S)
    if case.workload == "register":
        assert "nil" in html  # the first reads of each key found it absent

    leaders = page.locator("#timeline rect.leader").count()
    if case.target in ("raftkv", "etcd"):
        assert leaders >= 3
        assert page.locator("#timeline rect.leader.many").count() >= 1
        assert page.locator('#timeline rect.leader[data-primary="n1"]').count() >= 1
    if name == "register-raftkv":
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report-invalid.png"), full_page=True)
        page.locator(".counterexample").first.screenshot(
            path=str(ARTIFACTS / "report-invalid-counterexample.png"))
    assert errors == []
    page.close()


def test_valid_run_screenshot(browser: object, valid_run: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    build_report(valid_run, output=report)
    errors: list[str] = []
    page = open_report(browser, report, errors)
    assert page.text_content("#verdict").strip().lower() == "valid"
    assert page.locator(".lanes").count() == 0
    assert not re.search(r"\bNone\b", page.inner_text("body"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report-valid.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert errors == []
    page.close()


def test_overlap_measure_finds_overlaps() -> None:
    """The measure itself: overlapping boxes of one diagram are found, others are not."""
    assert _overlaps([[0, 0, 0, 10, 10], [0, 5, 5, 15, 15]]) != []
    assert _overlaps([[0, 0, 0, 10, 10], [1, 5, 5, 15, 15]]) == []
    assert _overlaps([[0, 0, 0, 10, 10], [0, 10, 0, 20, 10]]) == []
