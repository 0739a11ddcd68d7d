"""``--target-opt K=V`` for the bundled Raft KV, validated into a frozen record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from targets.option_reader import OptionReader, TargetOptionError

BUGS = ("stale-reads", "lease-reads", "unsynced-writes", "ack-before-commit",
        "txn-reads-outside-log")
"""The server's deliberate bug modes (``--bug``)."""


class FakeTime(StrEnum):
    AUTO = "auto"  # on when the nemesis includes "clock"
    ON = "on"
    OFF = "off"


@dataclass(frozen=True, kw_only=True, slots=True)
class RaftKVOptions:
    client_port: int = 8000
    peer_port: int = 9000
    election_timeout_ms: int | None = None
    heartbeat_ms: int | None = None
    bug: str | None = None
    snapshot_every: int | None = None
    faketime: FakeTime = FakeTime.AUTO
    ready_timeout_s: float = 20.0
    op_timeout_s: float = 2.0
    """The client's socket timeout (an op that takes longer is recorded ``info``)."""

    @classmethod
    def parse(cls, options: Mapping[str, str]) -> RaftKVOptions:
        r = OptionReader("raftkv", options, {
            "client-port", "peer-port", "election-timeout-ms", "heartbeat-ms", "bug",
            "snapshot-every", "faketime", "ready-timeout", "op-timeout",
        })
        bug = options.get("bug") or None
        if bug is not None and bug not in BUGS:
            raise r.error("bug", f"{bug!r} is not one of {', '.join(BUGS)}")
        fake = r.choice("faketime", FakeTime, FakeTime.AUTO)
        client_port = r.integer("client-port", 8000, 1, 65535)
        peer_port = r.integer("peer-port", 9000, 1, 65535)
        if client_port == peer_port:
            raise TargetOptionError(f"raftkv options client-port and peer-port must differ "
                                    f"(both {client_port})")
        return cls(
            client_port=client_port,
            peer_port=peer_port,
            election_timeout_ms=r.maybe_integer("election-timeout-ms", 10, 60_000),
            heartbeat_ms=r.maybe_integer("heartbeat-ms", 1, 60_000),
            bug=bug,
            snapshot_every=r.maybe_integer("snapshot-every", 1, 10_000_000),
            faketime=fake,
            ready_timeout_s=r.seconds("ready-timeout", 20.0),
            op_timeout_s=r.seconds("op-timeout", 2.0),
        )


__all__ = ["BUGS", "FakeTime", "RaftKVOptions", "TargetOptionError"]
