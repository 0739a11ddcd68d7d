"""The report's transactional section: cycles drawn with labelled edges, models, timeline links."""

from __future__ import annotations

from checkers.elle import check_list_append
from reports._elle import cycle_svg, transactions_section
from reports._results import CheckerResult
from tests.checkers.elle.txn_histories import concurrent


def test_a_g_single_is_drawn_with_its_edges_models_and_timeline_links() -> None:
    h = concurrent((0, [["append", "x", 1], ["append", "y", 1]]),
                   (1, [["r", "x", [1]], ["r", "y", []]]), (2, [["r", "y", [1]]]))
    result = check_list_append(h, time_limit=10)
    c = CheckerResult(name="list-append", verdict=result.verdict, data=result.to_json())
    html = transactions_section([c], h)
    assert 'data-anomaly="G-single"' in html
    assert "<svg" in html and ">rw</text>" in html and ">wr</text>" in html
    assert "misses 1 appended by T0" in html  # the micro-op that justifies the rw edge
    assert "snapshot-isolation" in html and "repeatable-read" in html  # ruled out
    assert 'href="#timeline-section"' in html and "data-focus-start" in html


def test_other_checkers_are_ignored() -> None:
    c = CheckerResult(name="set", verdict=None, data={"lost": []})
    assert transactions_section([c]) == ""


def test_cycle_svg_has_a_node_per_transaction() -> None:
    svg = cycle_svg([{"from": 1, "to": 2, "type": "ww", "why": "a"},
                     {"from": 2, "to": 3, "type": "rw", "why": "b"},
                     {"from": 3, "to": 1, "type": "realtime", "why": "c"}])
    assert svg.count("<circle") == 3 and ">realtime</text>" in svg
