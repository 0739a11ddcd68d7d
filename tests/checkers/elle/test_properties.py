"""Property tests: on small random histories the checker agrees with brute force."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from checkers.elle import check_list_append
from checkers.elle.simulate import Isolation, SimConfig, simulate, to_history
from tests.checkers.elle.brute import serializable


@settings(max_examples=400, deadline=None)
@given(seed=st.integers(0, 2**32), isolation=st.sampled_from(list(Isolation)),
       txns=st.integers(2, 6), keys=st.integers(1, 3), concurrency=st.integers(2, 4))
def test_list_append_agrees_with_brute_force(seed: int, isolation: Isolation, txns: int,
                                             keys: int, concurrency: int) -> None:
    cfg = SimConfig(isolation=isolation, txns=txns, seed=seed, keys=keys, max_mops=4,
                    concurrency=concurrency, p_info=0.0, p_fail=0.1)
    ts = list(simulate(cfg))
    result = check_list_append(to_history(ts), model="serializable", time_limit=30)
    assert result.complete
    ruled_out = set(result.boundary.ruled_out)
    assert ("serializable" not in ruled_out) == serializable(ts)
    assert ("strict-serializable" not in ruled_out) == serializable(ts, realtime=True)


def test_a_small_history_is_searched_exhaustively() -> None:
    # found by the property above: 6 transactions on one key had more than MAX_STARTS start
    # edges in one component, and the search gave up ("start-edge limit reached")
    cfg = SimConfig(isolation=Isolation.LOST_UPDATE, txns=6, seed=369102, keys=1, max_mops=4,
                    concurrency=2, p_info=0.0, p_fail=0.1)
    ts = list(simulate(cfg))
    result = check_list_append(to_history(ts), model="serializable", time_limit=30)
    assert result.complete, result.reason
    assert "serializable" in set(result.boundary.ruled_out)
    assert not serializable(ts)
