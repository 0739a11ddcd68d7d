"""The ``splitbrain`` pytest fixture as a user's suite would use it: real runs of the example
plugin's KV on namespace nodes under partitions, one expected valid and one expected invalid."""

from __future__ import annotations

import pytest

from checkers.verdict import Verdict
from harness.pytest_plugin import Splitbrain

OPTIONS: dict[str, object] = {
    "target": "example-kv", "nemesis": "partition", "nemesis_opt": {"interval": "1.5"},
    "nodes": 3, "concurrency": 5, "rate": 100, "time_limit": 6,
}


@pytest.mark.integration
@pytest.mark.timeout(200)
def test_reads_from_the_primary_are_linearizable(splitbrain: Splitbrain) -> None:
    outcome = splitbrain.run(seed=31, **OPTIONS).expect(Verdict.VALID)
    assert outcome.report.is_file()
    assert outcome.test.nemesis == ("partition",) and outcome.test.seed == 31


@pytest.mark.integration
@pytest.mark.timeout(200)
def test_reads_from_lagging_replicas_are_found_stale(splitbrain: Splitbrain) -> None:
    outcome = splitbrain.run("--target-opt", "reads=local", seed=32, **OPTIONS)
    outcome.expect(Verdict.INVALID)
    assert outcome.exit_code == 1 and outcome.report.is_file()
