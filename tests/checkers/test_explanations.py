"""The explanation sentences of the set and counter checkers, on small hand-made histories
(times: the builder's 10 ns per event, or given in ms)."""

from __future__ import annotations

from checkers.counter import check_counter
from checkers.eventual import check_set
from tests.checkers.histories import H

MS = 1_000_000


def test_counter_names_the_read_and_its_bounds() -> None:
    h = H()
    h.invoke(0, "add", 1, time=0).ok(0, "add", 1, time=2 * MS)
    h.invoke(0, "add", 1, time=3 * MS).ok(0, "add", 1, time=4 * MS)
    h.invoke(1, "read", time=5 * MS).ok(1, "read", 1, time=7 * MS)
    h.invoke(2, "final-read", node="n1", time=8 * MS).ok(2, "final-read", 2, node="n1",
                                                        time=9 * MS)
    h.invoke(3, "final-read", node="n2", time=8 * MS).ok(3, "final-read", 1, node="n2",
                                                        time=9 * MS)
    r = check_counter(h.history())
    assert r.explanation == (
        "read of process 1 (index 4, completed at 0.007 s) returned 1, but the adds acknowledged "
        "before it and those in flight allow only 2 to 2 (1 more read(s) out of bounds). "
        "The final reads disagree: n1 read 2, n2 read 1.")
    assert r.to_json()["explanation"] == r.explanation


def test_valid_counter_explains_nothing() -> None:
    h = H()
    h.invoke(0, "add", 1).ok(0, "add", 1).invoke(1, "read").ok(1, "read", 1)
    h.invoke(2, "final-read", node="n1").ok(2, "final-read", 1, node="n1")
    assert check_counter(h.history()).explanation is None


def test_set_names_lost_and_unexpected_elements() -> None:
    h = H()
    h.invoke(0, "add", 1, time=0).ok(0, "add", 1, time=1 * MS)
    h.invoke(1, "add", 2, time=2 * MS).ok(1, "add", 2, time=3 * MS)
    h.invoke(2, "final-read", node="n1", time=4 * MS).ok(2, "final-read", [1, 9], node="n1",
                                                        time=5 * MS)
    r = check_set(h.history())
    assert r.explanation == (
        "1 acknowledged element(s) are missing from every final read (n1): 2. The element 2 was "
        "added by add(2) of process 1 (index 2, completed at 0.003 s). "
        "Reads returned 1 element(s) no operation added: 9, e.g. final-read() of process 2 "
        "(index 4, completed at 0.005 s).")
    assert r.to_json()["explanation"] == r.explanation
