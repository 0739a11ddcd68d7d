"""Redis with Sentinel as a target: a primary, replicas and a Sentinel per node (3 to 5 nodes).

Options: port (6379), sentinel-port (26379), down-after-ms (1000), failover-timeout-ms (3000),
faketime (auto|on|off), ready-timeout, op-timeout. Workloads: set, counter.
"""

from targets.redis.db import RedisDB
from targets.redis.options import RedisOptions

__all__ = ["RedisDB", "RedisOptions"]
