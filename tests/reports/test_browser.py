"""The report in headless Chromium (Debian's ``chromium``, driven by Playwright): opened from
disk, it shows the verdict, draws the timeline, shows the failing op of the counterexample, and
logs no console errors. A screenshot is saved next to the report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from reports import build_report
from tests.reports.browser import launch_browser, open_report

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from launch_browser()


def test_invalid_report_in_chromium(browser: object, invalid_run: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    build_report(invalid_run, output=report)
    results = json.loads((invalid_run / "results.json").read_text())
    failing = [k for k in results["checkers"]["linearizable"]["keys"]
               if k["verdict"] == "invalid"]
    stuck = failing[0]["counterexample"]["prefixes"][0]["stuck"][0]["operation"]

    errors: list[str] = []
    page = open_report(browser, report, errors)

    assert page.text_content("#verdict").strip().lower() == "invalid"
    assert page.is_visible("#verdict .verdict.invalid")

    drawn = page.locator("#timeline rect.op").count()
    assert drawn == 300
    assert page.locator("#timeline rect.fault").count() >= 1
    assert page.locator("#throughput rect.op").count() > 0
    assert page.locator("#latency circle.dot").count() > 0

    first = page.locator(".counterexample").first
    assert first.is_visible()
    stuck_text = first.locator(".stuck-op .stuck-text").first
    assert stuck_text.is_visible()
    assert stuck_text.text_content() == stuck["description"]
    assert first.locator(".lanes rect.bar.failing").count() == 1

    page.locator("#timeline rect.op").nth(10).hover(force=True)
    assert page.is_visible("#tip")
    assert "history index" in page.text_content("#tip")

    first.locator(".stuck-op a").first.click()
    assert page.locator("#timeline rect.op.sel").count() == 1
    assert page.locator("#timeline rect.op").count() < drawn  # zoomed onto the failing op
    page.click("#zoom-reset")
    assert page.locator("#timeline rect.op").count() == drawn

    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert errors == []
    page.close()


def test_valid_and_bounded_report_in_chromium(browser: object, valid_run: Path,
                                              tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    build_report(valid_run, output=report, budget=200)
    errors: list[str] = []
    page = open_report(browser, report, errors)
    assert page.text_content("#verdict").strip().lower() == "valid"
    assert page.locator("#timeline rect.op").count() == 200
    assert "400 elided" in page.text_content("#elided")
    page.click("#zoom-in")
    assert page.locator("#timeline rect.op").count() < 200
    page.screenshot(path=str(tmp_path / "valid.png"), full_page=True)
    assert errors == []
    page.close()


def test_empty_run_report_has_no_script_errors(browser: object, tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "results.json").write_text('{"verdict": "unknown", "error": "target died"}')
    build_report(run)
    errors: list[str] = []
    page = open_report(browser, run / "report.html", errors)
    assert page.text_content("#verdict").strip().lower() == "unknown"
    assert page.locator("#timeline rect.op").count() == 0
    assert "target died" in page.text_content("#verdicts")
    assert errors == []
    page.close()
