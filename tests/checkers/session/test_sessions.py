"""Session guarantees on hand-made set and register histories."""

from __future__ import annotations

from checkers.session import GuaranteeStatus, check_sessions
from checkers.verdict import Verdict
from harness.kernel.history import History, history_of
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import Op, OpType


def hist(*events: tuple[str, int, str, JSON]) -> History:
    """(type, process, f, value) events in order."""
    return history_of([Op(index=i, time=i, type=OpType(t), process=p, f=f, value=v)
                       for i, (t, p, f, v) in enumerate(events)], source="test")


def op(p: int, f: str, arg: JSON, result: JSON) -> list[tuple[str, int, str, JSON]]:
    return [("invoke", p, f, arg), ("ok", p, f, result)]


def status(h: History, kind: str) -> dict[str, GuaranteeStatus]:
    return check_sessions(h, kind=kind).guarantees


def test_clean_set_history_keeps_everything() -> None:
    h = hist(*op(0, "add", 1, 1), *op(1, "read", None, [1]), *op(0, "add", 2, 2),
             *op(0, "read", None, [1, 2]), *op(1, "read", None, [1, 2]))
    r = check_sessions(h, kind="set")
    assert r.verdict is Verdict.VALID
    assert set(r.guarantees.values()) == {GuaranteeStatus.KEPT}


def test_read_your_writes_violation() -> None:
    h = hist(*op(0, "add", 1, 1), *op(0, "read", None, []))
    s = status(h, "set")
    assert s["read-your-writes"] is GuaranteeStatus.VIOLATED
    assert s["monotonic-reads"] is GuaranteeStatus.KEPT
    j = check_sessions(h, kind="set").to_json()
    assert "read-your-writes-violation" in j["anomalies"]  # type: ignore[operator]
    assert "read-your-writes" in j["not"]  # type: ignore[operator]


def test_monotonic_reads_violation() -> None:
    h = hist(*op(1, "add", 1, 1), *op(0, "read", None, [1]), *op(0, "read", None, []))
    s = status(h, "set")
    assert s["monotonic-reads"] is GuaranteeStatus.VIOLATED
    assert s["read-your-writes"] is GuaranteeStatus.KEPT


def test_monotonic_writes_violation() -> None:
    h = hist(*op(0, "add", 1, 1), *op(0, "add", 2, 2), *op(1, "read", None, [2]))
    s = status(h, "set")
    assert s["monotonic-writes"] is GuaranteeStatus.VIOLATED
    assert s["writes-follow-reads"] is GuaranteeStatus.KEPT


def test_writes_follow_reads_violation() -> None:
    h = hist(*op(1, "add", 1, 1), *op(0, "read", None, [1]), *op(0, "add", 2, 2),
             *op(2, "read", None, [2]))
    s = status(h, "set")
    assert s["writes-follow-reads"] is GuaranteeStatus.VIOLATED
    assert s["monotonic-writes"] is GuaranteeStatus.KEPT


def test_register_finds_certain_violations_only() -> None:
    h = hist(*op(0, "write", 3, 3), *op(0, "read", None, None))
    s = status(h, "register")
    assert s["read-your-writes"] is GuaranteeStatus.VIOLATED
    assert s["monotonic-writes"] is GuaranteeStatus.NOT_INFERABLE
    assert s["writes-follow-reads"] is GuaranteeStatus.NOT_INFERABLE
    h = hist(*op(1, "write", 3, 3), *op(0, "read", None, 3), *op(0, "read", None, None))
    assert status(h, "register")["monotonic-reads"] is GuaranteeStatus.VIOLATED
    h = hist(*op(0, "write", 3, 3), *op(0, "read", None, 4))  # 4 may be a later write
    assert check_sessions(h, kind="register").verdict is Verdict.VALID
