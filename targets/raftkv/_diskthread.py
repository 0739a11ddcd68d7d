"""One thread for blocking disk work, handed jobs through pipes instead of locks.

``ThreadPoolExecutor`` hands work over with conditions and semaphores. Under libfaketime (the
clock nemesis) timed condition waits are intercepted and each hand-over can take 5-60 ms, which
made every fsync that slow. Here jobs and results travel in deques, and the two sides wake each
other with a byte on a pipe: a blocking ``read`` on the thread's side, ``add_reader`` on the
event loop's side. Jobs run in submission order.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections import deque
from collections.abc import Callable


class DiskThread:
    def __init__(self, name: str = "raftkv-disk") -> None:
        self._jobs: deque[tuple[Callable[[], None], asyncio.Future[None]] | None] = deque()
        self._done: deque[tuple[asyncio.Future[None], BaseException | None]] = deque()
        self._request_r, self._request_w = os.pipe()
        self._done_r, self._done_w = os.pipe()
        os.set_blocking(self._done_r, False)
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        loop.add_reader(self._done_r, self._collect)
        self._thread.start()

    async def run(self, job: Callable[[], None]) -> None:
        """Run ``job`` on the disk thread; its exception, if any, is raised here."""
        if self._loop is None:
            raise RuntimeError("DiskThread.start() was not called")
        future: asyncio.Future[None] = self._loop.create_future()
        self._jobs.append((job, future))
        os.write(self._request_w, b"j")
        await future

    def stop(self) -> None:
        """Finish the queued jobs, then end the thread."""
        if self._loop is not None:
            self._jobs.append(None)
            os.write(self._request_w, b"q")
            self._thread.join()
            self._loop.remove_reader(self._done_r)
            self._collect()
            self._loop = None
        for fd in (self._request_r, self._request_w, self._done_r, self._done_w):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _work(self) -> None:
        while True:
            os.read(self._request_r, 4096)
            while self._jobs:
                item = self._jobs.popleft()
                if item is None:
                    os.write(self._done_w, b"d")
                    return
                job, future = item
                error: BaseException | None = None
                try:
                    job()
                except BaseException as e:  # handed to the awaiting coroutine
                    error = e
                self._done.append((future, error))
            os.write(self._done_w, b"d")

    def _collect(self) -> None:
        with contextlib.suppress(BlockingIOError):
            os.read(self._done_r, 4096)
        while self._done:
            future, error = self._done.popleft()
            if future.done():
                continue
            if error is None:
                future.set_result(None)
            else:
                future.set_exception(error)
