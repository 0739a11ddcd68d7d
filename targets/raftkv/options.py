"""``--target-opt K=V`` for the bundled Raft KV, validated into a frozen record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from harness.errors import BadInputError


class TargetOptionError(BadInputError):
    """A ``--target-opt`` is unknown or has a bad value."""


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
        known = {
            "client-port", "peer-port", "election-timeout-ms", "heartbeat-ms", "bug",
            "snapshot-every", "faketime", "ready-timeout", "op-timeout",
        }
        unknown = sorted(set(options) - known)
        if unknown:
            raise TargetOptionError(
                f"unknown raftkv option(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )

        def integer(key: str, low: int, high: int) -> int | None:
            if key not in options:
                return None
            try:
                value = int(options[key])
            except ValueError:
                raise TargetOptionError(f"raftkv option {key}: expected an integer, got "
                                        f"{options[key]!r}") from None
            if not low <= value <= high:
                raise TargetOptionError(f"raftkv option {key}: {value} is not in {low}..{high}")
            return value

        def seconds(key: str, default: float) -> float:
            if key not in options:
                return default
            try:
                value = float(options[key])
            except ValueError:
                raise TargetOptionError(f"raftkv option {key}: expected seconds, got "
                                        f"{options[key]!r}") from None
            if not 0 < value <= 3600:
                raise TargetOptionError(f"raftkv option {key}: {value} is not in (0, 3600]")
            return value

        bug = options.get("bug") or None
        if bug is not None and bug not in BUGS:
            raise TargetOptionError(f"raftkv option bug: {bug!r} is not one of {', '.join(BUGS)}")
        faketime = options.get("faketime", "auto")
        try:
            fake = FakeTime(faketime)
        except ValueError:
            raise TargetOptionError(
                f"raftkv option faketime: expected auto, on or off, got {faketime!r}"
            ) from None
        client_port = integer("client-port", 1, 65535) or 8000
        peer_port = integer("peer-port", 1, 65535) or 9000
        if client_port == peer_port:
            raise TargetOptionError(f"raftkv options client-port and peer-port must differ "
                                    f"(both {client_port})")
        return cls(
            client_port=client_port,
            peer_port=peer_port,
            election_timeout_ms=integer("election-timeout-ms", 10, 60_000),
            heartbeat_ms=integer("heartbeat-ms", 1, 60_000),
            bug=bug,
            snapshot_every=integer("snapshot-every", 1, 10_000_000),
            faketime=fake,
            ready_timeout_s=seconds("ready-timeout", 20.0),
            op_timeout_s=seconds("op-timeout", 2.0),
        )


__all__ = ["BUGS", "FakeTime", "RaftKVOptions", "TargetOptionError"]
