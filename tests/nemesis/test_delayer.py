from __future__ import annotations

import random

from nemesis.delayer import DelayQueue


class FakePacket:
    def __init__(self, name: str, log: list[str]) -> None:
        self.name = name
        self.log = log

    def accept(self) -> None:
        self.log.append(self.name)


def test_packets_leave_in_deadline_order_after_their_delay() -> None:
    log: list[str] = []
    queue = DelayQueue(0.1, 0.0, random.Random(0))
    queue.hold(FakePacket("a", log), now=0.0)
    queue.hold(FakePacket("b", log), now=0.05)
    assert queue.release_due(0.099) == 0
    assert queue.release_due(0.1) == 1
    assert log == ["a"]
    assert queue.next_due() == 0.15000000000000002
    assert queue.release_all() == 1
    assert log == ["a", "b"]
    assert queue.released == 2
    assert len(queue) == 0


def test_jitter_stays_within_bounds() -> None:
    queue = DelayQueue(0.1, 0.02, random.Random(1))
    dues = [queue.hold(FakePacket(str(i), []), now=0.0) for i in range(200)]
    assert all(0.08 <= d <= 0.12 for d in dues)
    assert len(set(dues)) > 1
