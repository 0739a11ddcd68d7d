"""A small HTTP/1.1 server on asyncio streams: JSON bodies, keep-alive, no pipelining tricks."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from harness.kernel.jsontypes import JSON

log = logging.getLogger("raftkv.http")

_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    500: "Internal Server Error",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
_MAX_HEAD = 64 * 1024
_MAX_BODY = 16 << 20


@dataclass(frozen=True, kw_only=True, slots=True)
class Request:
    method: str
    path: str
    body: bytes


@dataclass(frozen=True, kw_only=True, slots=True)
class Response:
    status: int
    body: dict[str, JSON]


Handler = Callable[[Request], Awaitable[Response]]


def render(response: Response, *, close: bool) -> bytes:
    body = json.dumps(response.body, separators=(",", ":")).encode()
    reason = _REASONS.get(response.status, "Status")
    head = (
        f"HTTP/1.1 {response.status} {reason}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n"
    )
    return head.encode() + body


def _error(status: int, message: str) -> Response:
    return Response(status=status, body={"error": message, "definite": True})


async def serve_http(host: str, port: int, handler: Handler) -> asyncio.Server:
    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    return
                except asyncio.LimitOverrunError:
                    writer.write(render(_error(400, "request head too large"), close=True))
                    return
                lines = head.decode("latin-1").split("\r\n")
                parts = lines[0].split(" ")
                if len(parts) != 3:
                    writer.write(render(_error(400, "malformed request line"), close=True))
                    return
                method, path, version = parts
                length = 0
                close = version == "HTTP/1.0"
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    name = name.strip().lower()
                    if name == "content-length":
                        try:
                            length = int(value.strip())
                        except ValueError:
                            length = -1
                    elif name == "connection":
                        token = value.strip().lower()
                        close = token == "close" or (close and token != "keep-alive")
                if length < 0 or length > _MAX_BODY:
                    writer.write(render(_error(400, "bad Content-Length"), close=True))
                    return
                body = await reader.readexactly(length) if length else b""
                try:
                    response = await handler(Request(method=method, path=path, body=body))
                except Exception:
                    log.exception("handler failed for %s %s", method, path)
                    response = Response(
                        status=500, body={"error": "internal error", "definite": False}
                    )
                writer.write(render(response, close=close))
                await writer.drain()
                if close:
                    return
        except (OSError, ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            return  # shutting down (asyncio logs a cancelled server handler as an error)
        finally:
            writer.close()

    return await asyncio.start_server(connection, host, port, reuse_address=True, limit=_MAX_HEAD)
