from __future__ import annotations

from checkers.availability import availability
from checkers.fault_windows import fault_windows
from tests.checkers.histories import H


def _history() -> H:
    h = H()
    # ok outside, then a partition 100..200 with 1 ok, 1 fail, 1 info, then ok outside.
    h.invoke(0, "read", time=0).ok(0, "read", time=10)
    h.nemesis("partition", time=100).nemesis("partition", time=101)
    h.invoke(0, "read", time=110).ok(0, "read", time=120)
    h.invoke(0, "write", 1, time=130).fail(0, "write", time=140)
    h.invoke(0, "write", 2, time=150).info(0, "write", time=160)
    h.nemesis("heal", time=190).nemesis("heal", time=200)
    h.invoke(1, "read", time=200).ok(1, "read", time=210)
    h.invoke(1, "read", time=300).ok(1, "read", time=400)
    return h


def test_counts_inside_and_outside_windows() -> None:
    hist = _history().history()
    report = availability(hist.operations(), fault_windows(hist))
    [w] = report.windows
    assert (w.ok, w.fail, w.info, w.label) == (1, 1, 1, "partition")
    assert w.ok_fraction is not None and abs(w.ok_fraction - 1 / 3) < 1e-9
    assert w.duration_ns == 100
    assert (report.outside.ok, report.outside.fail, report.outside.info) == (3, 0, 0)
    assert report.outside.ok_fraction == 1.0
    assert report.overall.total == 6
    assert report.overall.duration_ns == 400
    assert report.outside.duration_ns == 300
    assert report.to_json()["windows"][0]["total"] == 3  # type: ignore[index,call-overload]


def test_no_ops_means_no_fraction() -> None:
    h = H().nemesis("kill", time=0).nemesis("kill", time=5).history()
    report = availability(h.operations(), fault_windows(h))
    assert report.windows[0].ok_fraction is None
    assert report.overall.total == 0
    assert report.overall.ok_per_second == 0.0


def test_overlapping_windows_counted_once_outside() -> None:
    h = H()
    h.nemesis("partition", time=0).nemesis("partition", time=0)
    h.nemesis("kill", time=5).nemesis("kill", time=5)
    h.invoke(0, "read", time=6).ok(0, "read", time=7)
    h.nemesis("heal", time=10).nemesis("heal", time=10)
    h.nemesis("restart", time=20).nemesis("restart", time=20)
    h.invoke(0, "read", time=30).fail(0, "read", time=40)
    hist = h.history()
    report = availability(hist.operations(), fault_windows(hist))
    assert [w.ok for w in report.windows] == [1, 1]
    assert (report.outside.ok, report.outside.fail) == (0, 1)
    assert report.outside.duration_ns == 20
