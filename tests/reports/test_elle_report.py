"""The report's transactional section: cycles drawn with labelled edges, models, timeline links."""

from __future__ import annotations

from checkers.elle import CycleEdge, check_list_append
from checkers.result_json import OtherResult
from reports._elle import cycle_svg, transactions_section
from reports._results import CheckerResult
from tests.checkers.elle.txn_histories import concurrent


def test_a_g_single_is_drawn_with_its_edges_models_and_timeline_links() -> None:
    h = concurrent((0, [["append", "x", 1], ["append", "y", 1]]),
                   (1, [["r", "x", [1]], ["r", "y", []]]), (2, [["r", "y", [1]]]))
    result = check_list_append(h, time_limit=10)
    c = CheckerResult(name="list-append", result=result)
    html = transactions_section([c], h)
    assert 'data-anomaly="G-single"' in html
    assert "<svg" in html and ">rw</text>" in html and ">wr</text>" in html
    assert "misses 1 appended by T0" in html  # the micro-op that justifies the rw edge
    assert "snapshot-isolation" in html and "repeatable-read" in html  # ruled out
    assert 'href="#timeline-section"' in html and "data-focus-start" in html


def test_other_checkers_are_ignored() -> None:
    c = CheckerResult(name="set", result=OtherResult(verdict=None, data={"lost": []}))
    assert transactions_section([c]) == ""


def test_cycle_svg_has_a_node_per_transaction() -> None:
    svg = cycle_svg([CycleEdge(src=1, dst=2, type="ww", why="a"),
                     CycleEdge(src=2, dst=3, type="rw", why="b"),
                     CycleEdge(src=3, dst=1, type="realtime", why="c")])
    assert svg.count("<circle") == 3 and ">realtime</text>" in svg
