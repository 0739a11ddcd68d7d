"""Hand-made list-append histories, one per anomaly, and clean ones (Elle's spelling)."""

from __future__ import annotations

import pytest

from checkers.elle import check_list_append
from checkers.verdict import Verdict
from harness.kernel.errors import HistoryFormatError
from harness.kernel.history import History
from tests.checkers.elle.txn_histories import Builder, concurrent, serial


def names(h: History, model: str = "strict-serializable") -> set[str]:
    return set(check_list_append(h, model=model, time_limit=10).anomalies)


def test_clean_serial_history_is_valid_and_strict_serializable() -> None:
    h = serial((0, [["append", "x", 1], ["r", "x", [1]]]),
               (1, [["r", "x", [1]], ["append", "x", 2], ["append", "y", 1]]),
               (0, [["r", "x", [1, 2]], ["r", "y", [1]]]))
    r = check_list_append(h, time_limit=10)
    assert r.verdict is Verdict.VALID
    assert r.anomalies == ()
    assert "strict-serializable" in r.boundary.possible
    assert r.complete


def test_g0_write_cycle() -> None:
    h = concurrent((0, [["append", "x", 1], ["append", "y", 1]]),
                   (1, [["append", "x", 2], ["append", "y", 2]]))
    h = _then(h, (2, [["r", "x", [1, 2]], ["r", "y", [2, 1]]]))
    r = check_list_append(h, time_limit=10)
    assert "G0" in r.anomalies
    assert r.boundary.not_ == ("read-uncommitted",)
    g0 = next(f for f in r.findings if f.name == "G0")
    assert {e.type for e in g0.cycle} == {"ww"}
    assert all("appended" in e.why for e in g0.cycle)


def test_g1a_aborted_read() -> None:
    h = Builder().invoke(0, [["append", "x", 1]]).fail(0) \
        .txn(1, [["r", "x", [1]]]).history()
    assert "G1a" in names(h)


def test_g1b_intermediate_read() -> None:
    h = concurrent((0, [["append", "x", 1], ["append", "x", 2]]), (1, [["r", "x", [1]]]))
    assert "G1b" in names(h)


def test_g1c_circular_information_flow() -> None:
    h = concurrent((0, [["append", "x", 1], ["r", "y", [1]]]),
                   (1, [["append", "y", 1], ["r", "x", [1]]]))
    assert names(h) == {"G1c"}


def test_g_single_read_skew() -> None:
    h = concurrent((0, [["append", "x", 1], ["append", "y", 1]]),
                   (1, [["r", "x", [1]], ["r", "y", []]]),
                   (2, [["r", "y", [1]]]))
    r = check_list_append(h, time_limit=10)
    assert set(r.anomalies) == {"G-single"}
    assert set(r.boundary.not_) == {"snapshot-isolation", "repeatable-read"}
    cycle = next(f for f in r.findings if f.name == "G-single").cycle
    assert sorted(e.type for e in cycle) == ["rw", "wr"]


def test_g_nonadjacent() -> None:
    h = concurrent((0, [["r", "x", []], ["r", "w", [1]]]),
                   (1, [["append", "x", 1], ["append", "y", 1]]),
                   (2, [["r", "y", [1]], ["r", "z", []]]),
                   (3, [["append", "z", 1], ["append", "w", 1]]))
    h = _then(h, (4, [["r", "x", [1]], ["r", "z", [1]]]))
    r = check_list_append(h, time_limit=10)
    assert "G-nonadjacent" in r.anomalies
    assert "G-single" not in r.anomalies
    assert "snapshot-isolation" in r.boundary.not_


def test_g2_item_write_skew_is_allowed_by_snapshot_isolation() -> None:
    h = concurrent((0, [["r", "x", []], ["append", "y", 1]]),
                   (1, [["r", "y", []], ["append", "x", 1]]))
    h = _then(h, (2, [["r", "x", [1]], ["r", "y", [1]]]))
    r = check_list_append(h, model="snapshot-isolation", time_limit=10)
    assert set(r.anomalies) == {"G2-item"}
    assert r.verdict is Verdict.VALID  # SI allows write skew
    assert check_list_append(h, model="serializable").verdict is Verdict.INVALID


def test_stale_read_is_g_single_realtime_and_only_breaks_strict_serializability() -> None:
    h = serial((0, [["append", "x", 1]]), (1, [["r", "x", []]]))
    r = check_list_append(h, time_limit=10)
    assert set(r.anomalies) == {"G-single-realtime"}
    assert r.boundary.not_ == ("strict-serializable",)
    assert r.verdict is Verdict.INVALID
    assert check_list_append(h, model="serializable").verdict is Verdict.VALID
    cycle = next(f for f in r.findings if f.name == "G-single-realtime").cycle
    assert {e.type for e in cycle} == {"rw", "realtime"}


def test_same_process_stale_read_is_g_single_process() -> None:
    h = serial((0, [["append", "x", 1]]), (0, [["r", "x", []]]))
    found = names(h)
    assert "G-single-process" in found
    assert "G-single-realtime" in found


def test_dirty_update() -> None:
    h = Builder().invoke(0, [["append", "x", 1]]).fail(0) \
        .txn(1, [["append", "x", 2]]).txn(2, [["r", "x", [1, 2]]]).history()
    assert {"dirty-update", "G1a"} <= names(h)


def test_internal() -> None:
    h = serial((0, [["append", "x", 1], ["r", "x", []]]))
    assert names(h) == {"internal"}


def test_internal_second_read_differs() -> None:
    h = serial((0, [["append", "x", 1]]), (1, [["r", "x", [1]], ["r", "x", []]]))
    assert "internal" in names(h)


