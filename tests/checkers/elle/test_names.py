"""Anomaly names are spelled as Elle spells them.

Confirmed by reading Elle's source (github.com/jepsen-io/elle at ccdee6f, 2024:
``src/elle/consistency_model.clj``, ``list_append.clj``, ``rw_register.clj``, ``txn.clj``), where
anomalies are keywords. Elle has no keyword for a read of a value nobody wrote: its README calls
the class "Garbage Reads" ("a read observes a state which could not have been the product of any
write"), its list-append checker stops on an assertion there, and its rw-register infers no edge.
Splitbrain names that finding ``garbage-read``, after the README.
"""

from __future__ import annotations

import re
from pathlib import Path

from checkers.consistency import ANOMALIES
from checkers.elle._graph import LEVELS, SHAPES

ELLE_KEYWORDS = frozenset({
    *(f"{a}{v}" for a in ("G0", "G1c", "G-single", "G-nonadjacent", "G2-item")
      for v in ("", "-process", "-realtime")),
    "G1a", "G1b", "dirty-update", "duplicate-elements", "incompatible-order", "internal",
    "lost-update", "future-read", "cyclic-versions",
})
"""Keywords Elle's source uses for the anomalies its list-append and rw-register report."""

SPLITBRAIN_ONLY = frozenset({"garbage-read"})
"""Names with no Elle keyword (see the module docstring)."""

ELLE_DIR = Path(__file__).resolve().parents[3] / "checkers" / "elle"


def _emitted() -> set[str]:
    names = {s.name for s in SHAPES} | {name for _, name in LEVELS}
    for source in ELLE_DIR.glob("*.py"):
        names |= set(re.findall(r'name="([^"]+)"', source.read_text()))
    return names


def test_every_name_the_elle_checkers_report_is_elles_spelling() -> None:
    emitted = _emitted()
    assert {"G1a", "lost-update", "garbage-read", "G-single-realtime"} <= emitted  # scan works
    assert emitted <= ELLE_KEYWORDS | SPLITBRAIN_ONLY, emitted - ELLE_KEYWORDS - SPLITBRAIN_ONLY
    assert emitted <= set(ANOMALIES), emitted - set(ANOMALIES)
