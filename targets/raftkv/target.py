"""The bundled Raft KV as a ``--target``."""

from __future__ import annotations

from harness.kernel.config import TestConfig
from targets.raftkv.db import RaftKVDB
from targets.raftkv.options import RaftKVOptions, TargetOptionError
from targets.raftkv.workload_clients import RaftKVConnect
from targets.registry import Target, TargetError


def target(test: TestConfig) -> Target:
    try:
        options = RaftKVOptions.parse(dict(test.target_options))
    except TargetOptionError as e:
        raise TargetError(str(e)) from None
    connect = RaftKVConnect(port=options.client_port, timeout=options.op_timeout_s)
    return Target(
        name="raftkv",
        db=RaftKVDB(options),
        clients={
            "register": connect.register_client,
            "set": connect.set_client,
            "counter": connect.counter_client,
            "list-append": connect.txn_client,
            "rw-register": connect.txn_client,
        },
    )


__all__ = ["target"]
