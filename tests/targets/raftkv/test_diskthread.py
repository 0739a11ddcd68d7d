"""The disk thread runs jobs in order (off the event loop unless inline) and hands back their
exceptions."""

from __future__ import annotations

import asyncio
import functools
import threading

import pytest

from targets.raftkv._diskthread import DiskThread


@pytest.mark.timeout(10)
@pytest.mark.parametrize("inline", [False, True])
def test_jobs_run_in_order_and_errors_come_back(inline: bool) -> None:
    seen: list[tuple[int, str]] = []

    async def scenario() -> None:
        disk = DiskThread(inline=inline)
        disk.start(asyncio.get_running_loop())
        try:

            def job(i: int) -> None:
                seen.append((i, threading.current_thread().name))

            await asyncio.gather(*(disk.run(functools.partial(job, i)) for i in range(50)))

            def boom() -> None:
                raise OSError("disk full")

            with pytest.raises(OSError, match="disk full"):
                await disk.run(boom)
            await disk.run(functools.partial(job, 50))
        finally:
            disk.stop()

    asyncio.run(scenario())
    assert [i for i, _ in seen] == list(range(51))
    expected = threading.current_thread().name if inline else "raftkv-disk"
    assert {name for _, name in seen} == {expected}
