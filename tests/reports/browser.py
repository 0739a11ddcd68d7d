"""Headless Debian ``chromium`` driven by Playwright, shared by the browser tests of the report."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def launch_browser() -> Iterator[object]:
    """A Chromium browser for one test module; fails in CI (skips elsewhere) without chromium."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have Debian's chromium (scripts/setup installs it)")
        pytest.skip("Debian's chromium is not installed (scripts/setup installs it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            b.close()


def open_report(browser: object, report: Path, errors: list[str]):  # type: ignore[no-untyped-def]
    """A page showing ``report`` once rendered; console errors, page errors and any request that
    leaves ``file:``/``data:`` are appended to ``errors``."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:"))
            else errors.append(f"network request: {r.url}"))
    page.goto(report.as_uri())
    page.wait_for_selector("body[data-rendered=true]", timeout=30_000)
    return page
