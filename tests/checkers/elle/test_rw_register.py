"""Hand-made rw-register histories: what the weaker inference finds, and what it says it
cannot see."""

from __future__ import annotations

from checkers.elle import check_rw_register
from checkers.verdict import Verdict
from harness.kernel.history import History
from tests.checkers.elle.txn_histories import Builder, concurrent, serial


def names(h: History) -> set[str]:
    return set(check_rw_register(h, time_limit=10).anomalies)


def test_clean_history_is_valid() -> None:
    h = serial((0, [["w", "x", 1]]), (1, [["r", "x", 1], ["w", "x", 2]]), (0, [["r", "x", 2]]))
    r = check_rw_register(h, time_limit=10)
    assert r.verdict is Verdict.VALID and r.anomalies == ()
    assert r.cannot_infer  # always explicit about its limits
    assert "cannot-infer" in r.to_json()


def test_g1c() -> None:
    h = concurrent((0, [["w", "x", 1], ["r", "y", 1]]), (1, [["w", "y", 1], ["r", "x", 1]]))
    assert names(h) == {"G1c"}


def test_write_skew_from_initial_reads() -> None:
    h = concurrent((0, [["r", "x", None], ["w", "y", 1]]),
                   (1, [["r", "y", None], ["w", "x", 1]]))
    assert names(h) == {"G2-item"}


def test_read_skew_through_read_then_write() -> None:
    # T0 reads x=1 (T2's) and y=nil; T1 wrote y after reading... G-single
    h = concurrent((0, [["w", "x", 1], ["w", "y", 1]]), (1, [["r", "x", 1], ["r", "y", None]]))
    assert names(h) == {"G-single"}


def test_stale_read_is_realtime() -> None:
    h = serial((0, [["w", "x", 1]]), (1, [["r", "x", None]]))
    assert names(h) == {"G-single-realtime"}


def test_g1a_g1b_garbage_internal() -> None:
    h = Builder().invoke(0, [["w", "x", 1]]).fail(0).txn(1, [["r", "x", 1]]).history()
    assert "G1a" in names(h)
    h = concurrent((0, [["w", "x", 1], ["w", "x", 2]]), (1, [["r", "x", 1]]))
    assert "G1b" in names(h)
    assert "garbage-read" in names(serial((0, [["r", "x", 7]])))
    assert "internal" in names(serial((0, [["w", "x", 1], ["r", "x", 2]])))


def test_lost_update_is_named_as_elle_names_it() -> None:
    # two writers both read T0's value and overwrite it; with no ww order between them the
    # cycle visible is T1 -rw-> T2 -rw-> T1 (G2-item); Elle also names it lost-update.
    h = serial((0, [["w", "x", 1]]))
    h = Builder(ops=list(h.ops)).invoke(1, [["r", "x", 1], ["w", "x", 2]]) \
        .invoke(2, [["r", "x", 1], ["w", "x", 3]]).ok(1).ok(2).history()
    assert names(h) == {"G2-item", "lost-update"}
    r = check_rw_register(h, time_limit=10)
    lost = [f for f in r.findings if f.name == "lost-update"]
    assert [f.txns for f in lost] == [(1, 2)]
    assert "read key x = 1" in lost[0].description
    assert "snapshot-isolation" in r.boundary.not_ and "repeatable-read" in r.boundary.not_


def test_lost_update_from_the_initial_state_and_only_between_committed_txns() -> None:
    both_nil = concurrent((1, [["r", "x", None], ["w", "x", 2]]),
                          (2, [["r", "x", None], ["w", "x", 3]]))
    assert "lost-update" in names(both_nil)
    other_values = concurrent((1, [["r", "x", None], ["w", "x", 2]]),
                              (2, [["r", "x", 2], ["w", "x", 3]]))
    assert "lost-update" not in names(other_values)
    own_write_first = concurrent((1, [["w", "x", 2], ["r", "x", 2], ["w", "x", 4]]),
                                 (2, [["w", "x", 3], ["r", "x", 3], ["w", "x", 5]]))
    assert "lost-update" not in names(own_write_first)
    other_key = concurrent((1, [["r", "x", None], ["w", "y", 2]]),
                           (2, [["r", "x", None], ["w", "y", 3]]))
    assert "lost-update" not in names(other_key)
    failed = Builder().invoke(1, [["r", "x", None], ["w", "x", 2]]) \
        .invoke(2, [["r", "x", None], ["w", "x", 3]]).ok(1).fail(2).history()
    assert "lost-update" not in names(failed)


def test_lost_update_verdict_follows_the_consistency_model() -> None:
    h = concurrent((1, [["r", "x", None], ["w", "x", 2]]), (2, [["r", "x", None], ["w", "x", 3]]))
    for model, verdict in (("read-committed", Verdict.VALID), ("causal", Verdict.VALID),
                           ("snapshot-isolation", Verdict.INVALID),
                           ("repeatable-read", Verdict.INVALID)):
        assert check_rw_register(h, model=model, time_limit=10).verdict is verdict, model


def test_future_read_a_read_of_a_value_the_transaction_writes_later() -> None:
    h = serial((0, [["r", "x", 5], ["w", "x", 5]]))
    assert names(h) == {"future-read"}
    assert "future-read" not in names(serial((0, [["w", "x", 5], ["r", "x", 5]])))
