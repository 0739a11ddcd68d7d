from __future__ import annotations

from checkers.fault_windows import Role, fault_windows, nemesis_actions, nemesis_events, role_of
from tests.checkers.histories import H


def test_pairs_records_into_actions_and_windows() -> None:
    h = (H().invoke(0, "read", time=0).ok(0, "read", 1, time=5)
         .nemesis("partition", "majority", time=10).nemesis("partition", "cut n1", time=12)
         .nemesis("heal", time=50).nemesis("heal", "healed", time=55)
         .invoke(0, "read", time=60).ok(0, "read", 1, time=70).history())
    actions = nemesis_actions(h.ops)
    assert [(a.f, a.start, a.end) for a in actions] == [("partition", 10, 12), ("heal", 50, 55)]
    [w] = fault_windows(h)
    assert (w.kind, w.start, w.end, w.stop_f, w.value) == ("partition", 10, 55, "heal", "majority")
    assert not w.open_ended
    assert w.contains(10) and w.contains(54) and not w.contains(55)


def test_prefix_conventions_and_open_ended() -> None:
    h = (H().nemesis("start-kill", time=0).nemesis("start-kill", time=1)
         .nemesis("clock-skew", 200, time=5).nemesis("clock-skew", time=6)
         .nemesis("stop-kill", time=20).nemesis("stop-kill", time=21)
         .invoke(1, "read", time=90).ok(1, "read", time=100).history())
    windows = fault_windows(h)
    assert [(w.kind, w.start, w.end, w.open_ended) for w in windows] == [
        ("kill", 0, 21, False), ("clock", 5, 100, True)]


def test_plain_start_restarts_killed_nodes_otherwise_generic() -> None:
    assert role_of("start", ["kill"]) == (Role.STOP, "kill")
    assert role_of("start") == (Role.START, "fault")
    assert role_of("stop") == (Role.STOP, "fault")
    assert role_of("weird") == (Role.EVENT, "weird")
    assert role_of("netem-start") == (Role.START, "netem")


def test_restart_of_same_kind_closes_previous_window() -> None:
    h = (H().nemesis("partition", "a", time=0).nemesis("partition", time=1)
         .nemesis("partition", "b", time=10).nemesis("partition", time=11)
         .nemesis("heal", time=20).nemesis("heal", time=21).history())
    windows = fault_windows(h)
    assert [(w.start, w.end, w.value) for w in windows] == [(0, 10, "a"), (10, 21, "b")]


def test_events_and_unmatched_stop() -> None:
    h = (H().nemesis("heal", time=0).nemesis("heal", time=1)
         .nemesis("snapshot", time=5).history())
    assert fault_windows(h) == []
    assert [e.f for e in nemesis_events(h)] == ["snapshot"]
    assert [a.end for a in nemesis_actions(h.ops)] == [1, 5]


def test_interleaved_nemeses_pair_by_f() -> None:
    h = (H().nemesis("start-partition", {"grudge": "majority"}, time=0)
         .nemesis("kill", {"nodes": ["n1"]}, time=1)
         .nemesis("start-partition", "partitioned", time=3).nemesis("kill", "killed", time=4)
         .nemesis("start", time=20).nemesis("stop-partition", time=21)
         .nemesis("start", "started", time=25).nemesis("stop-partition", "healed", time=26)
         .history())
    assert [(a.f, a.start, a.end) for a in nemesis_actions(h.ops)] == [
        ("start-partition", 0, 3), ("kill", 1, 4), ("start", 20, 25),
        ("stop-partition", 21, 26)]
    assert [(w.kind, w.start, w.end) for w in fault_windows(h)] == [
        ("partition", 0, 26), ("kill", 1, 25)]
