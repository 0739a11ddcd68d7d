"""JUnit XML: one ``<testcase>`` per case and seed (the format CI systems display).

A run that breaks its case's expectation is a ``<failure>`` whose message is the judgement (the
anomaly summary and the path of the report); a harness failure beyond the budget is an
``<error>``; a run within the flake or miss budget is ``<skipped>`` with the reason. Baseline
regressions appear as testcases of the class ``<suite>.baseline``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from harness.shell.gate._baseline import Regression
from harness.shell.gate._judge import CaseJudgement, Status


def _text(text: str) -> str:
    """XML 1.0 cannot carry most control characters; replace them."""
    return "".join(c if c in "\t\n\r" or ord(c) >= 0x20 else "?" for c in text)


def junit_xml(suite: str, cases: Sequence[CaseJudgement], *,
              regressions: Sequence[Regression] = (), regressions_fail: bool = False,
              timestamp: str | None = None) -> bytes:
    """The JUnit XML document for a gate run."""
    root = ET.Element("testsuites", name=f"splitbrain gate {suite}")
    element = ET.SubElement(root, "testsuite", name=suite)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total_time = 0.0
    for judgement in cases:
        for run in judgement.runs:
            counts["tests"] += 1
            total_time += run.result.seconds
            testcase = ET.SubElement(
                element, "testcase", classname=f"{suite}.{judgement.case.name}",
                name=f"seed {run.result.seed}", time=f"{run.result.seconds:.3f}",
            )
            if run.status is Status.FAILED:
                counts["failures"] += 1
                failure = ET.SubElement(testcase, "failure", message=_text(run.message),
                                        type="expectation")
                failure.text = _text(f"expected {judgement.case.expect.value}, got "
                                     f"{run.result.outcome}\n{run.message}")
            elif run.status is Status.ERROR:
                counts["errors"] += 1
                error = ET.SubElement(testcase, "error", message=_text(run.message),
                                      type="harness")
                error.text = _text(run.message)
            elif run.status is Status.TOLERATED:
                counts["skipped"] += 1
                ET.SubElement(testcase, "skipped", message=_text(run.message))
            out = ET.SubElement(testcase, "system-out")
            out.text = _text(f"verdict: {run.result.outcome}\n"
                             f"run directory: {run.result.run_dir or '-'}\n"
                             f"report: {run.result.report or '-'}\n")
    for regression in regressions:
        counts["tests"] += 1
        testcase = ET.SubElement(element, "testcase", classname=f"{suite}.baseline",
                                 name=f"{regression.case}: {regression.figure}", time="0")
        if regressions_fail:
            counts["failures"] += 1
            ET.SubElement(testcase, "failure", message=_text(regression.message),
                          type="regression")
        else:
            counts["skipped"] += 1
            ET.SubElement(testcase, "skipped",
                          message=_text(f"regression (not failing the gate): {regression.message}"))
    for key, value in counts.items():
        element.set(key, str(value))
        root.set(key, str(value))
    element.set("time", f"{total_time:.3f}")
    root.set("time", f"{total_time:.3f}")
    if timestamp is not None:
        element.set("timestamp", timestamp)
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def write_junit(path: Path, document: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(document)
    tmp.replace(path)


__all__ = ["junit_xml", "write_junit"]
