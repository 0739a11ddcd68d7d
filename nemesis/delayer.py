"""A userspace packet delayer (this kernel has no netem): ``python -m nemesis.delayer``.

Run inside a node's namespace; iptables sends the packets to delay to NFQUEUE ``--queue``
(with ``--queue-bypass``, so packets pass if this process is gone). Each packet is held for
``delay ± jitter`` milliseconds and then accepted, in deadline order. SIGTERM stops it.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import random
import select
import signal
import sys
import time
from dataclasses import dataclass, field
from types import FrameType
from typing import Protocol


class Verdict(Protocol):
    def accept(self) -> None: ...


@dataclass(order=True)
class _Held:
    due: float
    seq: int
    packet: Verdict = field(compare=False)


class DelayQueue:
    """Packets held until their deadline (pure: time and randomness are passed in)."""

    def __init__(self, delay_s: float, jitter_s: float, rng: random.Random) -> None:
        self.delay_s = delay_s
        self.jitter_s = jitter_s
        self._rng = rng
        self._heap: list[_Held] = []
        self._seq = itertools.count()
        self.released = 0

    def hold(self, packet: Verdict, now: float) -> float:
        delay = self.delay_s
        if self.jitter_s:
            delay = max(0.0, delay + self._rng.uniform(-self.jitter_s, self.jitter_s))
        due = now + delay
        heapq.heappush(self._heap, _Held(due, next(self._seq), packet))
        return due

    def release_due(self, now: float) -> int:
        released = 0
        while self._heap and self._heap[0].due <= now:
            heapq.heappop(self._heap).packet.accept()
            released += 1
        self.released += released
        return released

    def release_all(self) -> int:
        return self.release_due(float("inf"))

    def next_due(self) -> float | None:
        return self._heap[0].due if self._heap else None

    def __len__(self) -> int:
        return len(self._heap)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nemesis.delayer", description=__doc__)
    parser.add_argument("--queue", type=int, required=True, help="NFQUEUE number")
    parser.add_argument("--delay-ms", type=float, required=True)
    parser.add_argument("--jitter-ms", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        from netfilterqueue import COPY_META, NetfilterQueue, Packet
    except ImportError:
        print("delayer: the PyPI package NetfilterQueue is not installed", file=sys.stderr)
        return 2
    queue = DelayQueue(args.delay_ms / 1000.0, args.jitter_ms / 1000.0, random.Random(args.seed))
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    def arrived(packet: Packet) -> None:
        queue.hold(packet, time.monotonic())

    nfq = NetfilterQueue()
    nfq.bind(args.queue, arrived, max_len=65536, mode=COPY_META)
    sock_fd = nfq.get_fd()
    print(f"delayer: queue {args.queue}, {args.delay_ms:g} ms ± {args.jitter_ms:g} ms",
          file=sys.stderr, flush=True)
    try:
        while not stopping:
            due = queue.next_due()
            timeout = 0.2 if due is None else max(0.0, min(0.2, due - time.monotonic()))
            readable, _, _ = select.select([sock_fd], [], [], timeout)
            if readable:
                nfq.run(block=False)
            queue.release_due(time.monotonic())
    finally:
        queue.release_all()
        nfq.unbind()
        print(f"delayer: released {queue.released} packets", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
