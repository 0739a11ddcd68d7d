"""etcd (Debian's etcd-server) as a target: one member per node, a v3 JSON-gateway client.

``--target-opt reads=serializable`` makes reads local (possibly stale); the default is
linearizable. Other options: client-port, peer-port, election-timeout-ms (500), heartbeat-ms (50),
ready-timeout, op-timeout. Clock faults are refused (etcd ignores libfaketime).
"""

from targets.etcd.client import EtcdClient, Indeterminate, Unavailable
from targets.etcd.db import EtcdDB
from targets.etcd.options import EtcdOptions, Reads

__all__ = ["EtcdClient", "EtcdDB", "EtcdOptions", "Indeterminate", "Reads", "Unavailable"]
