"""The lane diagram component: its data (Python) and its layout in headless Chromium (dense,
long labels: none overlap, cut ones keep the full text for hover, zoom lays them out again)."""

from __future__ import annotations

import json
import random
import re
from importlib import resources
from pathlib import Path

import pytest

from reports._lanes import LABEL_CHARS, Bar, Role, lanes_data, lanes_html
from tests.reports.test_browser_failures import BOXES_JS, _overlaps, browser

__all__ = ["browser"]  # the fixture, imported


def test_data_orders_lanes_and_converts_times_to_microseconds() -> None:
    bars = [Bar(lane="process 2", start=5_000, end=9_000, label="b", role=Role.FAILING),
            Bar(lane="process 1", start=1_000, end=None, label="a", index=7)]
    data = lanes_data(bars, lanes=["process 1"])
    assert data["lanes"] == ["process 1", "process 2"]
    assert data["t0"] == 1.0 and data["t1"] == 9.0
    assert data["bars"] == [
        {"l": 0, "s": 1.0, "e": None, "t": "a", "h": "a", "r": "plain", "i": 7},
        {"l": 1, "s": 5.0, "e": 9.0, "t": "b", "h": "b", "r": "failing", "i": None},
    ]


def test_html_is_empty_without_bars_and_escapes_its_json() -> None:
    assert lanes_html([]) == ""
    page = lanes_html([Bar(lane="p", start=0, end=1, label="</script><b>")])
    assert "</script><b>" not in page
    payload = re.search(r'class="lanes-data">(.*?)</script>', page, re.S)
    assert payload is not None and json.loads(payload.group(1))["bars"][0]["t"] == "</script><b>"
    assert "failing operation" not in page  # the legend lists only the roles drawn


@pytest.mark.browser
@pytest.mark.timeout(120)
def test_dense_long_labels_never_overlap_and_keep_their_full_text(browser: object,
                                                                   tmp_path: Path) -> None:
    rng = random.Random(7)
    bars = []
    for i in range(90):
        start = rng.randrange(0, 50_000_000)
        label = f"{i}. write({'x' * rng.randrange(1, 70)}) -> ok"
        bars.append(Bar(lane=f"process {i % 3}", start=start,
                        end=None if i % 17 == 0 else start + rng.randrange(10_000, 5_000_000),
                        label=label, role=Role.FAILING if i == 5 else Role.PLAIN))
    script = resources.files("reports").joinpath("assets", "lanes.js").read_text("utf-8")
    style = resources.files("reports").joinpath("assets", "report.css").read_text("utf-8")
    page_file = tmp_path / "lanes.html"
    page_file.write_text(f"<!DOCTYPE html><html><head><meta charset=utf-8><style>{style}</style>"
                         f"</head><body>{lanes_html(bars)}<script>{script}</script></body></html>",
                         encoding="utf-8")
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1000, "height": 800})  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    page.wait_for_selector(".lanes svg")
    boxes = page.evaluate(BOXES_JS)
    assert len(boxes) == 90
    assert _overlaps(boxes) == []
    cut = page.evaluate("""() => [...document.querySelectorAll('text.bar-label')]
        .map((t) => [t.firstChild.textContent, t.dataset.full,
                     t.querySelector('title').textContent])
        .filter(([shown]) => shown.endsWith('…'))""")
    assert cut, "no label was long enough to be cut"
    for shown, full, title in cut:
        assert len(shown) == LABEL_CHARS and full.startswith(shown[:-1]) and full in title
    rows = page.evaluate("() => document.querySelector('.lanes svg').getAttribute('height')")
    for _ in range(3):
        page.click(".lanes-in")
    assert page.get_attribute(".lanes", "data-zoom") == "8"
    assert _overlaps(page.evaluate(BOXES_JS)) == []
    zoomed = page.evaluate("() => document.querySelector('.lanes svg').getAttribute('height')")
    assert int(zoomed) < int(rows)  # wider axis: fewer stacked rows
    assert errors == []
    page.close()