def test_duplicate_elements() -> None:
    h = serial((0, [["append", "x", 1]]), (1, [["r", "x", [1, 1]]]))
    assert "duplicate-elements" in names(h)


def test_incompatible_order() -> None:
    h = concurrent((0, [["append", "x", 1]]), (1, [["append", "x", 2]]))
    h = _then(h, (2, [["r", "x", [1, 2]]]), (3, [["r", "x", [2, 1]]]))
    r = check_list_append(h, time_limit=10)
    assert "incompatible-order" in r.anomalies
    assert r.verdict is Verdict.INVALID


def test_garbage_read() -> None:
    h = serial((0, [["r", "x", [9]]]))
    assert "garbage-read" in names(h)


def test_unread_appends_still_order_after_the_reads() -> None:
    # write skew whose appends nobody ever reads: found through the unobserved-append rule
    h = concurrent((0, [["r", "x", []], ["append", "y", 1]]),
                   (1, [["r", "y", []], ["append", "x", 1]]))
    assert names(h) == {"G2-item"}


def test_no_time_budget_is_unknown_not_valid() -> None:
    h = serial((0, [["append", "x", 1]]), (1, [["r", "x", [1]]]))
    r = check_list_append(h, time_limit=1e-9)
    assert r.verdict is Verdict.UNKNOWN
    assert r.reason is not None


def test_no_time_budget_still_reports_non_cycle_anomalies() -> None:
    h = Builder().invoke(0, [["append", "x", 1]]).fail(0) \
        .txn(1, [["r", "x", [1]]]).history()
    r = check_list_append(h, time_limit=1e-9)
    assert r.verdict is Verdict.INVALID
    assert "G1a" in r.anomalies


def test_only_failed_transactions_is_never_valid() -> None:
    h = Builder().invoke(0, [["append", "x", 1]]).fail(0).history()
    assert check_list_append(h, time_limit=10).verdict is Verdict.UNKNOWN


@pytest.mark.parametrize("mops", [
    [["append", "x", [1]]],
    [["r", "x", 5]],
    [["incr", "x", 1]],
    [["append", "x"]],
    "not a list",
])
def test_uninterpretable_txn_is_a_format_error_naming_line_and_field(mops: object) -> None:
    h = Builder().invoke(0, mops).ok(0).history()  # type: ignore[arg-type]
    with pytest.raises(HistoryFormatError) as e:
        check_list_append(h)
    assert e.value.field == "value"
    assert "history position" in e.value.message  # in-memory: no lines (files: see CLI tests)


def test_a_value_appended_twice_is_a_format_error() -> None:
    h = serial((0, [["append", "x", 1]]), (1, [["append", "x", 1]]))
    with pytest.raises(HistoryFormatError, match="twice"):
        check_list_append(h)


def _then(h: History, *txns: tuple[int, list[list[object]]]) -> History:
    b = Builder(ops=list(h.ops))
    for p, mops in txns:
        b.txn(p, mops)  # type: ignore[arg-type]
    return b.history()


def test_when_the_detailed_search_gives_up_the_cheap_pass_still_decides(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import checkers.elle._check as check_module

    monkeypatch.setattr(check_module, "cycle_through", lambda *a, **k: None)
    h = concurrent((0, [["r", "x", []], ["append", "y", 1]]),
                   (1, [["r", "y", []], ["append", "x", 1]]))
    r = check_list_append(h, model="serializable", time_limit=10)
    assert r.verdict is Verdict.INVALID
    assert "G2-item" in r.anomalies  # the general name: a cycle with rw edges exists
    assert not r.complete and r.reason is not None
    assert "serializable" in r.boundary.ruled_out
    assert "snapshot-isolation" not in r.boundary.ruled_out  # not proven without the search


def test_a_nil_read_justifies_its_rw_edge() -> None:
    h = concurrent((0, [["append", "x", 1], ["append", "y", 1]]),
                   (1, [["r", "x", [1]], ["r", "y", None]]),
                   (2, [["r", "y", [1]]]))
    r = check_list_append(h, time_limit=10)
    rw = next(e for f in r.findings for e in f.cycle if e.type == "rw")
    assert "misses 1 appended by T0" in rw.why


def test_lost_update_two_appends_on_the_same_read_version() -> None:
    h = serial((0, [["append", "x", 1]]))
    h = Builder(ops=list(h.ops)).invoke(1, [["r", "x", [1]], ["append", "x", 2]]) \
        .invoke(2, [["r", "x", [1]], ["append", "x", 3]]).ok(1).ok(2).history()
    h = _then(h, (3, [["r", "x", [1, 2, 3]]]))
    r = check_list_append(h, time_limit=10)
    assert "lost-update" in r.anomalies
    assert [f.txns for f in r.findings if f.name == "lost-update"] == [(1, 2)]
    assert "lost-update" not in names(_then(serial((0, [["append", "x", 1]])),
                                            (1, [["r", "x", [1]], ["append", "x", 2]]),
                                            (2, [["r", "x", [1, 2]], ["append", "x", 3]])))


def test_future_read_a_read_of_an_append_the_transaction_makes_later() -> None:
    h = serial((0, [["r", "x", [1]], ["append", "x", 1]]))
    r = check_list_append(h, time_limit=10)
    assert r.anomalies == ("future-read",) and r.verdict is Verdict.INVALID
    assert r.findings[0].txns == (0,) and "appended" in r.findings[0].description
    assert check_list_append(h, model="read-uncommitted", time_limit=10).verdict is Verdict.VALID
    later = serial((0, [["append", "x", 1], ["r", "x", [1]], ["append", "x", 2]]))
    assert "future-read" not in names(later)
