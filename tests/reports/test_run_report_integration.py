"""A real run (Raft KV on namespace nodes, partitions) writes a report that shows its faults."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from harness.kernel.config import TestConfig
from harness.shell.primaries import PRIMARIES, read_primaries
from harness.shell.run import run_test


@pytest.mark.integration
@pytest.mark.timeout(240)
def test_real_run_writes_report(tmp_path: Path) -> None:
    test = TestConfig(
        name="report-it", target="raftkv", workload="register", nodes=("n1", "n2", "n3"),
        nemesis=("partition",), concurrency=4, time_limit=6.0, rate=100, seed=21,
        store=tmp_path / "store",
    )
    outcome = run_test(test, state_dir=tmp_path / "state")
    page = (outcome.run_dir / "report.html").read_text()
    assert f'data-verdict="{outcome.verdict.value}"' in page
    assert '<strong class="seed">21</strong>' in page
    assert 'href="nodes/n1/' in page
    m = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    assert m is not None
    data = json.loads(m.group(1))
    assert len(data["ops"]["s"]) > 50
    assert [w["kind"] for w in data["windows"]][:1] == ["partition"]
    assert "linearizable" in page
    # The run polled the leader: primaries.jsonl has the first answer (one leader, elected
    # before the workload started), and the timeline draws the band.
    changes, problems = read_primaries(outcome.run_dir / PRIMARIES)
    assert problems == [] and changes, "no primary recorded"
    assert len(changes[0].primaries) == 1 and changes[0].time < 1_000_000_000
    assert all(a.time <= b.time for a, b in itertools.pairwise(changes))
    assert len(data["leaders"]) == len(changes)
