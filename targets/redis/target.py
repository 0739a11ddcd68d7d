"""Redis with Sentinel as a ``--target``: set, counter, list-append and rw-register workloads,
on 3 to 5 nodes."""

from __future__ import annotations

from harness.kernel.config import TestConfig
from targets.option_reader import TargetOptionError
from targets.redis.db import RedisDB
from targets.redis.options import RedisOptions
from targets.redis.workload_clients import RedisConnect
from targets.registry import Target, TargetError

MIN_NODES, MAX_NODES = 3, 5


def target(test: TestConfig) -> Target:
    try:
        options = RedisOptions.parse(dict(test.target_options))
    except TargetOptionError as e:
        raise TargetError(str(e)) from None
    if not MIN_NODES <= len(test.nodes) <= MAX_NODES:
        raise TargetError(
            f"target redis runs a primary, replicas and Sentinels on {MIN_NODES} to {MAX_NODES} "
            f"nodes; got --nodes {len(test.nodes)}"
        )
    connect = RedisConnect(port=options.port, sentinel_port=options.sentinel_port,
                           timeout=options.op_timeout_s)
    return Target(
        name="redis",
        db=RedisDB(options),
        clients={"set": connect.set_client, "counter": connect.counter_client,
                 "list-append": connect.list_append_client,
                 "rw-register": connect.rw_register_client},
    )


__all__ = ["target"]
