"""Peer transport: persistent TCP connections carrying length-prefixed JSON frames.

Each node dials every peer and only writes on the connection it dialled; it reads what peers
send on the connections they dialled. Messages to an unconnected peer are dropped (Raft
retransmits). Connections are redialled with capped exponential backoff; ``TCP_USER_TIMEOUT``
aborts a connection whose data stays unacknowledged (a partition) so that it is redialled
promptly once the network heals.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections import deque
from collections.abc import Callable

from targets.raftkv._codec import (
    FRAME_HEADER,
    MAX_FRAME,
    CodecError,
    Frame,
    Hello,
    decode_frame,
    encode_frame,
)

log = logging.getLogger("raftkv.transport")

_MAX_QUEUED = 4096
_USER_TIMEOUT_MS = 1500
_CONNECT_TIMEOUT = 0.5
_BACKOFF_MIN = 0.02
_BACKOFF_MAX = 0.5


def _tune(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is None:
        return
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with contextlib.suppress(OSError, AttributeError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, _USER_TIMEOUT_MS)


class _Link:
    """The outgoing connection to one peer."""

    def __init__(
        self, node_id: str, peer: str, host: str, port: int, on_down: Callable[[str], None]
    ) -> None:
        self.node_id = node_id
        self.on_down = on_down
        self.peer = peer
        self.host = host
        self.port = port
        self.queue: deque[bytes] = deque()
        self.wake = asyncio.Event()
        self.connected = False

    def send(self, data: bytes) -> bool:
        if not self.connected:
            return False
        self.queue.append(data)
        if len(self.queue) > _MAX_QUEUED:
            self.queue.popleft()
        self.wake.set()
        return True

    async def run(self) -> None:
        backoff = _BACKOFF_MIN
        while True:
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(self.host, self.port), _CONNECT_TIMEOUT
                )
            except (OSError, TimeoutError):
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, _BACKOFF_MAX)
                continue
            backoff = _BACKOFF_MIN
            _tune(writer)
            watcher = asyncio.create_task(self._watch(reader))
            self.queue.clear()
            self.connected = True
            log.info("connected to %s at %s:%d", self.peer, self.host, self.port)
            try:
                writer.write(encode_frame(Hello(src=self.node_id)))
                while not watcher.done():
                    if not self.queue:
                        self.wake.clear()
                        waiter = asyncio.create_task(self.wake.wait())
                        await asyncio.wait({waiter, watcher}, return_when=asyncio.FIRST_COMPLETED)
                        waiter.cancel()
                        continue
                    data = b"".join(self.queue)
                    self.queue.clear()
                    writer.write(data)
                    await writer.drain()
            except (OSError, ConnectionError) as e:
                log.info("connection to %s lost: %s", self.peer, e)
            except Exception:
                log.exception("connection to %s failed", self.peer)
            finally:
                self.connected = False
                self.queue.clear()
                self.on_down(self.peer)
                watcher.cancel()
                writer.close()
                with contextlib.suppress(Exception):
                    await writer.wait_closed()
            await asyncio.sleep(backoff)

    async def _watch(self, reader: asyncio.StreamReader) -> None:
        """Returns when the peer closes its end (we never expect data on this connection)."""
        with contextlib.suppress(OSError, ConnectionError):
            while await reader.read(4096):
                pass


class PeerTransport:
    def __init__(
        self,
        node_id: str,
        host: str,
        port: int,
        peers: dict[str, tuple[str, int]],
        *,
        on_frame: Callable[[Frame], None],
        on_down: Callable[[str], None] = lambda peer: None,
    ) -> None:
        """``on_frame`` gets every frame from peers; ``on_down(peer)`` is called when the
        connection to ``peer`` is lost (what was sent on it may or may not have arrived)."""
        self.node_id = node_id
        self.host = host
        self.port = port
        self.on_frame = on_frame
        self._links = {
            peer: _Link(node_id, peer, h, p, on_down)
            for peer, (h, p) in peers.items()
            if peer != node_id
        }
        self._incoming: dict[str, asyncio.StreamWriter] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._serve, self.host, self.port, reuse_address=True
        )
        for link in self._links.values():
            self._tasks.append(asyncio.create_task(link.run()))

    def send(self, dst: str, frame: Frame) -> bool:
        """Queue ``frame`` for ``dst``; False when there is no connection (it is dropped)."""
        link = self._links.get(dst)
        return link is not None and link.send(encode_frame(frame))

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._server is not None:
            self._server.close()
        for writer in self._incoming.values():
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        _tune(writer)
        peer = "?"
        try:
            first = decode_frame(await self._read_payload(reader))
            if not isinstance(first, Hello) or first.src not in self._links:
                log.warning("rejecting peer connection that did not introduce itself")
                return
            peer = first.src
            old = self._incoming.pop(peer, None)
            if old is not None:
                old.close()
            self._incoming[peer] = writer
            while True:
                self.on_frame(decode_frame(await self._read_payload(reader)))
        except (asyncio.IncompleteReadError, OSError, ConnectionError):
            pass
        except asyncio.CancelledError:
            return  # shutting down (asyncio logs a cancelled server handler as an error)
        except CodecError as e:
            log.warning("dropping connection from %s: %s", peer, e)
        finally:
            if self._incoming.get(peer) is writer:
                del self._incoming[peer]
            writer.close()

    @staticmethod
    async def _read_payload(reader: asyncio.StreamReader) -> bytes:
        (length,) = FRAME_HEADER.unpack(await reader.readexactly(FRAME_HEADER.size))
        if length > MAX_FRAME:
            raise CodecError(f"frame of {length} bytes is too large")
        return await reader.readexactly(length)
