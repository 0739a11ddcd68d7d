"""On the simulated databases, only the anomalies their isolation allows are reported."""

from __future__ import annotations

import pytest

from checkers.elle import check_list_append
from checkers.elle.simulate import ALLOWED, Isolation, SimConfig, simulate, to_history
from checkers.verdict import Verdict


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("isolation", list(Isolation))
def test_simulated_database_shows_only_what_its_isolation_allows(
        isolation: Isolation, seed: int) -> None:
    txns = list(simulate(SimConfig(isolation=isolation, txns=1000, seed=seed)))
    result = check_list_append(to_history(txns), time_limit=60)
    found = set(result.anomalies)
    allowed = ALLOWED[isolation]
    if allowed is not None:
        assert found <= allowed, found - allowed
    if isolation is Isolation.SERIALIZABLE:
        assert result.verdict is Verdict.VALID
        assert "strict-serializable" in result.boundary.possible
    else:
        assert result.verdict is Verdict.INVALID  # each weaker database is caught
    if isolation is Isolation.SNAPSHOT_ISOLATION:
        assert "snapshot-isolation" in result.boundary.possible
    if isolation is Isolation.READ_COMMITTED:
        assert "read-committed" not in result.boundary.ruled_out
    if isolation is Isolation.LOST_UPDATE:
        assert "lost-update" in found  # named as Elle names it, not only as a cycle


def test_simulation_is_reproducible_from_its_seed() -> None:
    cfg = SimConfig(isolation=Isolation.SNAPSHOT_ISOLATION, txns=300, seed=7)
    assert list(simulate(cfg)) == list(simulate(cfg))
