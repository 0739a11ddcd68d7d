"""etcd as a ``--target``: register, set, counter, list-append and rw-register workloads."""

from __future__ import annotations

from harness.kernel.config import TestConfig
from targets.etcd.db import EtcdDB
from targets.etcd.options import EtcdOptions, Reads
from targets.etcd.workload_clients import EtcdConnect
from targets.option_reader import TargetOptionError
from targets.registry import Target, TargetError


def target(test: TestConfig) -> Target:
    try:
        options = EtcdOptions.parse(dict(test.target_options))
    except TargetOptionError as e:
        raise TargetError(str(e)) from None
    if "clock" in test.nemesis:
        raise TargetError(
            "target etcd cannot take clock faults: etcd is a Go binary, which reads the clock "
            "without libc, so libfaketime cannot change its time; drop 'clock' from --nemesis"
        )
    connect = EtcdConnect(port=options.client_port, timeout=options.op_timeout_s,
                          serializable=options.reads is Reads.SERIALIZABLE)
    return Target(
        name="etcd",
        db=EtcdDB(options),
        clients={
            "register": connect.register_client,
            "set": connect.set_client,
            "counter": connect.counter_client,
            "list-append": connect.txn_client,
            "rw-register": connect.txn_client,
        },
    )


__all__ = ["target"]
