"""``--target-opt K=V`` for Redis with Sentinel, validated into a frozen record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from targets.option_reader import OptionReader


class FakeTime(StrEnum):
    AUTO = "auto"  # under libfaketime when the nemesis includes "clock"
    ON = "on"
    OFF = "off"


KNOWN = frozenset({
    "port", "sentinel-port", "down-after-ms", "failover-timeout-ms", "faketime",
    "ready-timeout", "op-timeout",
})


@dataclass(frozen=True, kw_only=True, slots=True)
class RedisOptions:
    port: int = 6379
    sentinel_port: int = 26379
    down_after_ms: int = 1000
    failover_timeout_ms: int = 3000
    faketime: FakeTime = FakeTime.AUTO
    ready_timeout_s: float = 40.0
    """How long setup may wait for replication and for every sentinel to know every replica."""
    op_timeout_s: float = 1.0

    @classmethod
    def parse(cls, options: Mapping[str, str]) -> RedisOptions:
        r = OptionReader("redis", options, KNOWN)
        port = r.integer("port", 6379, 1, 65535)
        sentinel_port = r.integer("sentinel-port", 26379, 1, 65535)
        if port == sentinel_port:
            raise r.error("sentinel-port", f"must differ from port (both {port})")
        return cls(
            port=port,
            sentinel_port=sentinel_port,
            down_after_ms=r.integer("down-after-ms", 1000, 100, 600_000),
            failover_timeout_ms=r.integer("failover-timeout-ms", 3000, 100, 3_600_000),
            faketime=r.choice("faketime", FakeTime, FakeTime.AUTO),
            ready_timeout_s=r.seconds("ready-timeout", 40.0),
            op_timeout_s=r.seconds("op-timeout", 1.0),
        )


__all__ = ["KNOWN", "FakeTime", "RedisOptions"]
