"""``--target-opt K=V`` for etcd, validated into a frozen record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from targets.option_reader import OptionReader


class Reads(StrEnum):
    LINEARIZABLE = "linearizable"  # ReadIndex through the leader (etcd's default)
    SERIALIZABLE = "serializable"  # the member's local state, possibly stale


class DataDir(StrEnum):
    DISK = "disk"  # a temporary directory on disk (the WAL is fsynced)
    MEMORY = "memory"  # /dev/shm: fsync is free; survives kills, not machine crashes


KNOWN = frozenset({
    "reads", "data", "client-port", "peer-port", "election-timeout-ms", "heartbeat-ms",
    "ready-timeout", "op-timeout",
})


@dataclass(frozen=True, kw_only=True, slots=True)
class EtcdOptions:
    reads: Reads = Reads.LINEARIZABLE
    data: DataDir = DataDir.DISK
    client_port: int = 2379
    peer_port: int = 2380
    election_timeout_ms: int = 500
    heartbeat_ms: int = 50
    ready_timeout_s: float = 30.0
    op_timeout_s: float = 2.0
    """The client's socket timeout (an op that takes longer is recorded ``info``)."""

    @classmethod
    def parse(cls, options: Mapping[str, str]) -> EtcdOptions:
        r = OptionReader("etcd", options, KNOWN)
        client_port = r.integer("client-port", 2379, 1, 65535)
        peer_port = r.integer("peer-port", 2380, 1, 65535)
        if client_port == peer_port:
            raise r.error("peer-port", f"must differ from client-port (both {client_port})")
        heartbeat = r.integer("heartbeat-ms", 50, 1, 10_000)
        election = r.integer("election-timeout-ms", 500, 5, 50_000)
        if election < 5 * heartbeat:
            raise r.error("election-timeout-ms",
                           f"{election} must be at least 5 x heartbeat-ms ({heartbeat})")
        return cls(
            reads=r.choice("reads", Reads, Reads.LINEARIZABLE),
            data=r.choice("data", DataDir, DataDir.DISK),
            client_port=client_port,
            peer_port=peer_port,
            election_timeout_ms=election,
            heartbeat_ms=heartbeat,
            ready_timeout_s=r.seconds("ready-timeout", 30.0),
            op_timeout_s=r.seconds("op-timeout", 2.0),
        )


__all__ = ["KNOWN", "DataDir", "EtcdOptions", "Reads"]
