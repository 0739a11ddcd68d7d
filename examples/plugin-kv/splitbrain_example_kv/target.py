"""``--target example-kv``: the factory that the entry point names."""

from __future__ import annotations

from harness.kernel.config import TestConfig
from splitbrain_example_kv.client import KVClient
from splitbrain_example_kv.db import KVDB
from targets.registry import Target, TargetError

OPTIONS = {"port": "7070", "reads": "primary"}


def target(test: TestConfig) -> Target:
    """A tiny primary/replica KV over HTTP (examples/plugin-kv); the register workload.

    Options: ``port`` (default 7070) and ``reads``: ``primary`` (default; linearizable) or
    ``local`` (each client reads from its own node; replicas lag, so reads can be stale).
    """
    options = {**OPTIONS, **dict(test.target_options)}
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise TargetError(f"example-kv: unknown option(s) {', '.join(unknown)}; "
                          f"known: {', '.join(OPTIONS)}")
    if not options["port"].isdigit() or not 0 < int(options["port"]) < 65536:
        raise TargetError(f"example-kv: port must be 1-65535, got {options['port']!r}")
    if options["reads"] not in ("primary", "local"):
        raise TargetError(f"example-kv: reads must be primary or local, got {options['reads']!r}")
    port, local = int(options["port"]), options["reads"] == "local"
    return Target(
        name="example-kv",
        db=KVDB(port=port),
        clients={"register": lambda: KVClient(port=port, local_reads=local)},
    )
