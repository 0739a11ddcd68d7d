from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from checkers.verdict import Verdict
from harness.shell.gate import (
    Case,
    Expectation,
    Regression,
    RunResult,
    judge,
    junit_xml,
    write_junit,
)


def run(seed: int, verdict: Verdict | None, summary: str = "") -> RunResult:
    return RunResult(seed=seed, verdict=verdict, summary=summary, seconds=1.5,
                     run_dir=Path(f"/store/x/{seed}"), report=Path(f"/store/x/{seed}/report.html"),
                     error=None if verdict else "boom")


def document() -> ET.Element:
    good = judge(Case(name="good", repeat=2, unknown_budget=1),
                 [run(1, Verdict.VALID), run(2, Verdict.UNKNOWN)])
    bug = judge(Case(name="bug", expect=Expectation.INVALID, repeat=2),
                [run(3, Verdict.VALID), run(4, None)])
    bad = judge(Case(name="bad"), [run(5, Verdict.INVALID,
                                       "linearizable: invalid, 2 of 4 keys not linearizable")])
    xml = junit_xml("demo", [good, bug, bad], regressions=[
        Regression(case="good", figure="p99 latency (ms)", baseline=10, current=300,
                   limit="rose")])
    return ET.fromstring(xml)


def test_one_testcase_per_case_and_seed_plus_regressions() -> None:
    root = document()
    suite = root.find("testsuite")
    assert suite is not None
    names = [(t.get("classname"), t.get("name")) for t in suite.iter("testcase")]
    assert names == [("demo.good", "seed 1"), ("demo.good", "seed 2"), ("demo.bug", "seed 3"),
                     ("demo.bug", "seed 4"), ("demo.bad", "seed 5"),
                     ("demo.baseline", "good: p99 latency (ms)")]
    assert suite.get("tests") == "6"
    assert suite.get("failures") == "2"
    assert suite.get("errors") == "1"
    assert suite.get("skipped") == "2"  # the tolerated unknown and the non-failing regression
    assert root.get("failures") == "2"


def test_a_failure_message_is_the_anomaly_summary_and_the_report_path() -> None:
    suite = document().find("testsuite")
    assert suite is not None
    bad = next(t for t in suite.iter("testcase") if t.get("classname") == "demo.bad")
    failure = bad.find("failure")
    assert failure is not None
    message = failure.get("message") or ""
    assert "linearizable: invalid, 2 of 4 keys not linearizable" in message
    assert "/store/x/5/report.html" in message
    tolerated = next(t for t in suite.iter("testcase") if t.get("name") == "seed 2")
    skipped = tolerated.find("skipped")
    assert skipped is not None and "within the unknown budget" in (skipped.get("message") or "")
    error = next(t for t in suite.iter("testcase") if t.get("name") == "seed 4").find("error")
    assert error is not None and "boom" in (error.get("message") or "")


def test_regressions_fail_when_asked_and_control_characters_are_replaced(tmp_path: Path) -> None:
    case = judge(Case(name="c"), [run(1, Verdict.INVALID, "bad\x00byte")])
    xml = junit_xml("s", [case], regressions=[
        Regression(case="c", figure="unknown rate", baseline=0, current=1, limit="rose")],
        regressions_fail=True)
    path = tmp_path / "out" / "junit.xml"
    write_junit(path, xml)
    root = ET.parse(path).getroot()
    assert root.get("failures") == "2"
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and "bad?byte" in (failure.get("message") or "")
