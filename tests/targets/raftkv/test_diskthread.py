"""The disk thread runs jobs in order, off the event loop, and hands back their exceptions."""

from __future__ import annotations

import asyncio
import threading

import pytest

from targets.raftkv._diskthread import DiskThread


@pytest.mark.timeout(10)
def test_jobs_run_in_order_on_another_thread_and_errors_come_back() -> None:
    seen: list[tuple[int, str]] = []

    async def scenario() -> None:
        disk = DiskThread()
        disk.start(asyncio.get_running_loop())
        try:

            def job(i: int) -> None:
                seen.append((i, threading.current_thread().name))

            await asyncio.gather(*(disk.run(lambda i=i: job(i)) for i in range(50)))

            def boom() -> None:
                raise OSError("disk full")

            with pytest.raises(OSError, match="disk full"):
                await disk.run(boom)
            await disk.run(lambda: job(50))
        finally:
            disk.stop()

    asyncio.run(scenario())
    assert [i for i, _ in seen] == list(range(51))
    assert {name for _, name in seen} == {"raftkv-disk"}
