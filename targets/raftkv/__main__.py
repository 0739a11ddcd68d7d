"""``python -m targets.raftkv``: run one node until SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import logging
import os
import select
import signal
import sys
import time
from collections.abc import Sequence
from typing import SupportsIndex

from targets.raftkv._config import ConfigError, config_from_args
from targets.raftkv._node import RaftNode
from targets.raftkv._storage import StorageError


def _select_sleep(seconds: float | SupportsIndex) -> None:
    """``time.sleep`` without clock_nanosleep: under libfaketime the real one fails with EINVAL."""
    select.select([], [], [], max(0.0, float(seconds)))


async def _serve(node: RaftNode) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await node.start()
    await stop.wait()
    logging.getLogger("raftkv").info("stopping")
    await node.stop()


def _tolerate_libfaketime() -> None:
    """Under libfaketime (the clock nemesis), ``time.sleep`` fails with EINVAL and waking a
    thread that waits for the GIL takes a whole switch interval or more (the timed condition
    wait is intercepted): every hand-over to the disk thread then costs 5-60 ms. A short
    switch interval keeps those hand-overs fast."""
    time.sleep = _select_sleep
    if "faketime" in os.environ.get("LD_PRELOAD", ""):
        sys.setswitchinterval(0.0002)


def main(argv: Sequence[str] | None = None) -> int:
    _tolerate_libfaketime()
    try:
        config = config_from_args(sys.argv[1:] if argv is None else argv)
    except ConfigError as e:
        print(f"raftkv: error: {e}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format=f"%(asctime)s {config.node_id} %(name)s %(levelname)s %(message)s",
    )
    try:
        node = RaftNode(config)
    except StorageError as e:
        print(f"raftkv: error: {e}", file=sys.stderr)
        return 2
    try:
        asyncio.run(_serve(node))
    except OSError as e:
        print(f"raftkv: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
